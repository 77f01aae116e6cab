/**
 * Reading blobs from a real registry (Debian's docker-registry): HEAD for
 * presence and size, GET verified while it streams, and a GET redirected to
 * another origin (a storage backend or CDN, played by a scripted server
 * because distribution's filesystem storage never redirects) that must not
 * receive the registry credentials and whose bytes are still verified.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { access, readFile, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, it, type TestContext } from "node:test";
import { DigestMismatchError, RegistryError } from "../../src/registry/errors.ts";
import type { ImageRepository } from "../../src/registry/image-repository.ts";
import type { Descriptor } from "../../src/registry/manifest.ts";
import { RemoteRepository } from "../../src/registry/remote-repository.ts";
import type { RegistrySession } from "../../src/registry/session.ts";
import { writeImage } from "../support/oci-image.ts";
import { startFrontServer, type RecordedRequest } from "../support/redirect-server.ts";
import { startRegistry, type Registry } from "../support/registry-server.ts";
import { pushLayout, type SkopeoOptions } from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";
import { newTestSession } from "../support/test-session.ts";

const canary = "canary-b10b5-Pa55:word";

const newSession = newTestSession;

/** Repository `name` on `host`, through the port the copy code uses. */
function repositoryAt(session: RegistrySession, host: string, name: string): ImageRepository {
  return new RemoteRepository(session, { host, repository: name, display: `${host}/${name}` });
}

/** The config and layer blobs of a one-platform image pushed with skopeo, with their bytes. */
interface PushedBlobs {
  readonly blobs: readonly { readonly descriptor: Descriptor; readonly bytes: Buffer }[];
}

/** Writes an image with two layers, pushes it with skopeo, and reads its blobs from the layout. */
async function pushImage(
  t: TestContext,
  registry: Registry,
  repo: string,
  skopeo: SkopeoOptions,
): Promise<PushedBlobs> {
  const layout = await tempRepo(t, {});
  const image = await writeImage(layout, { tag: "v1", layers: 2, seed: repo });
  await pushLayout(layout, "v1", `${registry.host}/${repo}:v1`, skopeo);
  const blobFile = (digest: string) =>
    readFile(path.join(layout, "blobs", "sha256", digest.slice("sha256:".length)));
  const manifest = JSON.parse((await blobFile(image.digest)).toString("utf8")) as {
    config: Descriptor;
    layers: Descriptor[];
  };
  const blobs = [];
  for (const descriptor of [manifest.config, ...manifest.layers]) {
    blobs.push({ descriptor, bytes: await blobFile(descriptor.digest) });
  }
  return { blobs };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** A consumer that keeps a download only when the stream ends cleanly: temp file, then rename. */
async function download(stream: Readable, destination: string): Promise<void> {
  const partial = `${destination}.partial`;
  try {
    await pipeline(stream, createWriteStream(partial));
    await rename(partial, destination);
  } finally {
    await rm(partial, { force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

const isBlobGet = (request: RecordedRequest) =>
  request.method === "GET" && /^\/v2\/.+\/blobs\/sha256:[0-9a-f]{64}$/.test(request.path);

describe("blobs on docker-registry", { concurrency: true }, () => {
  it("stat and open the config and layers skopeo pushed; the bytes hash to their digests", async (t) => {
    const registry = await startRegistry(t);
    const { blobs } = await pushImage(t, registry, "read/app", {});
    const repo = repositoryAt(newSession(t, { insecure: true }), registry.host, "read/app");
    assert.equal(blobs.length, 3);
    for (const { descriptor, bytes } of blobs) {
      const stat = await repo.statBlob(descriptor.digest);
      assert.deepEqual(
        [stat?.digest, stat?.size],
        [descriptor.digest, descriptor.size],
        descriptor.digest,
      );
      const served = await readAll(await repo.openBlob(descriptor));
      assert.equal(sha256(served), descriptor.digest);
      assert.deepEqual(served, bytes);
    }

    const missing = sha256(Buffer.from("not in the registry"));
    assert.equal(await repo.statBlob(missing), undefined);
    await assert.rejects(
      repo.openBlob({ ...descriptorOf(blobs, 0), digest: missing }),
      (err: unknown) => {
        assert.ok(err instanceof RegistryError);
        assert.equal(err.status, 404);
        assert.deepEqual(
          err.ociErrors.map((e) => e.code),
          ["BLOB_UNKNOWN"],
        );
        return true;
      },
    );

    // The registry's true bytes against a descriptor that says one byte fewer: the stream errors.
    const layer = descriptorOf(blobs, 1);
    await assert.rejects(
      readAll(await repo.openBlob({ ...layer, size: layer.size - 1 })),
      (err: unknown) => {
        assert.ok(err instanceof DigestMismatchError);
        assert.equal(err.want, layer.digest);
        return true;
      },
    );
  });

  it("a blob GET redirected to another origin: the bytes verify and that origin never sees Authorization", async (t) => {
    const registry = await startRegistry(t, {
      tls: true,
      auth: { kind: "htpasswd", username: "alice", password: canary },
    });
    assert.ok(registry.caPem !== undefined && registry.caDir !== undefined);
    const { blobs } = await pushImage(t, registry, "cdn/app", {
      certDir: registry.caDir,
      creds: `alice:${canary}`,
    });
    // The CDN reads the registry with credentials of its own, as storage is reached by signed URLs.
    const cdn = await startFrontServer(t, {
      upstream: registry.url,
      upstreamCa: registry.caPem,
      upstreamHeaders: {
        authorization: `Basic ${Buffer.from(`alice:${canary}`).toString("base64")}`,
      },
    });
    const front = await startFrontServer(t, {
      upstream: registry.url,
      upstreamCa: registry.caPem,
      answer: (request) =>
        isBlobGet(request)
          ? { status: 307, headers: { location: `${cdn.url}${request.path}` } }
          : undefined,
    });
    const session = newSession(t, {
      insecure: true,
      credentials: { [front.host]: { username: "alice", password: canary } },
    });
    const repo = repositoryAt(session, front.host, "cdn/app");
    for (const { descriptor, bytes } of blobs) {
      const served = await readAll(await repo.openBlob(descriptor));
      assert.deepEqual(served, bytes);
    }

    const redirected = front.requests.filter(isBlobGet);
    assert.equal(redirected.length, blobs.length);
    for (const request of redirected) {
      assert.match(
        request.headers["authorization"] ?? "",
        /^Basic /,
        "the registry gets credentials",
      );
    }
    assert.deepEqual(
      cdn.requests.map((r) => r.path),
      redirected.map((r) => r.path),
      "every blob came from the CDN",
    );
    for (const request of cdn.requests) {
      assert.equal(request.headers["authorization"], undefined);
      assert.doesNotMatch(JSON.stringify(request.headers), /canary-b10b5|YWxpY2U6/);
    }
  });

  it("wrong bytes from the CDN: the stream errors and a download into a temp file keeps nothing", async (t) => {
    const registry = await startRegistry(t);
    const { blobs } = await pushImage(t, registry, "bad/app", {});
    const layer = blobs[1];
    assert.ok(layer !== undefined);
    const flipped = Buffer.from(layer.bytes);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 0xff;
    const served: Record<string, Buffer> = {
      "/same-size": flipped,
      "/longer": Buffer.concat([layer.bytes, Buffer.from("trailing")]),
      "/shorter": layer.bytes.subarray(0, layer.bytes.length - 10),
    };
    const cdn = await startFrontServer(t, {
      answer: (request) => {
        const body = served[request.path.slice(0, request.path.indexOf("/v2/"))];
        return body === undefined ? { status: 404 } : { status: 200, body };
      },
    });
    const dir = await tempRepo(t, {});
    for (const variant of Object.keys(served)) {
      const front = await startFrontServer(t, {
        upstream: registry.url,
        answer: (request) =>
          isBlobGet(request)
            ? { status: 307, headers: { location: `${cdn.url}${variant}${request.path}` } }
            : undefined,
      });
      const repo = repositoryAt(newSession(t, { insecure: true }), front.host, "bad/app");
      const destination = path.join(dir, `layer${variant.replace("/", "-")}.tar.gz`);
      await assert.rejects(
        download(await repo.openBlob(layer.descriptor), destination),
        (err: unknown) => {
          assert.ok(err instanceof DigestMismatchError, `${variant}: ${String(err)}`);
          assert.equal(err.want, layer.descriptor.digest);
          return true;
        },
      );
      assert.equal(await exists(destination), false, variant);
    }
    assert.deepEqual(await readdir(dir), [], "no partial file is left either");
    assert.equal(cdn.requests.length, Object.keys(served).length);
  });
});

function descriptorOf(blobs: PushedBlobs["blobs"], index: number): Descriptor {
  const blob = blobs[index];
  assert.ok(blob !== undefined);
  return blob.descriptor;
}
