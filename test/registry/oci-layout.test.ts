/**
 * The OCI image layout transport against real parts: layouts written by
 * test/support/oci-image.ts and by `skopeo copy` from a real registry are
 * read with digests skopeo agrees with; layouts our writer produces are read
 * and pushed by skopeo; index.json updates survive re-tagging and concurrent
 * writers; corrupted blobs and broken layouts fail with typed errors.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { describe, it, type TestContext } from "node:test";
import { promisify } from "node:util";
import { DigestMismatchError } from "../../src/registry/errors.ts";
import { indexManifests, type Descriptor, type Manifest } from "../../src/registry/manifest.ts";
import { OciLayoutError } from "../../src/registry/oci-layout/layout-error.ts";
import { withManifest, type LayoutIndex } from "../../src/registry/oci-layout/layout-index.ts";
import { OciLayout } from "../../src/registry/oci-layout/oci-layout.ts";
import { formatOciReference, parseOciReference } from "../../src/reference/index.ts";
import { sha256Digest, writeImage, type Platform } from "../support/oci-image.ts";
import { startRegistry } from "../support/registry-server.ts";
import { inspectDigest, inspectFormatDigest, inspectRaw, pushLayout } from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";

const run = promisify(execFile);
const refName = "org.opencontainers.image.ref.name";
const twoPlatforms: readonly Platform[] = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64", variant: "v8" },
];

/**
 * `skopeo copy --all --preserve-digests SRC DEST` with a policy, auth file
 * and registries.conf of its own (test/support/skopeo.ts has no copy from a
 * registry into a layout), plain HTTP and no credentials.
 */
async function skopeoCopy(t: TestContext, src: string, dest: string): Promise<void> {
  const dir = await tempRepo(t, {
    "policy.json": JSON.stringify({ default: [{ type: "insecureAcceptAnything" }] }),
    "registries.conf": "",
    "auth.json": "{}",
  });
  const args = [
    ...["--policy", path.join(dir, "policy.json"), "copy", "--all", "--preserve-digests"],
    ...["--quiet", "--src-tls-verify=false", "--src-no-creds", "--dest-tls-verify=false"],
    ...["--dest-no-creds", src, dest],
  ];
  const env = {
    ...process.env,
    CONTAINERS_REGISTRIES_CONF: path.join(dir, "registries.conf"),
    REGISTRY_AUTH_FILE: path.join(dir, "auth.json"),
  };
  await run("skopeo", args, { env, timeout: 60_000 });
}

/** A layout holding a one-platform image `single` and a two-platform index `multi`. */
async function handWrittenLayout(t: TestContext, seed = "layout") {
  const dir = await tempRepo(t, {});
  const single = await writeImage(dir, { tag: "single", layers: 2, seed });
  const multi = await writeImage(dir, { tag: "multi", platforms: twoPlatforms, seed });
  return { dir, single, multi };
}

/** Reads a stream to the end. */
async function consume(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The config and layers of an image manifest. */
function blobsOf(manifest: Manifest): Descriptor[] {
  const json = manifest.json as { config?: Descriptor; layers?: Descriptor[] };
  return [...(json.config === undefined ? [] : [json.config]), ...(json.layers ?? [])];
}

/**
 * Copies what `reference` names from one layout to another with the
 * ImageRepository API only: blobs, then an index's images untagged, then the
 * top manifest under `tag`.
 */
async function copyImage(
  from: OciLayout,
  to: OciLayout,
  reference: string,
  tag: string,
): Promise<Descriptor> {
  const top = await from.getManifest(reference);
  await copyContent(from, to, top);
  return to.putManifest({ bytes: top.bytes, mediaType: top.descriptor.mediaType }, tag);
}

async function copyContent(from: OciLayout, to: OciLayout, manifest: Manifest): Promise<void> {
  for (const child of indexManifests(manifest.descriptor.mediaType, manifest.json)) {
    const image = await from.getManifest(child.digest);
    await copyContent(from, to, image);
    await to.putManifest({ bytes: image.bytes, mediaType: image.descriptor.mediaType });
  }
  for (const blob of blobsOf(manifest)) {
    await to.putBlob(blob, () => from.openBlob(blob));
  }
}

async function readIndex(dir: string): Promise<{ manifests: Descriptor[] }> {
  return JSON.parse(await readFile(path.join(dir, "index.json"), "utf8")) as {
    manifests: Descriptor[];
  };
}

function rejectsWith(reason: string, pattern: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof OciLayoutError, String(err));
    assert.equal(err.reason, reason, err.message);
    assert.equal(err.code, "OCI_LAYOUT");
    assert.match(err.message, pattern);
    return true;
  };
}

describe("parseOciReference", () => {
  const hex = "a".repeat(64);
  const cases = [
    { input: "oci:/srv/layout:1.0", want: { path: "/srv/layout", reference: "1.0" } },
    { input: "oci:relative/dir", want: { path: "relative/dir", reference: "" } },
    { input: "oci:/l:", want: { path: "/l", reference: "" } },
    // The first colon ends the path, as in containers/image: the rest is the tag.
    { input: "oci:/l:a:b", want: { path: "/l", reference: "a:b" } },
    { input: "oci:/l:org/app:v1", want: { path: "/l", reference: "org/app:v1" } },
    { input: `oci:/l:sha256:${hex}`, want: { path: "/l", reference: `sha256:${hex}` } },
  ];
  for (const { input, want } of cases) {
    it(`parses ${input}`, () => {
      assert.deepEqual(parseOciReference(input), want);
      assert.equal(formatOciReference(want.path, want.reference), input.replace(/:$/, ""));
    });
  }
  const bad = ["oci:", "oci::tag", "docker://x", "oci:/l:sha256:abc", "oci:/l:-x", "oci:/l:a b"];
  for (const input of bad) {
    it(`refuses ${input}`, () => {
      assert.throws(
        () => parseOciReference(input),
        (err: unknown) => (err as { code?: string }).code === "REFERENCE_INVALID",
      );
    });
  }
});

describe("withManifest (index.json updates)", () => {
  const d = (n: string, tag?: string): Descriptor => ({
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    digest: `sha256:${n.repeat(64)}`,
    size: 1,
    ...(tag === undefined ? {} : { annotations: { [refName]: tag } }),
  });
  const index = (...manifests: Descriptor[]): LayoutIndex => ({ manifests, rest: { x: 1 } });
  const cases = [
    {
      name: "a new tag is appended",
      input: withManifest(index(d("a", "1")), d("b"), "2", []),
      want: index(d("a", "1"), d("b", "2")),
    },
    {
      name: "an existing tag is replaced in place",
      input: withManifest(index(d("a", "1"), d("c", "3")), d("b"), "1", []),
      want: index(d("b", "1"), d("c", "3")),
    },
    {
      name: "an untagged entry of the same digest takes the tag",
      input: withManifest(index(d("a"), d("c", "3")), d("a"), "1", []),
      want: index(d("a", "1"), d("c", "3")),
    },
    {
      name: "untagged entries the new index reaches are dropped, tagged ones kept",
      input: withManifest(index(d("a"), d("b", "keep"), d("c")), d("i"), "1", [
        d("a").digest,
        d("b").digest,
      ]),
      want: index(d("b", "keep"), d("c"), d("i", "1")),
    },
  ];
  for (const { name, input, want } of cases) {
    it(name, () => {
      assert.deepEqual(input, want);
    });
  }
});

describe("OciLayout", { concurrency: true }, () => {
  it("reads hand-written layouts with the digests skopeo reports", async (t) => {
    const { dir, single, multi } = await handWrittenLayout(t);
    const layout = new OciLayout(dir);
    assert.equal(layout.name, `oci:${dir}`);
    for (const image of [single, multi]) {
      const raw = await inspectRaw(`oci:${dir}:${image.tag}`);
      const resolved = await layout.resolve(image.tag);
      assert.equal(resolved.digest, sha256Digest(raw));
      assert.equal(resolved.digest, image.digest);
      assert.deepEqual(
        [resolved.mediaType, resolved.size],
        [image.mediaType, raw.length],
        image.tag,
      );
      assert.deepEqual((await layout.getManifest(image.tag)).bytes, raw);
      assert.equal((await layout.resolve(image.digest)).digest, image.digest);
    }
    assert.equal(await inspectFormatDigest(`oci:${dir}:single`), single.digest);

    // Each platform's manifest: by digest (reached only through the index) and by --platform.
    const skopeoIndex = JSON.parse((await inspectRaw(`oci:${dir}:multi`)).toString("utf8")) as {
      manifests: Descriptor[];
    };
    assert.equal(skopeoIndex.manifests.length, 2);
    for (const [i, entry] of skopeoIndex.manifests.entries()) {
      const platform = twoPlatforms[i];
      assert.ok(platform !== undefined);
      assert.equal((await layout.resolve("multi", platform)).digest, entry.digest);
      const child = await layout.getManifest(entry.digest);
      assert.equal(child.descriptor.digest, entry.digest);
      assert.equal(child.descriptor.digest, multi.manifests[i]?.digest);
    }
    assert.deepEqual(await layout.listTags(), ["multi", "single"]);
  });

  it("reads a layout skopeo copied from a real registry", async (t) => {
    const registry = await startRegistry(t);
    const source = await handWrittenLayout(t, "from-registry");
    const copied = path.join(await tempRepo(t, {}), "copied");
    for (const image of [source.single, source.multi]) {
      const remote = `${registry.host}/team/app:${image.tag}`;
      await pushLayout(source.dir, image.tag, remote);
      await skopeoCopy(t, `docker://${remote}`, `oci:${copied}:${image.tag}`);
      const fromRegistry = await inspectDigest(remote);
      const fromLayout = await inspectDigest(`oci:${copied}:${image.tag}`);
      assert.equal(fromLayout, fromRegistry);
      const layout = new OciLayout(copied);
      assert.equal((await layout.resolve(image.tag)).digest, fromLayout);
      assert.equal((await layout.resolve(fromLayout)).digest, fromLayout);
    }
    const layout = new OciLayout(copied);
    assert.deepEqual(await layout.listTags(), ["multi", "single"]);
    const arm = await layout.resolve("multi", { os: "linux", architecture: "arm64" });
    assert.equal(arm.digest, source.multi.manifests[1]?.digest);
  });

  it("writes layouts skopeo reads and copies to a registry with the same digests", async (t) => {
    const registry = await startRegistry(t);
    const source = await handWrittenLayout(t, "written");
    const made = path.join(await tempRepo(t, {}), "skopeo-made");
    for (const tag of ["single", "multi"]) {
      await pushLayout(source.dir, tag, `oci:${made}:${tag}`);
    }
    // The destination does not exist yet: the first write creates it.
    const written = path.join(await tempRepo(t, {}), "nested", "written");
    const from = new OciLayout(made);
    const to = new OciLayout(written);
    for (const tag of ["single", "multi"]) {
      const descriptor = await copyImage(from, to, tag, tag);
      const want = await inspectDigest(`oci:${made}:${tag}`);
      assert.equal(descriptor.digest, want);
      assert.equal(await inspectDigest(`oci:${written}:${tag}`), want);
      await pushLayout(written, tag, `${registry.host}/copied/app:${tag}`);
      assert.equal(await inspectDigest(`${registry.host}/copied/app:${tag}`), want);
    }
    assert.equal(await inspectFormatDigest(`oci:${written}:single`), source.single.digest);
    // One entry per tag: the index's images, written untagged first, are reached through it.
    const index = await readIndex(written);
    assert.deepEqual(
      index.manifests.map((m) => [m.annotations?.[refName], m.digest]),
      [
        ["single", source.single.digest],
        ["multi", source.multi.digest],
      ],
    );
    // Storing an image the index already reaches adds no entry.
    const child = await from.getManifest(source.multi.manifests[0]?.digest ?? "");
    await to.putManifest({ bytes: child.bytes, mediaType: child.descriptor.mediaType });
    assert.equal((await readIndex(written)).manifests.length, 2);
    assert.deepEqual(JSON.parse(await readFile(path.join(written, "oci-layout"), "utf8")), {
      imageLayoutVersion: "1.0.0",
    });
  });

  it("replaces the entry of a tag written again", async (t) => {
    const first = await handWrittenLayout(t, "first");
    const second = await handWrittenLayout(t, "second");
    const dir = path.join(await tempRepo(t, {}), "retag");
    const to = new OciLayout(dir);
    const a = await copyImage(new OciLayout(first.dir), to, "single", "stable");
    await copyImage(new OciLayout(second.dir), to, "single", "other");
    const b = await copyImage(new OciLayout(second.dir), to, "single", "stable");
    assert.notEqual(a.digest, b.digest);
    assert.equal((await to.resolve("stable")).digest, b.digest);
    assert.equal(await inspectDigest(`oci:${dir}:stable`), b.digest);
    const stable = (await readIndex(dir)).manifests.filter(
      (m) => m.annotations?.[refName] === "stable",
    );
    assert.deepEqual(
      stable.map((m) => m.digest),
      [b.digest],
    );
    assert.equal((await readIndex(dir)).manifests.length, 2);
    // The first image is no longer reachable from index.json.
    await assert.rejects(to.resolve(a.digest), rejectsWith("MANIFEST_UNKNOWN", /no manifest/));
  });

  it("keeps every tag when putManifest runs concurrently", async (t) => {
    const sources = [await handWrittenLayout(t, "c1"), await handWrittenLayout(t, "c2")];
    const dir = path.join(await tempRepo(t, {}), "concurrent");
    const manifests: Manifest[] = [];
    for (const source of sources) {
      const from = new OciLayout(source.dir);
      const image = await from.getManifest("single");
      await copyContent(from, new OciLayout(dir), image);
      manifests.push(image);
    }
    const tags = Array.from({ length: 8 }, (_, i) => `t${String(i)}`);
    // Two objects on one directory: the queue is per directory, not per object.
    const writers = [new OciLayout(dir), new OciLayout(dir)];
    await Promise.all(
      tags.map((tag, i) => {
        const image = manifests[i % 2];
        const writer = writers[i % 2];
        assert.ok(image !== undefined && writer !== undefined);
        return writer.putManifest(
          { bytes: image.bytes, mediaType: image.descriptor.mediaType },
          tag,
        );
      }),
    );
    const layout = new OciLayout(dir);
    assert.deepEqual(await layout.listTags(), tags);
    for (const [i, tag] of tags.entries()) {
      const want = manifests[i % 2]?.descriptor.digest;
      assert.equal((await layout.resolve(tag)).digest, want);
      assert.equal(await inspectDigest(`oci:${dir}:${tag}`), want);
    }
  });

  it("fails reading a corrupted blob or manifest with DigestMismatchError", async (t) => {
    const { dir, single } = await handWrittenLayout(t, "corrupt");
    const layout = new OciLayout(dir);
    const image = await layout.getManifest("single");
    const [config, layer] = blobsOf(image);
    assert.ok(config !== undefined && layer !== undefined);
    const blobFile = (digest: string) => path.join(dir, "blobs", "sha256", digest.slice(7));

    assert.deepEqual(sha256Digest(await consume(await layout.openBlob(layer))), layer.digest);
    const bytes = await readFile(blobFile(layer.digest));
    bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 0xff;
    await writeFile(blobFile(layer.digest), bytes);
    await assert.rejects(consume(await layout.openBlob(layer)), (err: unknown) => {
      assert.ok(err instanceof DigestMismatchError);
      assert.equal(err.want, layer.digest);
      assert.match(err.message, new RegExp(dir));
      return true;
    });
    await truncate(blobFile(config.digest), config.size - 1);
    await assert.rejects(consume(await layout.openBlob(config)), DigestMismatchError);
    await assert.rejects(
      layout.openBlob({ ...layer, digest: `sha256:${"0".repeat(64)}` }),
      rejectsWith("BLOB_UNKNOWN", /not in blobs/),
    );

    await writeFile(blobFile(single.digest), "{}");
    await assert.rejects(layout.getManifest("single"), DigestMismatchError);
    await assert.rejects(layout.resolve("single"), DigestMismatchError);
  });

  it("stores a blob only when it matches, and skips one already stored", async (t) => {
    const dir = await tempRepo(t, {});
    const layout = new OciLayout(dir);
    const content = Buffer.from("hello layout");
    const descriptor = { mediaType: "text/plain", digest: sha256Digest(content), size: 12 };
    await assert.rejects(
      layout.putBlob(descriptor, () => Buffer.from("hello LAYOUT")),
      DigestMismatchError,
    );
    await assert.rejects(
      layout.putBlob(descriptor, () => Buffer.from("hello layout!")),
      DigestMismatchError,
    );
    assert.equal(await layout.statBlob(descriptor.digest), undefined);
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.startsWith(".")),
      [],
      "no temporary file left",
    );
    await layout.putBlob(descriptor, () => content);
    assert.deepEqual(await layout.statBlob(descriptor.digest), {
      mediaType: "application/octet-stream",
      digest: descriptor.digest,
      size: 12,
    });
    let opened = 0;
    await layout.putBlob(descriptor, () => {
      opened++;
      return content;
    });
    assert.equal(opened, 0);
    assert.deepEqual(await consume(await layout.openBlob(descriptor)), content);
    await assert.rejects(
      layout.statBlob("sha256:../../etc/passwd"),
      rejectsWith("DIGEST_INVALID", /sha256:\.\.\/\.\.\/etc\/passwd/),
    );
  });

  it("refuses a manifest whose blobs are missing, or a bad tag", async (t) => {
    const { dir } = await handWrittenLayout(t, "refuse");
    const image = await new OciLayout(dir).getManifest("single");
    const to = new OciLayout(path.join(await tempRepo(t, {}), "empty"));
    const upload = { bytes: image.bytes, mediaType: image.descriptor.mediaType };
    await assert.rejects(to.putManifest(upload, "x"), rejectsWith("BLOB_UNKNOWN", /references/));
    await assert.rejects(to.putManifest(upload, "bad tag"), rejectsWith("TAG_INVALID", /bad tag/));
    await assert.rejects(
      to.putManifest({ ...upload, mediaType: "application/vnd.oci.image.index.v1+json" }, "x"),
      (err: unknown) => (err as { code?: string }).code === "UNSUPPORTED_MANIFEST",
    );
  });

  it("reports missing and malformed layouts with typed errors naming the path", async (t) => {
    const root = await tempRepo(t, { "file.txt": "x" });
    const missing = path.join(root, "nope");
    await assert.rejects(
      new OciLayout(missing).resolve("1"),
      rejectsWith("LAYOUT_MISSING", new RegExp(`oci:${missing}: no such directory`)),
    );
    await assert.rejects(
      new OciLayout(path.join(root, "file.txt")).listTags(),
      rejectsWith("LAYOUT_MISSING", /not a directory/),
    );
    await assert.rejects(
      new OciLayout(root).listTags(),
      rejectsWith("LAYOUT_MISSING", /no oci-layout file/),
    );
    const broken = path.join(root, "broken");
    await mkdir(broken);
    await writeFile(path.join(broken, "oci-layout"), "not json");
    await assert.rejects(
      new OciLayout(broken).listTags(),
      rejectsWith("LAYOUT_INVALID", /oci-layout is not JSON/),
    );
    await writeFile(path.join(broken, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
    await assert.rejects(
      new OciLayout(broken).listTags(),
      rejectsWith("LAYOUT_INVALID", /index.json is not/),
    );
    await writeFile(path.join(broken, "index.json"), '{"manifests": [');
    const notJson = new OciLayout(broken);
    await assert.rejects(notJson.listTags(), (err: unknown) => {
      assert.ok(!(err instanceof SyntaxError));
      return rejectsWith(
        "LAYOUT_INVALID",
        new RegExp(`oci:${broken}: index.json is not JSON`),
      )(err);
    });
    // A writer does not overwrite a layout it cannot read.
    await assert.rejects(
      notJson.putBlob({ mediaType: "x", digest: sha256Digest("a"), size: 1 }, () =>
        Buffer.from("a"),
      ),
      rejectsWith("LAYOUT_INVALID", /index.json is not JSON/),
    );
    assert.equal(await readFile(path.join(broken, "index.json"), "utf8"), '{"manifests": [');
    await writeFile(path.join(broken, "index.json"), '{"manifests": [{"digest": 1}]}');
    await assert.rejects(
      new OciLayout(broken).listTags(),
      rejectsWith("LAYOUT_INVALID", /manifests\[0\] is not a descriptor/),
    );
  });

  it("names what is missing: a tag, a digest, or which image an untagged name means", async (t) => {
    const { dir, single } = await handWrittenLayout(t, "lookup");
    const layout = new OciLayout(dir);
    await assert.rejects(
      layout.resolve("9.9"),
      rejectsWith("MANIFEST_UNKNOWN", /no manifest tagged "9.9" \(its tags: multi, single\)/),
    );
    await assert.rejects(
      layout.getManifest(`sha256:${"1".repeat(64)}`),
      rejectsWith("MANIFEST_UNKNOWN", /no manifest "sha256:1111/),
    );
    await assert.rejects(layout.resolve(""), rejectsWith("AMBIGUOUS", /holds 2 images/));
    const one = await tempRepo(t, {});
    const only = await writeImage(one, { tag: "only", seed: "only" });
    assert.equal((await new OciLayout(one).resolve("")).digest, only.digest);
    assert.equal(await inspectDigest(`oci:${one}`), only.digest);
    assert.notEqual(only.digest, single.digest);
  });
});
