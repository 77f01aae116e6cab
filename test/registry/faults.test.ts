/**
 * The registry client under faults: a real docker-registry (TLS, htpasswd)
 * behind test/support/fault-proxy.ts, which drops connections, answers
 * scripted statuses, truncates, corrupts and rewrites answers. skopeo,
 * talking to the registry directly, says what the right digests and tags
 * are; the proxy's request log counts the attempts. Waits are recorded
 * through the transport's injected sleep, never timed.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { inspect } from "node:util";
import { parseNormalizedReference, ReferenceParseError } from "../../src/reference/index.ts";
import { RegistryClient } from "../../src/registry/client.ts";
import {
  DigestMismatchError,
  RegistryError,
  UnsupportedManifestError,
} from "../../src/registry/errors.ts";
import { Transport } from "../../src/registry/transport.ts";
import {
  startFaultProxy,
  type Exchange,
  type FaultProxy,
  type FaultRule,
  type ScriptedResponse,
} from "../support/fault-proxy.ts";
import { sha256Digest, writeImage } from "../support/oci-image.ts";
import { startRegistry, type Registry } from "../support/registry-server.ts";
import { runInProcess } from "../support/run-cli.ts";
import {
  inspectDigest,
  inspectRaw,
  listTags,
  pushLayout,
  type SkopeoOptions,
} from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";

const canary = "canary-3b8e1d-fault:pass";
/** The password in every form it could leak in: as is, and inside a Basic header. */
const secrets = [canary, Buffer.from(`alice:${canary}`).toString("base64")];

const repo = "faults/app";
const manifests = /^\/v2\/faults\/app\/manifests\//;
const tagList = /^\/v2\/faults\/app\/tags\/list/;
const retry = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 10_000 };

/** A registry holding `tags` of one image, pushed with skopeo, and what skopeo says of it. */
interface Setup {
  readonly registry: Registry;
  readonly skopeo: SkopeoOptions;
  /** skopeo's digest of `faults/app:<first tag>`. */
  readonly digest: string;
}

async function setUp(t: TestContext, tags: readonly string[] = ["1.0"]): Promise<Setup> {
  const auth = { kind: "htpasswd", username: "alice", password: canary } as const;
  const registry = await startRegistry(t, { tls: true, auth });
  assert.ok(registry.caDir !== undefined);
  const skopeo = { certDir: registry.caDir, creds: `alice:${canary}` };
  const layout = await tempRepo(t, {});
  const image = await writeImage(layout, { tag: "image", layers: 1, seed: "faults" });
  for (const tag of tags)
    await pushLayout(layout, image.tag, `${registry.host}/${repo}:${tag}`, skopeo);
  const digest = await inspectDigest(`${registry.host}/${repo}:${tags[0] ?? ""}`, skopeo);
  assert.equal(digest, image.digest);
  return { registry, skopeo, digest };
}

/** A client that reaches the registry only through `proxy`, recording the waits it asks for. */
function clientThrough(
  t: TestContext,
  registry: Registry,
  proxy: FaultProxy,
  now?: () => number,
): { client: RegistryClient; transport: Transport; sleeps: number[] } {
  const settings = () => ({ insecure: false, concurrency: 4, ...ca(registry) });
  const sleeps: number[] = [];
  const transport = new Transport({
    hostSettings: settings,
    retry,
    timeoutMs: 10_000,
    random: () => 0.5,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...(now === undefined ? {} : { now }),
  });
  const credentials = {
    lookup: (host: string) =>
      Promise.resolve(host === proxy.host ? { username: "alice", password: canary } : undefined),
  };
  const client = new RegistryClient({ transport, credentials, hostSettings: settings });
  t.after(() => client.close());
  return { client, transport, sleeps };
}

function ca(registry: Registry): { ca?: string } {
  return registry.caPem === undefined ? {} : { ca: registry.caPem };
}

const ref = (proxy: FaultProxy, rest: string) => parseNormalizedReference(`${proxy.host}/${rest}`);

/** Fails if a credential shows anywhere in `text`. */
function assertNoSecret(text: string): void {
  for (const secret of secrets) assert.ok(!text.includes(secret), "a credential leaked");
}

/** Every way an error is shown: String, message, JSON, stack, and inspect (with its causes). */
function shownForms(err: unknown): string {
  const forms = [inspect(err, { depth: 5 }), JSON.stringify(err)];
  for (let e = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    forms.push(String(e), e.message, e.stack ?? "");
    e = e.cause;
  }
  return forms.join("\n");
}

/** Awaits `promise`'s rejection, checks it is a `type` without any credential, and returns it. */
async function rejection<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const err = await promise.then(
    (value: unknown) => assert.fail(`resolved with ${JSON.stringify(value)}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof type, `expected ${type.name}, got ${shownForms(err)}`);
  assertNoSecret(shownForms(err));
  return err;
}

/** The methods of the proxy's requests whose path matches `pattern`, in order. */
function methods(proxy: FaultProxy, pattern: RegExp): string[] {
  return proxy.requests.filter((r) => pattern.test(r.path)).map((r) => r.method);
}

describe("the registry client behind a fault-injecting proxy", { concurrency: true }, () => {
  it("retries a connection reset on the manifest HEAD and gets skopeo's digest", async (t) => {
    const s = await setUp(t);
    const proxy = await startFaultProxy(t, s.registry, [
      { method: "HEAD", path: manifests, times: 1, fault: { kind: "reset" } },
    ]);
    const { client, transport, sleeps } = clientThrough(t, s.registry, proxy);
    const resolved = await client.resolve(ref(proxy, `${repo}:1.0`));
    assert.equal(resolved.digest, s.digest);
    assert.deepEqual(methods(proxy, manifests), ["HEAD", "HEAD"]);
    assert.equal(transport.stats.snapshot()[proxy.host]?.retries, 1);
    assert.deepEqual(sleeps, [50], "half of the 100 ms base (random() = 0.5)");
  });

  it("retries 500 and 503 with growing delays until the registry answers", async (t) => {
    const s = await setUp(t);
    const proxy = await startFaultProxy(t, s.registry, [
      { method: "HEAD", path: manifests, times: 1, fault: { kind: "status", status: 500 } },
      { method: "HEAD", path: manifests, times: 1, fault: { kind: "status", status: 503 } },
    ]);
    const { client, transport, sleeps } = clientThrough(t, s.registry, proxy);
    assert.equal((await client.resolve(ref(proxy, `${repo}:1.0`))).digest, s.digest);
    assert.deepEqual(
      proxy.requests.filter((r) => manifests.test(r.path)).map((r) => r.fault ?? "forwarded"),
      ["status", "status", "forwarded"],
    );
    assert.deepEqual(sleeps, [50, 100], "the ceiling doubles per attempt");
    assert.equal(transport.stats.snapshot()[proxy.host]?.retries, 2);
  });

  it("gives up on a persistent 500 after the configured attempts with a transient RegistryError", async (t) => {
    const s = await setUp(t);
    const body = JSON.stringify({ errors: [{ code: "UNKNOWN", message: "storage is down" }] });
    const proxy = await startFaultProxy(t, s.registry, [
      { path: manifests, fault: { kind: "status", status: 500, body } },
    ]);
    const { client, sleeps } = clientThrough(t, s.registry, proxy);
    const err = await rejection(client.getManifest(ref(proxy, `${repo}:1.0`)), RegistryError);
    assert.equal(err.status, 500);
    assert.equal(err.transient, true);
    assert.deepEqual(
      err.ociErrors.map((e) => e.code),
      ["UNKNOWN"],
    );
    assert.deepEqual(methods(proxy, manifests), ["GET", "GET", "GET"]);
    assert.deepEqual(sleeps, [50, 100]);
  });

  it("waits as 429's Retry-After asks, in seconds or as an HTTP date, and refuses waits past the limit", async (t) => {
    const s = await setUp(t);
    const now = Date.UTC(2030, 0, 1, 12, 0, 0);
    const limited = (retryAfter: string): FaultRule => ({
      method: "HEAD",
      path: manifests,
      times: 1,
      fault: { kind: "status", status: 429, headers: { "retry-after": retryAfter } },
    });
    const proxy = await startFaultProxy(t, s.registry, [limited("1")]);
    const { client, sleeps } = clientThrough(t, s.registry, proxy, () => now);
    assert.equal((await client.resolve(ref(proxy, `${repo}:1.0`))).digest, s.digest);
    assert.deepEqual(sleeps, [1_000]);

    proxy.add(limited(new Date(now + 2_000).toUTCString()));
    assert.equal((await client.resolve(ref(proxy, `${repo}:1.0`))).digest, s.digest);
    assert.deepEqual(sleeps, [1_000, 2_000]);

    proxy.add(limited("3600"));
    const err = await rejection(client.resolve(ref(proxy, `${repo}:1.0`)), RegistryError);
    assert.deepEqual([err.status, err.transient], [429, true]);
    assert.deepEqual(sleeps, [1_000, 2_000], "an hour is past maxRetryAfterMs: no wait, no retry");
    assert.deepEqual(methods(proxy, manifests), ["HEAD", "HEAD", "HEAD", "HEAD", "HEAD"]);
  });

  it("answers 401, 403 and 404 at once: one request each, no retry", async (t) => {
    const s = await setUp(t);
    const proxy = await startFaultProxy(t, s.registry, [
      {
        path: manifests,
        times: 1,
        fault: {
          kind: "status",
          status: 401,
          headers: { "www-authenticate": 'Basic realm="isg-test-registry"' },
        },
      },
      { path: manifests, times: 1, fault: { kind: "status", status: 403 } },
    ]);
    const { client, transport, sleeps } = clientThrough(t, s.registry, proxy);
    for (const [tag, status] of [
      ["1.0", 401],
      ["1.0", 403],
      ["9.9", 404],
    ] as const) {
      const err = await rejection(client.resolve(ref(proxy, `${repo}:${tag}`)), RegistryError);
      assert.deepEqual([err.status, err.transient], [status, false]);
    }
    assert.deepEqual(methods(proxy, manifests), ["HEAD", "HEAD", "HEAD"]);
    assert.deepEqual(sleeps, []);
    assert.equal(transport.stats.snapshot()[proxy.host]?.retries, 0);
  });

  it("fetches a truncated manifest again, and gives up typed when it stays truncated", async (t) => {
    const s = await setUp(t);
    const once = await startFaultProxy(t, s.registry, [
      { method: "GET", path: manifests, times: 1, fault: { kind: "truncate", bytes: 10 } },
    ]);
    const first = clientThrough(t, s.registry, once);
    const manifest = await first.client.getManifest(ref(once, `${repo}:1.0`));
    assert.equal(manifest.descriptor.digest, s.digest);
    assert.equal(once.count("GET", manifests), 2);
    assert.equal(first.transport.stats.snapshot()[once.host]?.retries, 1);

    const proxy = await startFaultProxy(t, s.registry, [
      { method: "GET", path: manifests, fault: { kind: "truncate", bytes: 10 } },
      // Without a digest on the HEAD, resolve reads the (truncated) manifest too.
      {
        method: "HEAD",
        path: manifests,
        fault: { kind: "dropHeader", header: "docker-content-digest" },
      },
    ]);
    const { client } = clientThrough(t, s.registry, proxy);
    for (const reference of [`${repo}:1.0`, `${repo}@${s.digest}`]) {
      const err = await rejection(client.getManifest(ref(proxy, reference)), RegistryError);
      assert.equal(err.transient, true);
      assert.match(err.message, /connection lost while reading the response body/);
    }
    await rejection(client.resolve(ref(proxy, `${repo}:1.0`)), RegistryError);
    assert.equal(proxy.count("GET", manifests), 3 * retry.attempts);
  });

  it("fetches a truncated tag list again, and gives up typed when it stays truncated", async (t) => {
    const s = await setUp(t, ["1.0", "1.1"]);
    const proxy = await startFaultProxy(t, s.registry, [
      { method: "GET", path: tagList, times: 1, fault: { kind: "truncate", bytes: 5 } },
    ]);
    const { client, transport, sleeps } = clientThrough(t, s.registry, proxy);
    assert.deepEqual((await client.listTags(ref(proxy, repo))).sort(), ["1.0", "1.1"]);
    assert.equal(proxy.count("GET", tagList), 2);
    assert.equal(transport.stats.snapshot()[proxy.host]?.retries, 1);
    assert.deepEqual(sleeps, [50]);

    proxy.add({ method: "GET", path: tagList, fault: { kind: "truncate", bytes: 5 } });
    const err = await rejection(client.listTags(ref(proxy, repo)), RegistryError);
    assert.equal(err.transient, true);
    assert.equal(proxy.count("GET", tagList), 2 + retry.attempts);
  });

  it("refuses a corrupted manifest with DigestMismatchError, by digest and by tag", async (t) => {
    const s = await setUp(t);
    const proxy = await startFaultProxy(t, s.registry, [
      { method: "GET", path: manifests, fault: { kind: "corrupt" } },
    ]);
    const { client } = clientThrough(t, s.registry, proxy);
    const byDigest = await rejection(
      client.getManifest(ref(proxy, `${repo}@${s.digest}`)),
      DigestMismatchError,
    );
    assert.equal(byDigest.want, s.digest);
    assert.notEqual(byDigest.got, s.digest);
    // By tag, the bytes are held to the Docker-Content-Digest the registry announced.
    const byTag = await rejection(
      client.getManifest(ref(proxy, `${repo}:1.0`)),
      DigestMismatchError,
    );
    assert.equal(byTag.want, s.digest);
  });

  it("falls back to GET when the HEAD has no Docker-Content-Digest, and hashes the bytes", async (t) => {
    const s = await setUp(t);
    const proxy = await startFaultProxy(t, s.registry, [
      { path: manifests, fault: { kind: "dropHeader", header: "Docker-Content-Digest" } },
    ]);
    const { client } = clientThrough(t, s.registry, proxy);
    const resolved = await client.resolve(ref(proxy, `${repo}:1.0`));
    assert.equal(resolved.digest, s.digest);
    assert.deepEqual(methods(proxy, manifests), ["HEAD", "GET"]);
  });

  it("follows Link pagination to every tag exactly once, and stops at a Link back to a page it read", async (t) => {
    const tags = ["1.0", "1.1", "1.2", "2.0", "2.1"];
    const s = await setUp(t, tags);
    const want = (await listTags(`${s.registry.host}/${repo}`, s.skopeo)).sort();
    assert.deepEqual(want, tags);

    const paged = await startFaultProxy(t, s.registry, [
      { method: "GET", path: tagList, fault: { kind: "replace", response: tagPages(2, false) } },
    ]);
    const got = await clientThrough(t, s.registry, paged).client.listTags(ref(paged, repo));
    assert.deepEqual([...got].sort(), want);
    assert.equal(paged.count("GET", tagList), 3, "pages of 2, 2 and 1 tags");

    const looping = await startFaultProxy(t, s.registry, [
      { method: "GET", path: tagList, fault: { kind: "replace", response: tagPages(2, true) } },
    ]);
    const looped = await clientThrough(t, s.registry, looping).client.listTags(ref(looping, repo));
    assert.deepEqual([...looped].sort(), want);
    assert.equal(looping.count("GET", tagList), 3, "the last page's Link leads back to page 2");
  });

  it("refuses a schema 1 manifest with UnsupportedManifestError and the re-push hint", async (t) => {
    const s = await setUp(t);
    const schema1 = JSON.stringify({ schemaVersion: 1, name: repo, tag: "1.0", fsLayers: [] });
    const mediaType = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    const response: ScriptedResponse = {
      status: 200,
      headers: { "content-type": mediaType, "docker-content-digest": sha256Digest(schema1) },
      body: schema1,
    };
    const proxy = await startFaultProxy(t, s.registry, [
      { path: manifests, fault: { kind: "replace", response } },
    ]);
    const { client } = clientThrough(t, s.registry, proxy);
    // Started one at a time: a second promise made up front could reject
    // before it is awaited, an unhandled rejection that fails the run.
    for (const operation of [
      () => client.resolve(ref(proxy, `${repo}:1.0`)),
      () => client.getManifest(ref(proxy, `${repo}:1.0`)),
    ]) {
      const err = await rejection(operation(), UnsupportedManifestError);
      assert.equal(err.mediaType, mediaType);
      assert.match(err.message, /re-push/);
    }
  });

  it("verifies a manifest asked for by a sha512 digest with sha512, and refuses digests that are not digests", async (t) => {
    const s = await setUp(t);
    const bytes = await inspectRaw(`${s.registry.host}/${repo}@${s.digest}`, s.skopeo);
    const sha512 = `sha512:${createHash("sha512").update(bytes).digest("hex")}`;
    const served = (body: Buffer): ScriptedResponse => ({
      status: 200,
      headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" },
      body,
    });
    // distribution stores manifests by sha256 only, so the proxy serves the sha512 path itself.
    const proxy = await startFaultProxy(t, s.registry, [
      {
        path: /\/manifests\/sha512:/,
        times: 1,
        fault: { kind: "replace", response: served(bytes) },
      },
      {
        path: /\/manifests\/sha512:/,
        fault: {
          kind: "replace",
          response: served(Buffer.from(bytes.toString().replace("{", "{ "))),
        },
      },
    ]);
    const { client } = clientThrough(t, s.registry, proxy);
    const manifest = await client.getManifest(ref(proxy, `${repo}@${sha512}`));
    assert.equal(manifest.descriptor.digest, sha512);
    assert.ok(manifest.bytes.equals(bytes));
    const err = await rejection(
      client.resolve(ref(proxy, `${repo}@${sha512}`)),
      DigestMismatchError,
    );
    assert.equal(err.want, sha512);

    const before = proxy.requests.length;
    const repository = client.repository(ref(proxy, repo));
    for (const bad of ["sha256:../../other/manifests/latest", "../tags/list"]) {
      await assert.rejects(repository.getManifest(bad), ReferenceParseError);
      await assert.rejects(repository.statBlob(bad), ReferenceParseError);
    }
    assert.equal(proxy.requests.length, before, "nothing was sent for them");
  });

  it("reports a tag list that is not JSON as a RegistryError, not a SyntaxError", async (t) => {
    const s = await setUp(t);
    const proxy = await startFaultProxy(t, s.registry, [
      {
        method: "GET",
        path: tagList,
        fault: {
          kind: "replace",
          response: { status: 200, headers: { "content-type": "text/html" }, body: "<html>" },
        },
      },
    ]);
    const { client } = clientThrough(t, s.registry, proxy);
    const err = await rejection(client.listTags(ref(proxy, repo)), RegistryError);
    assert.match(err.message, /not JSON/);
    assert.deepEqual([err.status, err.transient], [200, false]);
    assert.equal(proxy.count("GET", tagList), 1);
  });

  it("masks an Authorization header a registry echoes in its error message", async (t) => {
    const s = await setUp(t);
    const echo = ({ request }: Exchange): ScriptedResponse => ({
      status: 401,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        errors: [
          {
            code: "UNAUTHORIZED",
            message: `rejected ${String(request.headers["authorization"])}`,
          },
        ],
      }),
    });
    const proxy = await startFaultProxy(t, s.registry, [
      { method: "GET", path: manifests, fault: { kind: "replace", response: echo } },
    ]);
    const { client } = clientThrough(t, s.registry, proxy);
    const err = await rejection(client.getManifest(ref(proxy, `${repo}:1.0`)), RegistryError);
    assert.equal(err.status, 401);
    assert.ok(
      proxy.requests.some((r) => r.headers["authorization"] === `Basic ${secrets[1] ?? ""}`),
      "the credentials were sent, so the registry had them to echo",
    );
    assert.deepEqual(err.ociErrors, [{ code: "UNAUTHORIZED", message: "rejected Basic ***" }]);
  });

  it("digest: a registry that drops every connection does not stop the others", async (t) => {
    const s = await setUp(t, ["1.0", "2.0"]);
    // Only the /v2/ ping passes, so the client holds (and sends) the credentials while failing.
    const failing = await startFaultProxy(t, s.registry, [
      { path: /^\/v2\/.+/, fault: { kind: "reset" } },
    ]);
    const dir = await tempRepo(t, { "ca.pem": s.registry.caPem ?? "" });
    const config = path.join(dir, "imagestream-gitops.yaml");
    await writeFile(
      config,
      `registries:\n  "${s.registry.host}": {ca: ca.pem}\n  "${failing.host}": {ca: ca.pem}\n`,
    );
    const authFile = path.join(dir, "config.json");
    const auth = { auth: Buffer.from(`alice:${canary}`).toString("base64") };
    await writeFile(
      authFile,
      JSON.stringify({ auths: { [s.registry.host]: auth, [failing.host]: auth } }),
    );
    const healthy = [`${s.registry.host}/${repo}:1.0`, `${s.registry.host}/${repo}:2.0`];
    const broken = `${failing.host}/${repo}:1.0`;
    const argv = ["digest", "--config", config, "--authfile", authFile, ...healthy, broken];

    const text = await runInProcess(argv);
    assert.equal(text.code, 1, text.stderr);
    assert.equal(text.stdout, healthy.map((r) => `${s.digest}  ${r}\n`).join(""));
    assert.ok(
      text.stderr.includes(`${broken}: HEAD https://${failing.host}/v2/${repo}/manifests/1.0`),
    );
    assert.match(text.stderr, /ECONNRESET.*gave up after 4 attempts/);
    assertNoSecret(text.stdout + text.stderr);

    const before = failing.count("HEAD", manifests);
    const json = await runInProcess(["digest", "--json", ...argv.slice(1)]);
    assert.equal(json.code, 1, json.stderr);
    assertNoSecret(json.stdout + json.stderr);
    const doc = JSON.parse(json.stdout) as {
      results: { reference: string; descriptor?: { digest: string }; error?: { code: string } }[];
      registries: Record<string, { requests: number; retries: number }>;
    };
    assert.deepEqual(
      doc.results.map((r) => [r.reference, r.descriptor?.digest, r.error?.code]),
      [
        [healthy[0], s.digest, undefined],
        [healthy[1], s.digest, undefined],
        [broken, undefined, "REGISTRY"],
      ],
    );
    assert.equal(failing.count("HEAD", manifests) - before, 4, "the default policy: 4 attempts");
    const counters = doc.registries[failing.host];
    assert.deepEqual([counters?.requests, counters?.retries], [5, 3], "the ping, then 4 HEADs");
    assert.equal(doc.registries[s.registry.host]?.retries, 0);
  });
});

/**
 * A `replace` answer paging the registry's real tag list `size` at a time
 * after `last=` (distribution 2.8 ignores n= and last=, so the proxy pages
 * it), with a Link to the next page; with `loop`, the last page links back
 * to the second.
 */
function tagPages(size: number, loop: boolean): (exchange: Exchange) => ScriptedResponse {
  return ({ request, upstream }) => {
    const { name, tags } = JSON.parse(upstream.body.toString("utf8")) as {
      name: string;
      tags: string[];
    };
    const all = [...tags].sort();
    const last = new URL(request.path, "http://placeholder").searchParams.get("last");
    const rest = last === null ? all : all.filter((tag) => tag > last);
    const page = rest.slice(0, size);
    const linkTo = (after: string | undefined) =>
      `</v2/${name}/tags/list?n=${String(size)}&last=${after ?? ""}>; rel="next"`;
    const link =
      rest.length > size ? linkTo(page.at(-1)) : loop ? linkTo(all[size - 1]) : undefined;
    return {
      status: 200,
      headers: { "content-type": "application/json", ...(link === undefined ? {} : { link }) },
      body: JSON.stringify({ name, tags: page }),
    };
  };
}
