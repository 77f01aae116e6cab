/**
 * `tag` end to end on a copy of examples/: container images imported from
 * the real docker-registry (digests checked against skopeo), permanent tags
 * copied from the repository without any registry, deletion, and oc's
 * messages.
 */
import assert from "node:assert/strict";
import { cp, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { examplesCopy, itemsOf, push, snapshot, streamDoc } from "../support/examples-registry.ts";
import { startRegistry } from "../support/registry-server.ts";
import { runInProcess } from "../support/run-cli.ts";
import { projectRoot, tempRepo } from "../support/temp-repo.ts";

const now = new Date("2026-11-23T12:00:00Z");

/** examples/ as committed: its config names registries nothing serves. */
async function offlineExamples(t: TestContext): Promise<string> {
  const root = await tempRepo(t, {});
  await cp(path.join(projectRoot, "examples"), root, { recursive: true });
  return root;
}

describe("tag", () => {
  it("sets a container image tag, imports it at once and writes nothing else", async (t) => {
    const registry = await startRegistry(t);
    const digest = await push(t, registry, "quay.io/o/app:1", "app-1");
    const root = await examplesCopy(t, registry);
    const before = await snapshot(root);
    const result = await runInProcess(
      ["tag", "--repo", root, "--scheduled", "quay.io/o/app:1", "ruby:new"],
      {},
      { now: () => now },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      "Tag ruby:new set to import quay.io/o/app:1 periodically.\nwrote imagestreams/ruby.yaml\n",
    );
    const ruby = await streamDoc(root, "imagestreams/ruby.yaml", "ruby");
    const spec = ruby.spec.tags?.find((tag) => tag.name === "new") as unknown;
    assert.deepEqual(spec, {
      name: "new",
      from: { kind: "DockerImage", name: "quay.io/o/app:1" },
      importPolicy: { scheduled: true, importMode: "Legacy" },
      referencePolicy: { type: "Source" },
      annotations: { "imagestream-gitops.io/imported-from": "quay.io/o/app:1 Legacy" },
    });
    const head = itemsOf(ruby, "new")[0];
    assert.equal(head?.image, digest, "skopeo agrees on the digest");
    assert.equal(head.dockerImageReference, `quay.io/o/app@${digest}`);
    assert.deepEqual(
      itemsOf(ruby, "upstream"),
      [],
      "pending changes of other tags are not written",
    );
    const changed = [...(await snapshot(root))].filter(([f, text]) => before.get(f) !== text);
    assert.deepEqual(
      changed.map(([f]) => f),
      ["imagestreams/ruby.yaml"],
    );
  });

  it("keeps the spec tag and exits 1 when the import fails", async (t) => {
    const registry = await startRegistry(t);
    const root = await examplesCopy(t, registry);
    const result = await runInProcess(
      ["tag", "--repo", root, "--source=docker", "quay.io/o/missing:1", "ruby:gone"],
      {},
      { now: () => now },
    );
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /^Tag ruby:gone set to quay\.io\/o\/missing:1\.$/m);
    assert.match(result.stderr, /demo\/ruby:gone: import failed/);
    const ruby = await streamDoc(root, "imagestreams/ruby.yaml", "ruby");
    assert.ok(ruby.spec.tags?.some((tag) => tag.name === "gone"));
    assert.deepEqual(itemsOf(ruby, "gone"), []);
  });

  it("pins a permanent tag to the source's current image without any registry", async (t) => {
    const root = await offlineExamples(t);
    const result = await runInProcess(
      ["tag", "--repo", root, "ruby:2.0", "ruby:pinned"],
      {},
      { now: () => now },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "Tag ruby:pinned set to ruby:2.0.\nwrote imagestreams/ruby.yaml\n");
    const ruby = await streamDoc(root, "imagestreams/ruby.yaml", "ruby");
    const source = itemsOf(ruby, "2.0")[0];
    assert.ok(source);
    const spec = ruby.spec.tags?.find((tag) => tag.name === "pinned") as unknown;
    assert.deepEqual(spec, {
      name: "pinned",
      // D11: the tag records the source its status was resolved from.
      annotations: { "imagestream-gitops.io/imported-from": `ruby@${source.image}` },
      from: { kind: "ImageStreamImage", name: `ruby@${source.image}` },
      referencePolicy: { type: "Source" },
    });
    const items = itemsOf(ruby, "pinned");
    assert.equal(items.length, 1);
    assert.equal(items[0]?.image, source.image);
    assert.equal(items[0].dockerImageReference, source.dockerImageReference);
  });

  it("sets up an alias, and refuses one across streams with oc's message", async (t) => {
    const root = await offlineExamples(t);
    const across = await runInProcess(["tag", "--repo", root, "--alias", "ruby:2.0", "base:x"]);
    assert.equal(across.code, 2);
    assert.match(
      across.stderr,
      /^imagestream-gitops tag: cannot set alias across different Image Streams\n/,
    );
    const alias = await runInProcess(
      ["tag", "--repo", root, "--alias", "ruby:2.0", "ruby:follow"],
      {},
      { now: () => now },
    );
    assert.equal(alias.code, 0, alias.stderr);
    assert.match(alias.stdout, /^Tag ruby:follow set up to track ruby:2\.0\.$/m);
    const ruby = await streamDoc(root, "imagestreams/ruby.yaml", "ruby");
    assert.equal(itemsOf(ruby, "follow")[0]?.image, itemsOf(ruby, "2.0")[0]?.image);
  });

  it("deletes a tag's spec and status and leaves every other byte", async (t) => {
    const root = await offlineExamples(t);
    const file = path.join(root, "imagestreams/ruby.yaml");
    const old = await readFile(file, "utf8");
    const result = await runInProcess(["tag", "--repo", root, "-d", "ruby:static-2.0"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "Deleted tag ruby:static-2.0.\nwrote imagestreams/ruby.yaml\n");
    const text = await readFile(file, "utf8");
    const ruby = await streamDoc(root, "imagestreams/ruby.yaml", "ruby");
    assert.ok(!(ruby.spec.tags ?? []).some((tag) => tag.name === "static-2.0"));
    assert.ok(!(ruby.status?.tags ?? []).some((tag) => tag.tag === "static-2.0"));
    const specStart = old.indexOf("    - name: static-2.0");
    const specEnd = old.indexOf("    # Reference tag");
    const statusStart = old.indexOf("    - tag: static-2.0");
    assert.ok(text.startsWith(old.slice(0, specStart)));
    assert.ok(text.includes(old.slice(specEnd, statusStart)));
    const missing = await runInProcess(["tag", "--repo", root, "-d", "ruby:static-2.0"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /has no tag "static-2\.0"/);
  });

  it("reports oc's errors verbatim", async (t) => {
    const root = await offlineExamples(t);
    const cases: [string[], string][] = [
      [
        ["ruby:2.0", "ruby:-bad"],
        `invalid tag "-bad" format, tags must start with an alphanumeric character followed by alphanumeric, '.' or '-' characters, and have a maximum of 128 characters`,
      ],
      [["ruby:2.0", "ruby"], `"ruby" must be of the form <stream_name>:<tag>`],
      [
        ["--alias", "--scheduled", "ruby:2.0", "ruby:a"],
        "cannot set a container image tag as an alias and also set import flags",
      ],
      [["--insecure", "ruby:2.0", "ruby:a"], "only container images can have importing flags set"],
      [["-d", "--alias", "ruby:a"], "--alias and --delete may not be both specified"],
      [
        ["-d", "--scheduled", "ruby:a"],
        "cannot set flags for importing images when deleting a tag",
      ],
      [
        ["--reference-policy=other", "ruby:2.0", "ruby:a"],
        "reference policy must be set to 'source' or 'local'",
      ],
      [
        ["ruby:nothing", "ruby:a"],
        `"ruby:nothing" is not currently pointing to an image, cannot use it as the source of a tag`,
      ],
      [["ruby:2.0", "nope:a"], `no image stream named "demo/nope"`],
    ];
    for (const [args, message] of cases) {
      const result = await runInProcess(["tag", "--repo", root, ...args]);
      assert.equal(result.code, 2, args.join(" "));
      assert.ok(
        result.stderr.startsWith(`imagestream-gitops tag: ${message}`),
        `${args.join(" ")}: ${result.stderr}`,
      );
    }
  });

  it("prints its help", async () => {
    const help = await runInProcess(["tag", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: imagestream-gitops tag SOURCE DEST\.\.\./);
    const none = await runInProcess(["tag"]);
    assert.equal(none.code, 2);
  });
});
