/**
 * What observing an image reads, counted on an OCI layout (an
 * ImageRepository like a registry's): the digest each import mode records,
 * and that the index and the config are read only when needed, once.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { observeImage } from "../../src/execute/observe.ts";
import type { ImageRequest } from "../../src/plan/observation.ts";
import type { ImageRepository } from "../../src/registry/image-repository.ts";
import { OciLayout } from "../../src/registry/oci-layout/oci-layout.ts";
import { writeImage, type WrittenImage } from "../support/oci-image.ts";

const amd64 = { os: "linux", architecture: "amd64" };
const arm64 = { os: "linux", architecture: "arm64" };

interface Counted {
  readonly repository: ImageRepository;
  readonly manifests: string[];
  readonly blobs: string[];
}

/** `layout`, with every manifest and blob read recorded. */
function counted(layout: OciLayout): Counted {
  const manifests: string[] = [];
  const blobs: string[] = [];
  const repository: ImageRepository = {
    name: layout.name,
    resolve: (reference, platform) => layout.resolve(reference, platform),
    getManifest: (reference) => {
      manifests.push(reference);
      return layout.getManifest(reference);
    },
    listTags: () => layout.listTags(),
    statBlob: (digest) => layout.statBlob(digest),
    openBlob: (descriptor) => {
      blobs.push(descriptor.digest);
      return layout.openBlob(descriptor);
    },
    putBlob: (descriptor, open) => layout.putBlob(descriptor, open),
    putManifest: (manifest, tag) => layout.putManifest(manifest, tag),
  };
  return { repository, manifests, blobs };
}

async function multiPlatform(t: TestContext): Promise<{ dir: string; image: WrittenImage }> {
  const dir = await mkdtemp(path.join(tmpdir(), "isg-observe-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const image = await writeImage(dir, {
    tag: "1.0",
    platforms: [arm64, amd64],
    created: "2026-11-20T00:00:00Z",
  });
  return { dir, image };
}

function request(extra: Partial<ImageRequest>): ImageRequest {
  return {
    from: "quay.io/o/a:1.0",
    mode: "Legacy",
    platform: amd64,
    insecure: false,
    details: false,
    ...extra,
  };
}

describe("observeImage", () => {
  it("M1: Legacy records the preferred platform's manifest, reading the index once", async (t) => {
    const { dir, image } = await multiPlatform(t);
    const c = counted(new OciLayout(dir));
    const seen = await observeImage(request({}), () => ({
      repository: c.repository,
      reference: "1.0",
    }));
    assert.equal(seen.kind, "image");
    assert.equal(seen.digest, image.manifests[1]?.digest);
    assert.equal(seen.tagDigest, image.digest);
    assert.deepEqual(c.manifests, [image.digest]);
    assert.deepEqual(c.blobs, []);
  });

  it("M2: PreserveOriginal records the index digest without reading the index", async (t) => {
    const { dir, image } = await multiPlatform(t);
    const c = counted(new OciLayout(dir));
    const seen = await observeImage(request({ mode: "PreserveOriginal" }), () => ({
      repository: c.repository,
      reference: "1.0",
    }));
    assert.equal(seen.kind === "image" ? seen.digest : undefined, image.digest);
    assert.deepEqual(c.manifests, []);
  });

  it("gates on a new index: platforms and created time, the index read once", async (t) => {
    const { dir, image } = await multiPlatform(t);
    const c = counted(new OciLayout(dir));
    const seen = await observeImage(request({ mode: "PreserveOriginal", details: true }), () => ({
      repository: c.repository,
      reference: "1.0",
    }));
    assert.equal(seen.kind, "image");
    assert.deepEqual(seen.platforms, [arm64, amd64]);
    assert.equal(seen.created, "2026-11-20T00:00:00Z");
    assert.deepEqual(c.manifests, [image.digest, image.manifests[1]?.digest]);
    assert.deepEqual(c.blobs, [image.manifests[1]?.configDigest]);
  });

  it("gates are not read again for the digest the tag already has", async (t) => {
    const { dir, image } = await multiPlatform(t);
    const c = counted(new OciLayout(dir));
    const seen = await observeImage(
      request({ mode: "PreserveOriginal", details: true, known: image.digest }),
      () => ({ repository: c.repository, reference: "1.0" }),
    );
    assert.equal(seen.kind === "image" ? seen.created : "read", undefined);
    assert.deepEqual(c.manifests, []);
    assert.deepEqual(c.blobs, []);
  });

  it("a missing tag is an import failure, not a thrown error", async (t) => {
    const { dir } = await multiPlatform(t);
    const c = counted(new OciLayout(dir));
    const seen = await observeImage(request({}), () => ({
      repository: c.repository,
      reference: "nope",
    }));
    assert.equal(seen.kind, "error");
  });
});
