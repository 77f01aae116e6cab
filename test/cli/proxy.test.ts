/**
 * HTTPS_PROXY, HTTP_PROXY and NO_PROXY end to end: `digest` through a real
 * forward proxy (tinyproxy) to real registries, HTTPS through a CONNECT
 * tunnel, plain HTTP in absolute form, NO_PROXY bypassing it, and a proxy
 * password that never shows up in output.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { startForwardProxy } from "../support/forward-proxy.ts";
import { writeImage } from "../support/oci-image.ts";
import { startRegistry, type Registry } from "../support/registry-server.ts";
import { runInProcess } from "../support/run-cli.ts";
import { inspectDigest, pushLayout } from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";

const proxyCanary = "canary-7f3a19-proxy";

/** A registry holding team/app:1.0, and skopeo's digest of it. */
async function registryWithImage(t: TestContext, tls: boolean) {
  const registry = await startRegistry(t, { tls });
  const layout = await tempRepo(t, {});
  const image = await writeImage(layout, { tag: "1.0", layers: 1 });
  const skopeo = registry.caDir === undefined ? { tlsVerify: false } : { certDir: registry.caDir };
  const ref = `${registry.host}/team/app:1.0`;
  await pushLayout(layout, image.tag, ref, skopeo);
  return { registry, ref, digest: await inspectDigest(ref, skopeo) };
}

/** A config file trusting the registry's CA. */
async function caConfig(t: TestContext, registry: Registry): Promise<string> {
  assert.ok(registry.caPem !== undefined);
  const dir = await tempRepo(t, { "ca.pem": registry.caPem });
  const config = path.join(dir, "imagestream-gitops.yaml");
  await writeFile(config, `registries:\n  "${registry.host}": {ca: ca.pem}\n`);
  return config;
}

describe("digest through a forward proxy", () => {
  it("tunnels HTTPS through HTTPS_PROXY with CONNECT", async (t) => {
    const { registry, ref, digest } = await registryWithImage(t, true);
    const proxy = await startForwardProxy(t);
    const config = await caConfig(t, registry);
    const r = await runInProcess(["digest", "--config", config, ref], { HTTPS_PROXY: proxy.url });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${digest}\n`);
    assert.ok(
      proxy.requests().includes(`CONNECT ${registry.host} HTTP/1.1`),
      proxy.requests().join("\n"),
    );
  });

  it("sends plain HTTP to HTTP_PROXY in absolute form, and HTTPS not to it", async (t) => {
    const { registry, ref, digest } = await registryWithImage(t, false);
    const proxy = await startForwardProxy(t);
    const r = await runInProcess(["digest", "--insecure", ref], { http_proxy: proxy.url });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${digest}\n`);
    const seen = proxy.requests();
    const head = `HEAD http://${registry.host}/v2/team/app/manifests/1.0 HTTP/1.1`;
    assert.ok(seen.includes(head), seen.join("\n"));
    // The HTTPS attempt of the insecure fallback (N1) went direct: no CONNECT.
    assert.ok(!seen.some((line) => line.startsWith("CONNECT")), seen.join("\n"));
  });

  it("bypasses the proxy for hosts NO_PROXY lists", async (t) => {
    const { registry, ref, digest } = await registryWithImage(t, true);
    const proxy = await startForwardProxy(t);
    const config = await caConfig(t, registry);
    const r = await runInProcess(["digest", "--config", config, ref], {
      HTTPS_PROXY: proxy.url,
      NO_PROXY: "example.com,127.0.0.0/8",
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${digest}\n`);
    assert.deepEqual(proxy.requests(), []);
  });

  it("authenticates to the proxy and never prints its password", async (t) => {
    const { registry, ref, digest } = await registryWithImage(t, true);
    const auth = { username: "corp", password: proxyCanary };
    const proxy = await startForwardProxy(t, { auth });
    const config = await caConfig(t, registry);
    const ok = await runInProcess(["digest", "--config", config, ref], { HTTPS_PROXY: proxy.url });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `${digest}\n`);

    const wrong = proxy.url.replace(proxyCanary, `${proxyCanary}-wrong`);
    const refused = await runInProcess(["digest", "--json", "--config", config, ref], {
      HTTPS_PROXY: wrong,
    });
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /407|proxy/i);
    assert.doesNotMatch(refused.stdout + refused.stderr, /canary-7f3a19/);
    assert.doesNotMatch(
      refused.stdout + refused.stderr,
      new RegExp(Buffer.from(`corp:${proxyCanary}-wrong`).toString("base64")),
    );
  });
});
