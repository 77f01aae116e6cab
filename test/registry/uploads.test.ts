/**
 * Pushing to a real registry (Debian's docker-registry): blobs in one
 * streaming PUT, and in chunked PATCHes when configured or when a cap on
 * request bodies refuses them whole (413); cross-repository mounts and
 * their refusals; manifests by tag and by digest, and what the registry
 * says of a subject; with plain HTTP, htpasswd and delegated token auth.
 * skopeo is the oracle: it must copy the pushed image back byte for byte.
 * A scripted front server (test/support/redirect-server.ts) counts requests
 * and plays what distribution does not: relative Locations, Locations on
 * another origin, refused mounts, failures, bytes corrupted on the way; the
 * fault proxy (test/support/fault-proxy.ts) caps bodies and adds headers.
 * The memory bound of a 256 MiB upload runs first, in a fresh process.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, it, type TestContext } from "node:test";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { DigestMismatchError, RegistryError } from "../../src/registry/errors.ts";
import type { Descriptor } from "../../src/registry/manifest.ts";
import {
  RemoteRepository,
  type RemoteRepositoryOptions,
} from "../../src/registry/remote-repository.ts";
import type { RegistrySession } from "../../src/registry/session.ts";
import { startFaultProxy, type Fault, type FaultProxy } from "../support/fault-proxy.ts";
import { generatedBlob } from "../support/generated-blob.ts";
import { MEDIA_TYPES, tarArchive, writeImage } from "../support/oci-image.ts";
import {
  startFrontServer,
  type FrontServer,
  type RecordedRequest,
} from "../support/redirect-server.ts";
import { startRegistry } from "../support/registry-server.ts";
import {
  inspectDigest,
  inspectFormatDigest,
  inspectRaw,
  pushLayout,
  type SkopeoOptions,
} from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";
import { newTestSession, type TestSessionOptions } from "../support/test-session.ts";
import { startTokenRegistry } from "../support/token-registry.ts";

const run = promisify(execFile);
const canary = "canary-0b10ad-Pa55:word";
const chunkSize = 16 * 1024;
/** The test transport's attempts per request. */
const transportAttempts = 3;

/** A session for the test, closed when it ends. */
function newSession(t: TestContext, options: TestSessionOptions = {}): RegistrySession {
  return newTestSession(t, { attempts: transportAttempts, ...options });
}

/**
 * `name` on `host`. Blobs go in PATCHes of `chunkSize` unless `options` say
 * otherwise (`{}`: whole, in one streaming PUT), so the tests of sessions,
 * Locations and mounts cover the chunked path, which has the most requests.
 */
function repositoryAt(
  session: RegistrySession,
  host: string,
  name: string,
  options: RemoteRepositoryOptions = { uploadChunkSize: chunkSize },
): RemoteRepository {
  return new RemoteRepository(
    session,
    { host, repository: name, display: `${host}/${name}` },
    options,
  );
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** A blob and its descriptor. */
interface Blob {
  readonly descriptor: Descriptor;
  readonly bytes: Buffer;
}

function blobOf(mediaType: string, bytes: Buffer): Blob {
  return { descriptor: { mediaType, digest: sha256(bytes), size: bytes.length }, bytes };
}

/** An image made here: a small layer, a large one (several chunks), its config and manifest. */
interface TestImage {
  readonly small: Blob;
  readonly large: Blob;
  readonly config: Blob;
  readonly manifest: Blob;
}

/** An OCI image whose large layer holds `largeBytes` of incompressible data. */
function makeImage(seed: string, largeBytes = 100_000): TestImage {
  const mtime = Date.UTC(2024, 0, 1) / 1000;
  const smallTar = tarArchive("small", { "seed.txt": `${seed}\n` }, mtime);
  // Base64 of random bytes: gzip cannot shrink it much, so the layer stays several chunks long.
  const largeTar = tarArchive(
    "large",
    { "data.txt": randomBytes(largeBytes).toString("base64") },
    mtime,
  );
  const small = blobOf(MEDIA_TYPES.layer, gzipSync(smallTar));
  const large = blobOf(MEDIA_TYPES.layer, gzipSync(largeTar));
  const config = blobOf(
    MEDIA_TYPES.config,
    Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        created: "2024-01-01T00:00:00Z",
        config: { Labels: { seed } },
        rootfs: { type: "layers", diff_ids: [sha256(smallTar), sha256(largeTar)] },
      }),
    ),
  );
  const manifest = blobOf(
    MEDIA_TYPES.manifest,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.manifest,
        config: config.descriptor,
        layers: [small.descriptor, large.descriptor],
      }),
    ),
  );
  return { small, large, config, manifest };
}

/** `bytes` as a stream of `size`-byte pieces, counting how often it was opened. */
function opener(bytes: Buffer, size = 1000): { open: () => Readable; opened: () => number } {
  let opened = 0;
  return {
    open: () => {
      opened++;
      const pieces: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
      return Readable.from(pieces);
    },
    opened: () => opened,
  };
}

/** Pushes `image` to `repo`: the small layer and config as bytes, the large one as a stream, then the manifest by `tag`. */
async function pushImage(repo: RemoteRepository, image: TestImage, tag: string): Promise<void> {
  assert.equal(await repo.putBlob(image.small.descriptor, () => image.small.bytes), "uploaded");
  assert.equal(
    await repo.putBlob(image.large.descriptor, opener(image.large.bytes).open),
    "uploaded",
  );
  assert.equal(await repo.putBlob(image.config.descriptor, () => image.config.bytes), "uploaded");
  const stored = await repo.putManifest(
    { bytes: image.manifest.bytes, mediaType: image.manifest.descriptor.mediaType },
    tag,
  );
  assert.deepEqual(stored, image.manifest.descriptor);
}

/** Files that keep skopeo away from the machine's configuration, made once per test. */
async function skopeoIsolation(
  t: TestContext,
): Promise<{ args: string[]; env: NodeJS.ProcessEnv }> {
  const dir = await tempRepo(t, {
    "policy.json": JSON.stringify({ default: [{ type: "insecureAcceptAnything" }] }),
    "auth.json": "{}\n",
    "registries.conf": "",
  });
  await mkdir(path.join(dir, "registries.d"));
  return {
    args: [
      "--policy",
      path.join(dir, "policy.json"),
      "--registries.d",
      path.join(dir, "registries.d"),
    ],
    env: {
      ...process.env,
      CONTAINERS_REGISTRIES_CONF: path.join(dir, "registries.conf"),
      REGISTRY_AUTH_FILE: path.join(dir, "auth.json"),
    },
  };
}

/**
 * skopeo copies `ref` (with every blob, verifying each against its digest)
 * into a new OCI layout; the manifest and blobs there must be `image`'s.
 */
async function assertSkopeoCopies(
  t: TestContext,
  ref: string,
  image: TestImage,
  options: SkopeoOptions,
): Promise<void> {
  const isolation = await skopeoIsolation(t);
  const layout = await tempRepo(t, {});
  await run(
    "skopeo",
    [
      ...isolation.args,
      "copy",
      "--quiet",
      "--preserve-digests",
      `--src-tls-verify=${String(options.certDir !== undefined)}`,
      ...(options.certDir === undefined ? [] : ["--src-cert-dir", options.certDir]),
      ...(options.creds === undefined ? ["--src-no-creds"] : ["--src-creds", options.creds]),
      `docker://${ref}`,
      `oci:${layout}:copy`,
    ],
    { env: isolation.env, timeout: 60_000 },
  );
  const index = JSON.parse(await readFile(path.join(layout, "index.json"), "utf8")) as {
    manifests: Descriptor[];
  };
  assert.equal(index.manifests[0]?.digest, image.manifest.descriptor.digest);
  for (const blob of [image.manifest, image.config, image.small, image.large]) {
    const file = path.join(layout, "blobs", "sha256", blob.descriptor.digest.slice(7));
    assert.deepEqual(await readFile(file), blob.bytes, blob.descriptor.digest);
  }
}

const uploadsOf = (requests: readonly RecordedRequest[], method: string) =>
  requests.filter((r) => r.method === method && r.path.includes("/blobs/uploads/"));

/**
 * Content that is not `image`'s (bytes under another digest, a stream one
 * byte short, one with its last byte flipped) fails with DigestMismatchError;
 * nothing is committed, the session is cancelled, the registry lacks the blob.
 */
async function assertNeverCommitted(
  repo: RemoteRepository,
  front: FrontServer,
  image: TestImage,
  mode: string,
): Promise<void> {
  const cases: [string, Descriptor, () => Readable | Uint8Array][] = [
    [
      "bytes",
      { ...image.small.descriptor, digest: sha256(Buffer.from("x")) },
      () => image.small.bytes,
    ],
    ["short stream", image.large.descriptor, () => Readable.from([image.large.bytes.subarray(1)])],
    [
      "flipped stream",
      image.large.descriptor,
      () => {
        const flipped = Buffer.from(image.large.bytes);
        flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
        return opener(flipped).open();
      },
    ],
  ];
  for (const [what, descriptor, open] of cases) {
    front.requests.length = 0;
    await assert.rejects(repo.putBlob(descriptor, open), (err: unknown) => {
      assert.ok(err instanceof DigestMismatchError, `${mode} ${what}: ${String(err)}`);
      assert.equal(err.want, descriptor.digest);
      return true;
    });
    assert.deepEqual(uploadsOf(front.requests, "PUT"), [], `${mode} ${what}: no commit`);
    assert.equal(
      uploadsOf(front.requests, "DELETE").length,
      1,
      `${mode} ${what}: the session is cancelled`,
    );
    assert.equal(await repo.statBlob(descriptor.digest), undefined, `${mode} ${what}`);
  }
}

const MiB = 1024 * 1024;

/** The blob requests `proxy` saw from the `from`th on, as `METHOD`, or `METHOD 413` when refused. */
function blobRequests(proxy: FaultProxy, from = 0): string[] {
  return proxy.requests
    .slice(from)
    .filter((r) => r.path.includes("/blobs/"))
    .map((r) => (r.fault === "status" ? `${r.method} 413` : r.method));
}

/**
 * A PUT that broke off mid-body: the proxy saw HEAD, POST, DELETE, then
 * `after`, and the broken PUT at most once, anywhere (it shares the event
 * loop, so it may read the broken request late, or not at all).
 */
function assertBrokenPut(
  proxy: FaultProxy,
  from: number,
  what: string,
  after: readonly string[] = [],
): void {
  const seen = blobRequests(proxy, from);
  const expected = ["HEAD", "POST", "DELETE", ...after];
  const puts = (methods: readonly string[]) => methods.filter((m) => m === "PUT").length;
  const others = (methods: readonly string[]) => methods.filter((m) => m !== "PUT");
  assert.deepEqual(others(seen), others(expected), what);
  assert.ok(puts(seen) - puts(expected) <= 1 && puts(seen) >= puts(expected), what);
  if (puts(after) > 0) assert.equal(seen.at(-1), "PUT", `${what}: the last request commits`);
}

/** How many requests `session` sent to `host`. */
function requestsSent(session: RegistrySession, host: string): number {
  return session.transport.stats.snapshot()[host]?.requests ?? 0;
}

/** The Content-Range of each PATCH `proxy` saw from the `from`th request on. */
function patchRanges(proxy: FaultProxy, from = 0): (string | undefined)[] {
  return proxy.requests
    .slice(from)
    .filter((r) => r.method === "PATCH")
    .map((r) => r.headers["content-range"]);
}

/** The sha256 of what `repo` serves for `descriptor`, hashed here as it streams. */
async function servedDigest(repo: RemoteRepository, descriptor: Descriptor): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of await repo.openBlob(descriptor)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest("hex")}`;
}

/** A fault that forwards POSTs and adds `OCI-Chunk-Min-Length: size` to the answer. */
function announcingChunkMin(size: number): Fault {
  return {
    kind: "replace",
    response: ({ upstream }) => ({
      status: upstream.status,
      headers: {
        ...Object.fromEntries(
          Object.entries(upstream.headers).map(([name, value]) => [name, String(value)]),
        ),
        "oci-chunk-min-length": String(size),
      },
      body: upstream.body,
    }),
  };
}

// First, while the process is fresh: memory freed by other tests would hide growth.
describe("memory", () => {
  it("a 256 MiB stream goes in one PUT while the process's RSS grows by less than 96 MiB", async (t) => {
    const registry = await startRegistry(t);
    const session = newSession(t, { insecure: true });
    const repo = repositoryAt(session, registry.host, "memory/app", {});
    const size = 256 * MiB;
    const before = process.memoryUsage().rss;
    const blob = await generatedBlob("memory", size);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage().rss);
    };
    const sampler = setInterval(sample, 50);
    try {
      assert.equal(await repo.putBlob(blob.descriptor, blob.open), "uploaded");
    } finally {
      clearInterval(sampler);
    }
    sample();
    const growth = peak - baseline;
    t.diagnostic(
      `rss: ${(before / MiB).toFixed(1)} MiB before hashing, ${(baseline / MiB).toFixed(1)} MiB before the upload, peak ${(peak / MiB).toFixed(1)} MiB: growth ${(growth / MiB).toFixed(1)} MiB`,
    );
    assert.ok(growth < 96 * MiB, `rss grew by ${(growth / MiB).toFixed(1)} MiB`);
    const stats = session.transport.stats.snapshot()[registry.host];
    assert.equal(stats?.requests, 5, "pings over HTTPS and HTTP, HEAD, POST, PUT");
    assert.equal(stats.bytesSent, size);
    assert.equal((await repo.statBlob(blob.descriptor.digest))?.size, size);
  });
});

describe("uploads to docker-registry", { concurrency: true }, () => {
  it("plain HTTP, chunk size configured: one PUT for bytes and small streams, PATCHes for large ones; skopeo copies the image back", async (t) => {
    const registry = await startRegistry(t);
    const front = await startFrontServer(t, { upstream: registry.url });
    const session = newSession(t, { insecure: true });
    const repo = repositoryAt(session, front.host, "push/app");
    const image = makeImage("plain");

    assert.equal(await repo.putBlob(image.small.descriptor, () => image.small.bytes), "uploaded");
    assert.equal(
      session.transport.stats.snapshot()[front.host]?.bytesSent,
      image.small.bytes.length,
      "the bytes uploaded are counted",
    );
    assert.deepEqual(
      front.requests.map((r) => r.method),
      ["GET", "HEAD", "POST", "PUT"],
      "ping, HEAD, POST, one PUT",
    );
    const put = front.requests.at(-1);
    assert.deepEqual(put?.body, image.small.bytes);
    assert.equal(
      new URL(put.path, front.url).searchParams.get("digest"),
      image.small.descriptor.digest,
    );

    // A stream no longer than a chunk also goes whole.
    front.requests.length = 0;
    const config = opener(image.config.bytes, 7);
    assert.equal(await repo.putBlob(image.config.descriptor, config.open), "uploaded");
    assert.deepEqual(
      front.requests.map((r) => r.method),
      ["HEAD", "POST", "PUT"],
    );

    // A long stream: PATCHes of exactly one chunk each, in order, then an empty PUT ?digest=.
    front.requests.length = 0;
    const large = opener(image.large.bytes, 1000);
    assert.equal(await repo.putBlob(image.large.descriptor, large.open), "uploaded");
    const patches = uploadsOf(front.requests, "PATCH");
    const size = image.large.bytes.length;
    assert.ok(size > 5 * chunkSize, `the large layer is ${String(size)} bytes`);
    assert.equal(patches.length, Math.ceil(size / chunkSize));
    assert.deepEqual(
      patches.map((p) => p.headers["content-range"]),
      patches.map(
        (_, i) => `${String(i * chunkSize)}-${String(Math.min(size, (i + 1) * chunkSize) - 1)}`,
      ),
    );
    assert.ok(patches.every((p) => p.headers["content-type"] === "application/octet-stream"));
    assert.deepEqual(Buffer.concat(patches.map((p) => p.body)), image.large.bytes);
    const commit = uploadsOf(front.requests, "PUT");
    assert.equal(commit.length, 1);
    assert.equal(commit[0]?.body.length, 0);
    assert.equal(large.opened(), 1);

    // Each PATCH went to the Location the previous answer gave (distribution changes _state).
    const paths = [...uploadsOf(front.requests, "PATCH"), ...commit].map(
      (r) => r.path.split("?")[1],
    );
    assert.equal(new Set(paths).size, paths.length);

    front.requests.length = 0;
    assert.equal(await repo.putBlob(image.large.descriptor, large.open), "exists");
    assert.equal(large.opened(), 1, "an existing blob is not read");
    assert.deepEqual(
      front.requests.map((r) => r.method),
      ["HEAD"],
    );

    const stored = await repo.putManifest(
      { bytes: image.manifest.bytes, mediaType: MEDIA_TYPES.manifest },
      "v1",
    );
    assert.deepEqual(stored, image.manifest.descriptor);
    const manifestPut = front.requests.at(-1);
    assert.equal(manifestPut?.path, "/v2/push/app/manifests/v1");
    assert.equal(manifestPut.headers["content-type"], MEDIA_TYPES.manifest);
    const ref = `${registry.host}/push/app`;
    assert.equal(await inspectDigest(`${ref}:v1`), image.manifest.descriptor.digest);
    assert.equal(await inspectFormatDigest(`${ref}:v1`), image.manifest.descriptor.digest);
    await assertSkopeoCopies(t, `${ref}:v1`, image, {});

    // By digest, without a tag: an annotated variant of the same image.
    const variant = Buffer.from(
      JSON.stringify({
        ...JSON.parse(image.manifest.bytes.toString("utf8")),
        annotations: { by: "digest" },
      }),
    );
    const byDigest = await repo.putManifest({ bytes: variant, mediaType: MEDIA_TYPES.manifest });
    assert.equal(byDigest.digest, sha256(variant));
    assert.equal(front.requests.at(-1)?.path, `/v2/push/app/manifests/${byDigest.digest}`);
    assert.deepEqual(await inspectRaw(`${ref}@${byDigest.digest}`), variant);
  });

  it("relative Locations are resolved against the answering URL", async (t) => {
    const registry = await startRegistry(t);
    let rewritten = 0;
    const front = await startFrontServer(t, {
      upstream: registry.url,
      rewriteLocation: (location) => {
        const url = new URL(location);
        rewritten++;
        return `${url.pathname}${url.search}`;
      },
    });
    const repo = repositoryAt(newSession(t, { insecure: true }), front.host, "relative/app");
    const image = makeImage("relative", 40_000);
    await pushImage(repo, image, "v1");
    assert.ok(uploadsOf(front.requests, "PATCH").length >= 2);
    assert.ok(
      rewritten >= uploadsOf(front.requests, "PATCH").length + 3,
      "every upload answer was relative",
    );
    await assertSkopeoCopies(t, `${registry.host}/relative/app:v1`, image, {});
  });

  it("htpasswd: uploads with credentials; a Location on another origin gets none", async (t) => {
    const registry = await startRegistry(t, {
      tls: true,
      auth: { kind: "htpasswd", username: "alice", password: canary },
    });
    assert.ok(registry.caPem !== undefined && registry.caDir !== undefined);
    const skopeo = { certDir: registry.caDir, creds: `alice:${canary}` };
    const basic = `Basic ${Buffer.from(`alice:${canary}`).toString("base64")}`;

    // Straight to the registry.
    const direct = repositoryAt(
      newSession(t, {
        ca: registry.caPem,
        credentials: { [registry.host]: { username: "alice", password: canary } },
      }),
      registry.host,
      "basic/app",
    );
    const image = makeImage("basic");
    await pushImage(direct, image, "v1");
    await assertSkopeoCopies(t, `${registry.host}/basic/app:v1`, image, skopeo);

    // Upload sessions moved to a second origin (a storage service, authorised its own way).
    const storage = await startFrontServer(t, {
      upstream: registry.url,
      upstreamCa: registry.caPem,
      upstreamHeaders: { authorization: basic },
    });
    const front = await startFrontServer(t, {
      upstream: registry.url,
      upstreamCa: registry.caPem,
      rewriteLocation: (location, request) =>
        request.method === "POST" ? location.replace(/^http:\/\/[^/]+/, storage.url) : location,
    });
    const moved = repositoryAt(
      newSession(t, {
        insecure: true,
        credentials: { [front.host]: { username: "alice", password: canary } },
      }),
      front.host,
      "moved/app",
    );
    const other = makeImage("moved");
    await pushImage(moved, other, "v1");
    assert.ok(uploadsOf(front.requests, "POST").every((r) => r.headers["authorization"] === basic));
    assert.deepEqual(uploadsOf(front.requests, "PATCH"), [], "PATCHes went to the storage origin");
    assert.ok(uploadsOf(storage.requests, "PATCH").length >= 2);
    assert.equal(uploadsOf(storage.requests, "PUT").length, 3);
    for (const request of storage.requests) {
      assert.equal(
        request.headers["authorization"],
        undefined,
        `${request.method} ${request.path}`,
      );
    }
    await assertSkopeoCopies(t, `${registry.host}/moved/app:v1`, other, skopeo);

    // A storage origin that challenges for its own realm gets no token fetched with our credentials.
    const realm = await startFrontServer(t, {
      answer: () => ({ status: 200, body: JSON.stringify({ token: "foreign" }) }),
    });
    const challenging = await startFrontServer(t, {
      answer: () => ({
        status: 401,
        headers: { "www-authenticate": `Bearer realm="${realm.url}/token",service="storage"` },
      }),
    });
    const front2 = await startFrontServer(t, {
      upstream: registry.url,
      upstreamCa: registry.caPem,
      rewriteLocation: (location, request) =>
        request.method === "POST" ? location.replace(/^http:\/\/[^/]+/, challenging.url) : location,
    });
    const refused = repositoryAt(
      newSession(t, {
        insecure: true,
        credentials: { [front2.host]: { username: "alice", password: canary } },
      }),
      front2.host,
      "refused/app",
    );
    const third = makeImage("refused");
    await assert.rejects(
      refused.putBlob(third.small.descriptor, () => third.small.bytes),
      (err: unknown) => err instanceof RegistryError && err.status === 401,
    );
    assert.deepEqual(realm.requests, [], "no token request to a realm another origin named");
    assert.ok(challenging.requests.every((r) => r.headers["authorization"] === undefined));

    // A failure message names the request, never the password.
    const wrong = { ...other.small.descriptor, digest: sha256(Buffer.from("other")) };
    await assert.rejects(
      direct.putBlob(wrong, () => other.small.bytes),
      (err: unknown) => {
        assert.ok(err instanceof DigestMismatchError);
        assert.doesNotMatch(
          `${err.message} ${String(err.stack)} ${JSON.stringify(err)}`,
          /canary-0b10ad|YWxpY2U6/,
        );
        return true;
      },
    );
  });

  it("token auth: mounts ask for push on the target and pull on the source; a denied source falls back to an upload", async (t) => {
    const { certs, tokens, registry } = await startTokenRegistry(t, {
      users: { alice: canary, bob: "bob-pass" },
      issuer: "isg-issuer",
      service: "isg-registry",
      // bob may do anything; alice anything but read secret/app.
      grant: (user, scope) =>
        user === undefined
          ? []
          : user === "alice" && scope.name === "secret/app"
            ? []
            : scope.actions,
    });
    const ca = certs.ca.certPem;
    const layout = await tempRepo(t, {});
    const source = await writeImage(layout, { tag: "v1", seed: "token-mount" });
    const bob = { certDir: certs.caDir, creds: "bob:bob-pass" };
    await pushLayout(layout, "v1", `${registry.host}/shared/app:v1`, bob);
    await pushLayout(layout, "v1", `${registry.host}/secret/app:v1`, bob);
    const layerDigest = source.manifests[0]?.layerDigests[0] ?? "";
    const layerBytes = await readFile(path.join(layout, "blobs", "sha256", layerDigest.slice(7)));
    const layer: Descriptor = {
      mediaType: MEDIA_TYPES.layer,
      digest: layerDigest,
      size: layerBytes.length,
    };

    const session = newSession(t, {
      ca,
      credentials: { [registry.host]: { username: "alice", password: canary } },
    });
    const target = repositoryAt(session, registry.host, "team/app");
    let opened = 0;
    const open = () => {
      opened++;
      return layerBytes;
    };
    tokens.requests.length = 0;
    assert.equal(await target.putBlob(layer, open, { mountFrom: "shared/app" }), "mounted");
    assert.equal(opened, 0, "a mounted blob is not read");
    assert.deepEqual(
      tokens.requests.map((r) => r.scopes),
      [["repository:team/app:pull,push", "repository:shared/app:pull"]],
    );
    assert.deepEqual(
      tokens.requests[0]?.granted.map((g) => `${g.name}:${g.actions.join(",")}`),
      ["team/app:pull,push", "shared/app:pull"],
    );
    assert.equal((await target.statBlob(layerDigest))?.size, layerBytes.length);

    // alice may not read secret/app: the registry refuses the mount (401), the blob is uploaded.
    const denied = repositoryAt(session, registry.host, "team/other");
    tokens.requests.length = 0;
    assert.equal(await denied.putBlob(layer, open, { mountFrom: "secret/app" }), "uploaded");
    assert.equal(opened, 1);
    assert.ok(
      tokens.requests.some(
        (r) =>
          r.scopes.includes("repository:secret/app:pull") &&
          r.granted.every((g) => g.name !== "secret/app"),
      ),
      "the token asked for pull on the source and did not get it",
    );
    assert.equal((await denied.statBlob(layerDigest))?.digest, layerDigest);

    // A whole image, and skopeo reads it back.
    const image = makeImage("token");
    await pushImage(target, image, "v2");
    await assertSkopeoCopies(t, `${registry.host}/team/app:v2`, image, {
      certDir: certs.caDir,
      creds: `alice:${canary}`,
    });
  });

  it("plain HTTP mounts: mounted when the source has the blob, uploaded when it does not or the mount is refused", async (t) => {
    const registry = await startRegistry(t);
    const refusals: Record<string, number> = { "refused-401/app": 401, "refused-400/app": 400 };
    const front = await startFrontServer(t, {
      upstream: registry.url,
      answer: (request) => {
        const name = /^\/v2\/(.+)\/blobs\/uploads\/\?.*mount=/.exec(request.path)?.[1];
        const status = name === undefined ? undefined : refusals[name];
        return status === undefined
          ? undefined
          : {
              status,
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ errors: [{ code: "DENIED", message: "mount refused" }] }),
            };
      },
    });
    const session = newSession(t, { insecure: true });
    const image = makeImage("mounts", 1_000);
    await pushImage(repositoryAt(session, front.host, "origin/app"), image, "v1");
    const blob = image.large;
    const open = opener(blob.bytes);

    const mounted = repositoryAt(session, front.host, "mounted/app");
    front.requests.length = 0;
    assert.equal(
      await mounted.putBlob(blob.descriptor, open.open, { mountFrom: "origin/app" }),
      "mounted",
    );
    assert.equal(open.opened(), 0);
    const mountPost = new URL(uploadsOf(front.requests, "POST")[0]?.path ?? "", front.url);
    assert.deepEqual(
      [mountPost.searchParams.get("mount"), mountPost.searchParams.get("from")],
      [blob.descriptor.digest, "origin/app"],
    );
    assert.equal((await mounted.statBlob(blob.descriptor.digest))?.size, blob.bytes.length);

    // The source lacks the blob: distribution answers 202 and the upload goes into that session.
    const lacking = repositoryAt(session, front.host, "lacking/app");
    front.requests.length = 0;
    assert.equal(
      await lacking.putBlob(blob.descriptor, open.open, { mountFrom: "empty/app" }),
      "uploaded",
    );
    assert.equal(open.opened(), 1);
    assert.equal(
      uploadsOf(front.requests, "POST").length,
      1,
      "the refused mount's session was used",
    );

    for (const [name, status] of Object.entries(refusals)) {
      front.requests.length = 0;
      const repo = repositoryAt(session, front.host, name);
      assert.equal(
        await repo.putBlob(blob.descriptor, open.open, { mountFrom: "origin/app" }),
        "uploaded",
        name,
      );
      const posts = uploadsOf(front.requests, "POST").map((r) => r.path.includes("mount="));
      assert.deepEqual(posts, [true, false], `${String(status)}: mount, then a plain upload`);
      assert.equal((await repo.statBlob(blob.descriptor.digest))?.digest, blob.descriptor.digest);
    }
    assert.equal(open.opened(), 3);
  });

  it("content that is not the descriptor's is never committed, whole or in chunks", async (t) => {
    const registry = await startRegistry(t);
    const front = await startFrontServer(t, { upstream: registry.url });
    const session = newSession(t, { insecure: true });
    const image = makeImage("wrong", 60_000);
    for (const [mode, options] of [
      ["whole", {}],
      ["chunked", { uploadChunkSize: chunkSize }],
    ] as const) {
      const repo = repositoryAt(session, front.host, `wrong/${mode}`, options);
      await assertNeverCommitted(repo, front, image, mode);
    }
  });

  it("bytes changed on the way: the registry's DIGEST_INVALID is a RegistryError with that code", async (t) => {
    const registry = await startRegistry(t);
    const front = await startFrontServer(t, {
      upstream: registry.url,
      rewriteBody: (request) => {
        if (request.method !== "PUT" || request.body.length === 0) return request.body;
        const changed = Buffer.from(request.body);
        changed[0] = (changed[0] ?? 0) ^ 1;
        return changed;
      },
    });
    const repo = repositoryAt(newSession(t, { insecure: true }), front.host, "transit/app");
    const blob = makeImage("transit").small;
    await assert.rejects(
      repo.putBlob(blob.descriptor, () => blob.bytes),
      (err: unknown) => {
        assert.ok(err instanceof RegistryError, String(err));
        assert.equal(err.status, 400);
        assert.equal(err.transient, false);
        assert.deepEqual(
          err.ociErrors.map((e) => e.code),
          ["DIGEST_INVALID"],
        );
        return true;
      },
    );
    assert.equal(await repo.statBlob(blob.descriptor.digest), undefined);
  });

  it("an upload that keeps failing after the transport's retries starts again with freshly opened content", async (t) => {
    const registry = await startRegistry(t);
    let failing = transportAttempts;
    const front = await startFrontServer(t, {
      upstream: registry.url,
      // Every try of the first PATCH fails, so the transport gives up on it.
      answer: (request) => {
        if (request.method !== "PATCH" || failing <= 0) return undefined;
        failing--;
        return { status: 503 };
      },
    });
    const repo = repositoryAt(newSession(t, { insecure: true }), front.host, "retry/app");
    const blob = makeImage("retry", 40_000).large;
    const content = opener(blob.bytes);
    assert.equal(await repo.putBlob(blob.descriptor, content.open), "uploaded");
    assert.equal(failing, 0);
    assert.equal(content.opened(), 2, "the second attempt read the content from the start");
    assert.equal(uploadsOf(front.requests, "POST").length, 2);
    assert.equal(uploadsOf(front.requests, "DELETE").length, 1, "the failed session was cancelled");
    const stored = await repo.openBlob(blob.descriptor);
    const chunks: Buffer[] = [];
    for await (const chunk of stored) chunks.push(chunk as Buffer);
    assert.deepEqual(Buffer.concat(chunks), blob.bytes);

    // Given up after the repository's attempts: the last error, still transient.
    failing = Infinity;
    const once = repositoryAt(newSession(t, { insecure: true }), front.host, "retry/once", {
      uploadChunkSize: chunkSize,
      uploadAttempts: 1,
    });
    await assert.rejects(once.putBlob(blob.descriptor, opener(blob.bytes).open), (err: unknown) => {
      assert.ok(err instanceof RegistryError);
      assert.equal(err.status, 503);
      assert.equal(err.transient, true);
      return true;
    });
  });

  it("a 416 to a PATCH (a chunk sent again after its answer was lost) starts the upload again", async (t) => {
    const registry = await startRegistry(t);
    let refused = 0;
    const front = await startFrontServer(t, {
      upstream: registry.url,
      answer: (request) => {
        if (request.method !== "PATCH" || refused > 0) return undefined;
        refused++;
        return { status: 416 };
      },
    });
    const repo = repositoryAt(newSession(t, { insecure: true }), front.host, "range/app");
    const blob = makeImage("range", 40_000).large;
    const content = opener(blob.bytes);
    assert.equal(await repo.putBlob(blob.descriptor, content.open), "uploaded");
    assert.equal(content.opened(), 2);
    assert.equal(uploadsOf(front.requests, "POST").length, 2);
  });
});

describe("whole blobs in one streaming PUT", { concurrency: true }, () => {
  it("POST, then one PUT streaming the blob; its bytes are counted and the registry serves them", async (t) => {
    const registry = await startRegistry(t);
    const proxy = await startFaultProxy(t, registry);
    const session = newSession(t, { insecure: true });
    const repo = repositoryAt(session, proxy.host, "whole/app", {});
    const blob = await generatedBlob("whole", 5 * MiB);

    assert.equal(await repo.putBlob(blob.descriptor, blob.open), "uploaded");
    assert.deepEqual(blobRequests(proxy), ["HEAD", "POST", "PUT"]);
    const put = proxy.requests.at(-1);
    assert.equal(put?.headers["content-length"], String(5 * MiB));
    assert.equal(put.headers["content-type"], "application/octet-stream");
    assert.equal(new URL(put.path, proxy.url).searchParams.get("digest"), blob.descriptor.digest);
    const stats = session.transport.stats.snapshot()[proxy.host];
    assert.equal(stats?.requests, 5, "pings over HTTPS and HTTP, HEAD, POST, PUT");
    assert.equal(stats.bytesSent, 5 * MiB, "the streamed bytes are counted");
    assert.equal(blob.opened(), 1);
    assert.equal(await servedDigest(repo, blob.descriptor), blob.descriptor.digest);

    // Bytes given whole go as they are, in one PUT too.
    const bytes = blobOf(MEDIA_TYPES.layer, randomBytes(3 * MiB));
    const from = proxy.requests.length;
    assert.equal(await repo.putBlob(bytes.descriptor, () => bytes.bytes), "uploaded");
    assert.deepEqual(blobRequests(proxy, from), ["HEAD", "POST", "PUT"]);
    assert.equal(session.transport.stats.snapshot()[proxy.host]?.bytesSent, 8 * MiB);
    assert.equal(await servedDigest(repo, bytes.descriptor), bytes.descriptor.digest);
  });

  it("wrong bytes fail the PUT with DigestMismatchError, the session is cancelled, nothing is stored", async (t) => {
    const registry = await startRegistry(t);
    const proxy = await startFaultProxy(t, registry);
    const session = newSession(t, { insecure: true });
    const repo = repositoryAt(session, proxy.host, "whole/wrong", {});
    await session.endpoint(proxy.host);
    const blob = await generatedBlob("whole-wrong", 4 * MiB);
    const wrong = (at: number) => () => {
      let offset = 0;
      return blob.open().map((chunk: Buffer) => {
        const changed = Buffer.from(chunk);
        const index = at - offset;
        if (index >= 0 && index < chunk.length) changed[index] = (changed[index] ?? 0) ^ 1;
        offset += chunk.length;
        return changed;
      });
    };
    for (const [what, open] of [
      ["a byte flipped in the middle", wrong(2 * MiB)],
      ["the last byte flipped", wrong(4 * MiB - 1)],
    ] as const) {
      const from = proxy.requests.length;
      const sent = requestsSent(session, proxy.host);
      await assert.rejects(repo.putBlob(blob.descriptor, open), (err: unknown) => {
        assert.ok(err instanceof DigestMismatchError, `${what}: ${String(err)}`);
        assert.equal(err.want, blob.descriptor.digest);
        assert.equal(err.bytesRead, 4 * MiB);
        return true;
      });
      assert.equal(requestsSent(session, proxy.host) - sent, 4, `${what}: HEAD, POST, PUT, DELETE`);
      assertBrokenPut(proxy, from, what);
      assert.equal(await repo.statBlob(blob.descriptor.digest), undefined, what);
    }
  });

  it("a source that breaks off fails the upload with its own error, and a later attempt reads it afresh", async (t) => {
    const registry = await startRegistry(t);
    const proxy = await startFaultProxy(t, registry);
    const session = newSession(t, { insecure: true });
    const blob = await generatedBlob("whole-source", 4 * MiB);
    const lost = new RegistryError("connection lost while reading the response body", {
      method: "GET",
      url: "https://source.example/v2/app/blobs/sha256:0",
      transient: true,
    });
    let opened = 0;
    const breaking = () => {
      opened++;
      if (opened > 1) return blob.open();
      let sent = 0;
      return blob.open().map((chunk: Buffer) => {
        sent += chunk.length;
        if (sent > MiB) throw lost;
        return chunk;
      });
    };
    const once = repositoryAt(session, proxy.host, "whole/once", { uploadAttempts: 1 });
    await assert.rejects(once.putBlob(blob.descriptor, breaking), (err: unknown) => err === lost);
    assertBrokenPut(proxy, 0, "broken off");

    opened = 0;
    const from = proxy.requests.length;
    const repo = repositoryAt(session, proxy.host, "whole/again", {});
    assert.equal(await repo.putBlob(blob.descriptor, breaking), "uploaded");
    assert.equal(opened, 2);
    assertBrokenPut(proxy, from, "broken off, then sent again", ["POST", "PUT"]);
    assert.equal(await servedDigest(repo, blob.descriptor), blob.descriptor.digest);
  });

  it("the registry's answers to the PUT stand: DIGEST_INVALID, and a 503 that a fresh upload gets past", async (t) => {
    const registry = await startRegistry(t);
    let busy = 1;
    const front = await startFrontServer(t, {
      upstream: registry.url,
      rewriteBody: (request) => {
        if (request.method !== "PUT" || !request.path.includes("/changed/")) return request.body;
        const changed = Buffer.from(request.body);
        changed[0] = (changed[0] ?? 0) ^ 1;
        return changed;
      },
      answer: (request) =>
        request.method === "PUT" && request.path.includes("/busy/") && busy-- > 0
          ? { status: 503 }
          : undefined,
    });
    const session = newSession(t, { insecure: true });
    const blob = makeImage("whole-answers", 200_000).large;

    const changed = repositoryAt(session, front.host, "whole/changed", {});
    await assert.rejects(
      changed.putBlob(blob.descriptor, opener(blob.bytes).open),
      (err: unknown) => {
        assert.ok(err instanceof RegistryError, String(err));
        assert.equal(err.status, 400);
        assert.deepEqual(
          err.ociErrors.map((e) => e.code),
          ["DIGEST_INVALID"],
        );
        return true;
      },
    );
    assert.equal(await changed.statBlob(blob.descriptor.digest), undefined);

    const busyRepo = repositoryAt(session, front.host, "whole/busy", {});
    const content = opener(blob.bytes);
    front.requests.length = 0;
    assert.equal(await busyRepo.putBlob(blob.descriptor, content.open), "uploaded");
    assert.equal(content.opened(), 2, "a stream is never sent twice: the upload starts again");
    assert.deepEqual(
      front.requests.map((r) => r.method),
      ["HEAD", "POST", "PUT", "DELETE", "POST", "PUT"],
    );
    assert.equal(await servedDigest(busyRepo, blob.descriptor), blob.descriptor.digest);
  });

  it("a 413 to a blob sent whole: sent again in chunks of the announced size, and the host gets chunks from then on", async (t) => {
    const registry = await startRegistry(t);
    const cap = 11 * MiB;
    const proxy = await startFaultProxy(t, registry, [
      { method: "POST", path: /\/blobs\/uploads\/$/, fault: announcingChunkMin(10 * MiB) },
      {
        path: /\/blobs\/uploads\//,
        bodyLargerThan: cap,
        fault: { kind: "status", status: 413, body: "<html>413 Request Entity Too Large</html>" },
      },
    ]);
    const session = newSession(t, { insecure: true });
    const repo = repositoryAt(session, proxy.host, "capped/app", {});
    const large = await generatedBlob("capped-large", 25 * MiB);

    assert.equal(await repo.putBlob(large.descriptor, large.open), "uploaded");
    assert.deepEqual(blobRequests(proxy), [
      "HEAD",
      "POST",
      "PUT 413",
      "DELETE",
      "POST",
      "PATCH",
      "PATCH",
      "PATCH",
      "PUT",
    ]);
    assert.deepEqual(patchRanges(proxy), ["0-10485759", "10485760-20971519", "20971520-26214399"]);
    assert.equal(large.opened(), 2, "the content was read again for the chunks");
    assert.equal(await servedDigest(repo, large.descriptor), large.descriptor.digest);

    // The next blob, to this repository or another on the host, goes in chunks at once.
    for (const name of ["capped/app", "capped/other"]) {
      const next = await generatedBlob(`capped-${name}`, 12 * MiB);
      const target = repositoryAt(session, proxy.host, name, {});
      const from = proxy.requests.length;
      assert.equal(await target.putBlob(next.descriptor, next.open), "uploaded", name);
      assert.deepEqual(blobRequests(proxy, from), ["HEAD", "POST", "PATCH", "PATCH", "PUT"], name);
      assert.equal(next.opened(), 1, name);
      assert.equal(await servedDigest(target, next.descriptor), next.descriptor.digest, name);
    }
  });

  it("a manifest with a subject: subjectIndexed says whether the registry answered OCI-Subject with it", async (t) => {
    const registry = await startRegistry(t);
    const proxy = await startFaultProxy(t, registry);
    const session = newSession(t, { insecure: true });
    const repo = repositoryAt(session, proxy.host, "subject/app", {});
    const image = makeImage("subject", 1_000);
    await pushImage(repo, image, "v1");
    const referrer = (n: number) =>
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA_TYPES.manifest,
          artifactType: "application/vnd.example.sbom",
          config: image.config.descriptor,
          layers: [image.small.descriptor],
          subject: image.manifest.descriptor,
          annotations: { n: String(n) },
        }),
      );
    const upload = (n: number) => ({ bytes: referrer(n), mediaType: MEDIA_TYPES.manifest });
    const manifestPuts = /^\/v2\/subject\/app\/manifests\/sha256:/;

    // docker-registry 2.8 knows nothing of referrers: no OCI-Subject.
    const plain = await repo.putManifest(upload(1));
    assert.deepEqual(plain, {
      ...blobOf(MEDIA_TYPES.manifest, referrer(1)).descriptor,
      subjectIndexed: false,
    });

    // A registry that indexes the subject names it in OCI-Subject (distribution-spec 1.1).
    for (const [n, announced, indexed] of [
      [2, image.manifest.descriptor.digest, true],
      [3, image.config.descriptor.digest, false],
    ] as const) {
      proxy.add({
        method: "PUT",
        path: manifestPuts,
        times: 1,
        fault: {
          kind: "replace",
          response: ({ upstream }) => ({
            status: upstream.status,
            headers: {
              "docker-content-digest": String(upstream.headers["docker-content-digest"]),
              "oci-subject": announced,
            },
          }),
        },
      });
      const stored = await repo.putManifest(upload(n));
      assert.equal(stored.digest, sha256(referrer(n)));
      assert.equal(stored.subjectIndexed, indexed, `OCI-Subject: ${announced}`);
    }

    // Without a subject, nothing is said of one.
    const again = await repo.putManifest(
      { bytes: image.manifest.bytes, mediaType: MEDIA_TYPES.manifest },
      "v2",
    );
    assert.deepEqual(again, image.manifest.descriptor);
    assert.equal("subjectIndexed" in again, false);
  });

  it("a configured chunk size still chunks, in chunks no smaller than the registry's minimum", async (t) => {
    const registry = await startRegistry(t);
    const proxy = await startFaultProxy(t, registry, [
      {
        method: "POST",
        path: /^\/v2\/minimum\/app\/blobs\/uploads\/$/,
        fault: announcingChunkMin(256 * 1024),
      },
    ]);
    const session = newSession(t, { insecure: true });
    const blob = await generatedBlob("chunked", MiB);

    const configured = repositoryAt(session, proxy.host, "configured/app", {
      uploadChunkSize: 300 * 1024,
    });
    assert.equal(await configured.putBlob(blob.descriptor, blob.open), "uploaded");
    assert.deepEqual(blobRequests(proxy), [
      "HEAD",
      "POST",
      "PATCH",
      "PATCH",
      "PATCH",
      "PATCH",
      "PUT",
    ]);
    assert.deepEqual(patchRanges(proxy), [
      "0-307199",
      "307200-614399",
      "614400-921599",
      "921600-1048575",
    ]);
    assert.equal(await servedDigest(configured, blob.descriptor), blob.descriptor.digest);

    const minimum = repositoryAt(session, proxy.host, "minimum/app", {
      uploadChunkSize: 64 * 1024,
    });
    const from = proxy.requests.length;
    assert.equal(await minimum.putBlob(blob.descriptor, blob.open), "uploaded");
    assert.deepEqual(patchRanges(proxy, from), [
      "0-262143",
      "262144-524287",
      "524288-786431",
      "786432-1048575",
    ]);
    assert.equal(await servedDigest(minimum, blob.descriptor), blob.descriptor.digest);
    assert.equal(session.transport.stats.snapshot()[proxy.host]?.bytesSent, 2 * MiB);
  });
});
