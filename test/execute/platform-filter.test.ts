/**
 * Which manifests of an index a mirror copies (SEMANTICS §10.3 ML1-ML6, and
 * D13: every platform by default, the digest preserved).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { filterIndex, platformName } from "../../src/execute/mirror/platform-filter.ts";
import type { Descriptor, Manifest } from "../../src/registry/manifest.ts";

const ociIndex = "application/vnd.oci.image.index.v1+json";
const ociManifest = "application/vnd.oci.image.manifest.v1+json";

function entry(platform: string, char: string): Descriptor {
  const [os = "", architecture = "", variant] = platform.split("/");
  return {
    mediaType: ociManifest,
    digest: `sha256:${char.repeat(64)}`,
    size: 500,
    platform: { os, architecture, ...(variant === undefined ? {} : { variant }) },
  };
}

const manifests = [
  entry("linux/amd64", "a"),
  entry("linux/arm64", "b"),
  entry("linux/arm/v7", "c"),
];
const json = { schemaVersion: 2, mediaType: ociIndex, manifests, annotations: { kept: "yes" } };
const bytes = Buffer.from(JSON.stringify(json));
const index: Manifest = {
  descriptor: {
    mediaType: ociIndex,
    digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`,
    size: bytes.length,
  },
  bytes,
  json,
};

describe("filterIndex", () => {
  it("copies the index whole without a filter (D13)", () => {
    assert.deepEqual(filterIndex(index, manifests, { keepManifestList: false }), {
      kind: "index",
      manifests,
    });
  });

  it("gives one platform's manifest when one matches (ML3)", () => {
    const filtered = filterIndex(index, manifests, {
      pattern: /linux\/amd64/,
      keepManifestList: false,
    });
    assert.deepEqual(filtered, { kind: "manifest", manifest: manifests[0] });
  });

  it("matches unanchored, so linux/arm takes arm64 and arm/v7 into a new index (ML1, ML4)", () => {
    const filtered = filterIndex(index, manifests, {
      pattern: /linux\/arm/,
      keepManifestList: false,
    });
    assert.ok(filtered.kind === "new-index", filtered.kind);
    const written = JSON.parse(Buffer.from(filtered.index.bytes).toString("utf8")) as typeof json;
    assert.deepEqual(
      written.manifests.map((m) => m.digest),
      [manifests[1]?.digest, manifests[2]?.digest],
    );
    // Every other field of the source index is kept.
    assert.deepEqual(written.annotations, { kept: "yes" });
    assert.equal(filtered.index.mediaType, ociIndex);
  });

  it("keeps the index unchanged when every entry matches, or with --keep-manifest-list (ML5)", () => {
    assert.equal(
      filterIndex(index, manifests, { pattern: /.*/, keepManifestList: false }).kind,
      "index",
    );
    assert.deepEqual(filterIndex(index, manifests, { pattern: /amd64/, keepManifestList: true }), {
      kind: "index",
      manifests: [manifests[0]],
    });
  });

  it("copies nothing when no platform matches (ML6)", () => {
    assert.deepEqual(
      filterIndex(index, manifests, { pattern: /windows/, keepManifestList: false }),
      {
        kind: "none",
      },
    );
  });

  it("names an entry without a platform unknown/unknown", () => {
    assert.equal(
      platformName({ mediaType: ociManifest, digest: "sha256:x", size: 1 }),
      "unknown/unknown",
    );
    assert.equal(platformName(manifests[2] as Descriptor), "linux/arm/v7");
  });
});
