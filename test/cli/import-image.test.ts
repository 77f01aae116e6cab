/**
 * `import-image` end to end on a copy of examples/ against the real
 * docker-registry: forced re-imports, a stream created with --confirm, and
 * a repository listed again with --all.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { examplesCopy, itemsOf, push, snapshot, streamDoc } from "../support/examples-registry.ts";
import { startRegistry } from "../support/registry-server.ts";
import { runInProcess } from "../support/run-cli.ts";

const first = new Date("2026-11-23T12:00:00Z");
const later = new Date("2026-11-23T12:05:00Z");

describe("import-image", () => {
  it("re-imports an existing scheduled tag now, one new item per move, nothing else written", async (t) => {
    const registry = await startRegistry(t);
    const a = await push(t, registry, "quay.io/sclorg/ruby-33-c9s:latest", "ruby33-a");
    const root = await examplesCopy(t, registry);
    const before = await snapshot(root);
    const once = await runInProcess(
      ["import-image", "--repo", root, "ruby:3.3"],
      {},
      { now: () => first },
    );
    assert.equal(once.code, 0, once.stderr);
    assert.match(once.stdout, /^demo\/ruby:3\.3: import: /m);
    assert.match(once.stdout, /^wrote imagestreams\/ruby\.yaml$/m);
    let items = itemsOf(await streamDoc(root, "imagestreams/ruby.yaml", "ruby"), "3.3");
    assert.equal(items.length, 2);
    assert.equal(items[0]?.image, a);
    const changed = [...(await snapshot(root))].filter(([f, text]) => before.get(f) !== text);
    assert.deepEqual(
      changed.map(([f]) => f),
      ["imagestreams/ruby.yaml"],
    );
    assert.deepEqual(
      itemsOf(await streamDoc(root, "imagestreams/ruby.yaml", "ruby"), "upstream"),
      [],
    );

    const unchanged = await readFile(path.join(root, "imagestreams/ruby.yaml"), "utf8");
    const same = await runInProcess(
      ["import-image", "--repo", root, "ruby:3.3"],
      {},
      { now: () => later },
    );
    assert.equal(same.code, 0, same.stderr);
    assert.equal(await readFile(path.join(root, "imagestreams/ruby.yaml"), "utf8"), unchanged);

    const b = await push(t, registry, "quay.io/sclorg/ruby-33-c9s:latest", "ruby33-b");
    const moved = await runInProcess(
      ["import-image", "--repo", root, "ruby:3.3"],
      {},
      { now: () => later },
    );
    assert.equal(moved.code, 0, moved.stderr);
    items = itemsOf(await streamDoc(root, "imagestreams/ruby.yaml", "ruby"), "3.3");
    assert.equal(items.length, 3, "exactly one new item");
    assert.equal(items[0]?.image, b);
    assert.equal(items[1]?.image, a);
  });

  it("creates a missing stream with --confirm, beside the others, and imports it", async (t) => {
    const registry = await startRegistry(t);
    const digest = await push(t, registry, "quay.io/o/app:1", "app-1");
    const root = await examplesCopy(t, registry);
    const refused = await runInProcess(
      ["import-image", "--repo", root, "app", "--from=quay.io/o/app:1"],
      {},
      { now: () => first },
    );
    assert.equal(refused.code, 2);
    assert.equal(
      refused.stderr,
      'imagestream-gitops import-image: no image stream named "app" exists, pass --confirm to create and import\n',
    );
    const result = await runInProcess(
      ["import-image", "--repo", root, "app", "--confirm", "--from=quay.io/o/app:1"],
      {},
      { now: () => first },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^created imagestreams\/app\.yaml$/m);
    assert.match(result.stdout, /^wrote imagestreams\/app\.yaml$/m);
    const app = await streamDoc(root, "imagestreams/app.yaml", "app");
    assert.equal(app.spec.tags?.[0]?.name, "latest");
    assert.equal(itemsOf(app, "latest")[0]?.image, digest);
    const again = await runInProcess(["import-image", "--repo", root, "app", "--from=other:1"]);
    assert.equal(again.code, 2);
    assert.match(
      again.stderr,
      /the tag "latest" points to "quay\.io\/o\/app:1" - use the 'tag' command/,
    );
  });

  it("--all lists spec.dockerImageRepository again and imports the new tags", async (t) => {
    const registry = await startRegistry(t);
    const repository = "docker.io/openshift/ruby-20-centos7";
    await push(t, registry, `${repository}:2.0`, "r20");
    const root = await examplesCopy(t, registry);
    const once = await runInProcess(
      ["import-image", "--repo", root, "my-ruby", "--all"],
      {},
      { now: () => first },
    );
    assert.equal(once.code, 0, once.stderr);
    let stream = await streamDoc(root, "imagestreams/my-ruby.yaml", "my-ruby");
    assert.deepEqual(
      stream.spec.tags?.map((tag) => tag.name),
      ["2.0"],
    );
    assert.ok(stream.metadata.annotations?.["openshift.io/image.dockerRepositoryCheck"]);
    const added = await push(t, registry, `${repository}:2.3`, "r23");
    const again = await runInProcess(
      ["import-image", "--repo", root, "my-ruby", "--all"],
      {},
      { now: () => later },
    );
    assert.equal(again.code, 0, again.stderr);
    stream = await streamDoc(root, "imagestreams/my-ruby.yaml", "my-ruby");
    assert.deepEqual(stream.spec.tags?.map((tag) => tag.name).sort(), ["2.0", "2.3"]);
    assert.equal(itemsOf(stream, "2.3")[0]?.image, added);
    const tagged = await runInProcess(["import-image", "--repo", root, "my-ruby:2.0", "--all"]);
    assert.equal(tagged.code, 2);
    assert.match(tagged.stderr, /cannot specify a tag "2\.0" as well as --all/);
  });

  it("prints its help and refuses image IDs", async () => {
    const help = await runInProcess(["import-image", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: imagestream-gitops import-image STREAM\[:TAG\]/);
    const id = await runInProcess(["import-image", "ruby@sha256:abc"]);
    assert.equal(id.code, 2);
    assert.match(id.stderr, /to import images by ID, use the 'tag' command/);
  });
});
