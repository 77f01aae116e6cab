/** The HTTP endpoint: /healthz and /metrics on a real loopback port, 404 elsewhere, and --listen's grammar. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "../../src/errors.ts";
import { parseListen, startEndpoint } from "../../src/serve/http-endpoint.ts";

describe("parseListen", () => {
  const cases = [
    { input: "127.0.0.1:9090", want: { host: "127.0.0.1", port: 9090 } },
    { input: "0.0.0.0:0", want: { host: "0.0.0.0", port: 0 } },
    { input: "[::1]:8080", want: { host: "::1", port: 8080 } },
    { input: "localhost:65535", want: { host: "localhost", port: 65535 } },
  ];
  for (const c of cases) {
    it(c.input, () => {
      assert.deepEqual(parseListen(c.input), c.want);
    });
  }
  for (const input of ["9090", "127.0.0.1", "127.0.0.1:70000", ":9090", "::1:9090", "host:port"]) {
    it(`refuses ${input}`, () => {
      assert.throws(() => parseListen(input), UsageError);
    });
  }
});

describe("startEndpoint", () => {
  it("answers /healthz and /metrics, 404 elsewhere, 405 to a POST", async (t) => {
    let problem: string | undefined = undefined;
    const endpoint = await startEndpoint(
      { host: "127.0.0.1", port: 0 },
      {
        healthy: () => problem,
        metrics: () => ({ contentType: "text/plain; version=0.0.4", text: "a_total 1\n" }),
      },
    );
    t.after(() => endpoint.close());
    assert.match(endpoint.address, /^127\.0\.0\.1:\d+$/);
    assert.doesNotMatch(endpoint.address, /:0$/, "the bound port, not 0");
    const base = `http://${endpoint.address}`;

    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), "ok\n");
    const metrics = await fetch(`${base}/metrics?x=1`);
    assert.equal(metrics.status, 200);
    assert.equal(metrics.headers.get("content-type"), "text/plain; version=0.0.4");
    assert.equal(await metrics.text(), "a_total 1\n");
    const other = await fetch(`${base}/`);
    assert.equal(other.status, 404);
    await other.arrayBuffer();
    const post = await fetch(`${base}/metrics`, { method: "POST" });
    assert.equal(post.status, 405);
    await post.arrayBuffer();

    problem = "stopping";
    const stopping = await fetch(`${base}/healthz`);
    assert.equal(stopping.status, 503);
    assert.equal(await stopping.text(), "stopping\n");
  });

  it("rejects an address in use", async (t) => {
    const first = await startEndpoint(
      { host: "127.0.0.1", port: 0 },
      { healthy: () => undefined, metrics: () => ({ contentType: "text/plain", text: "" }) },
    );
    t.after(() => first.close());
    const port = Number(first.address.split(":").pop());
    await assert.rejects(
      startEndpoint(
        { host: "127.0.0.1", port },
        { healthy: () => undefined, metrics: () => ({ contentType: "text/plain", text: "" }) },
      ),
      /EADDRINUSE/,
    );
  });
});
