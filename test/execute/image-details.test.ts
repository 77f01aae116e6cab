/**
 * The image facts a pull request shows, read from an OCI layout: one
 * platform for an image, every child's for an index (its size and labels
 * from the child a Legacy import picks), and an image that cannot be read
 * reported, not thrown.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { observeImageFacts } from "../../src/execute/image-details.ts";
import { OciLayout } from "../../src/registry/oci-layout/oci-layout.ts";
import { writeImage } from "../support/oci-image.ts";

describe("observeImageFacts", () => {
  it("reads created, platforms, size and labels, and reports what it cannot read", async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), "isg-facts-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const single = await writeImage(dir, {
      tag: "one",
      created: "2026-11-20T08:00:00Z",
      labels: { "org.opencontainers.image.version": "1.2" },
    });
    const multi = await writeImage(dir, {
      tag: "multi",
      platforms: [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64", variant: "v8" },
      ],
    });
    const layout = new OciLayout(dir);
    const open = (spec: string) => {
      if (spec === "missing") throw new Error("no such repository");
      return { repository: layout, reference: spec };
    };
    const { facts, failures } = await observeImageFacts(
      [single.digest, multi.digest, single.digest, "missing"],
      open,
      { os: "linux", architecture: "arm64", variant: "v8" },
    );
    const one = facts.get(single.digest);
    assert.equal(one?.created, "2026-11-20T08:00:00Z");
    assert.deepEqual(one.platforms, ["linux/amd64"]);
    assert.equal(one.labels["org.opencontainers.image.version"], "1.2");
    const arm = multi.manifests[1];
    assert.ok(arm !== undefined);
    const index = facts.get(multi.digest);
    assert.deepEqual(index?.platforms, ["linux/amd64", "linux/arm64/v8"]);
    assert.ok((index.size ?? 0) > arm.size, "the picked child's layers and config, not the index");
    assert.deepEqual(failures, [{ pullSpec: "missing", message: "no such repository" }]);
    assert.equal(facts.size, 2, "each pull spec read once");
  });
});
