/**
 * `plan` and `apply` end to end on a copy of examples/ against the real
 * docker-registry: every registry the examples name is served by one local
 * registry through the config's `location`, images are pushed by skopeo,
 * and recorded digests are checked against `skopeo inspect`.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import planSchema from "../../schemas/plan.schema.json" with { type: "json" };
import {
  examplesCopy,
  itemsOf,
  push,
  served,
  snapshot,
  streamDoc,
} from "../support/examples-registry.ts";
import { startRegistry } from "../support/registry-server.ts";
import { runInProcess } from "../support/run-cli.ts";
import { inspectDigest } from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";

const first = new Date("2026-11-23T12:00:00Z");
const later = new Date("2026-11-23T12:15:00Z");

describe("plan and apply on examples/", () => {
  it("imports what is due, is byte-identical when run again, and records one new item per moved scheduled tag", async (t) => {
    const registry = await startRegistry(t);
    const ruby33 = await push(t, registry, "quay.io/sclorg/ruby-33-c9s:latest", "ruby33-a");
    const base11 = await push(t, registry, "registry.example.com/platform/base:1.1", "base11");
    const pg15 = await push(t, registry, "docker.io/library/postgres:15", "pg15");
    for (const tag of ["2.0", "latest", "2.2"])
      await push(t, registry, `docker.io/openshift/ruby-20-centos7:${tag}`, `ruby20-${tag}`);
    const root = await examplesCopy(t, registry);
    const before = await snapshot(root);

    const planned = await runInProcess(
      ["plan", "--repo", root, "--json", "--detailed-exitcode"],
      {},
      { now: () => first },
    );
    assert.equal(planned.code, 3, planned.stderr);
    const document = JSON.parse(planned.stdout) as { summary: Record<string, number> };
    const validate = new Ajv2020({ strict: false }).compile(planSchema);
    assert.ok(validate(document), JSON.stringify(validate.errors));
    assert.deepEqual(await snapshot(root), before, "plan writes nothing");

    const applied = await runInProcess(["apply", "--repo", root], {}, { now: () => first });
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);

    const ruby = await streamDoc(root, "imagestreams/ruby.yaml", "ruby");
    const head33 = itemsOf(ruby, "3.3")[0];
    assert.equal(head33?.image, ruby33, "skopeo agrees on the scheduled tag's digest");
    assert.equal(head33.dockerImageReference, `quay.io/sclorg/ruby-33-c9s@${ruby33}`);
    assert.equal(head33.created, "2026-11-23T12:00:00Z");
    assert.equal(itemsOf(ruby, "3.3").length, 2, "the old item is kept as history");
    assert.deepEqual(
      itemsOf(ruby, "upstream")[0]?.dockerImageReference,
      "docker.io/openshift/ruby-20-centos7:latest",
    );
    const shared = await streamDoc(root, "imagestreams/shared.yaml", "base");
    assert.equal(itemsOf(shared, "1.1")[0]?.image, base11);
    const postgres = await streamDoc(root, "imagestreams/shared.yaml", "postgresql");
    assert.equal(itemsOf(postgres, "15")[0]?.image, pg15);
    const myRuby = await streamDoc(root, "imagestreams/my-ruby.yaml", "my-ruby");
    assert.deepEqual(
      myRuby.spec.tags?.map((tag) => tag.name),
      ["latest", "2.2", "2.0"],
    );
    assert.ok(myRuby.metadata.annotations?.["openshift.io/image.dockerRepositoryCheck"]);
    assert.equal(
      itemsOf(myRuby, "2.2")[0]?.image,
      await inspectDigest(served(registry, "docker.io/openshift/ruby-20-centos7:2.2")),
    );

    const afterFirst = await snapshot(root);
    const changed = [...afterFirst]
      .filter(([f, text]) => before.get(f) !== text)
      .map(([f]) => f)
      .sort();
    // The examples carry no imported-from records yet: the first run writes one on every tag
    // whose status stands (D11), so every stream file changes once. postgresql:15 moved, and
    // the StatefulSet whose trigger follows it is patched.
    assert.deepEqual(changed, [
      "apps/payments/ledger-db.yaml",
      "imagestreams/my-ruby.yaml",
      "imagestreams/payments.yaml",
      "imagestreams/ruby.yaml",
      "imagestreams/shared.yaml",
      "imagestreams/storefront.yaml",
      "imagestreams/toolbox.yaml",
    ]);
    const toolbox = afterFirst.get("imagestreams/toolbox.yaml") ?? "";
    assert.match(toolbox, /imagestream-gitops\.io\/imported-from: shared\/base:1\.0/);
    const oldRuby = before.get("imagestreams/ruby.yaml") ?? "";
    const newRuby = afterFirst.get("imagestreams/ruby.yaml") ?? "";
    // Only lines were added here (no history was cut): the old file is a subsequence of the new.
    const newLines = newRuby.split("\n");
    let at = 0;
    for (const line of oldRuby.split("\n")) {
      while (at < newLines.length && newLines[at] !== line) at++;
      assert.ok(at < newLines.length, `line kept in order: ${line}`);
      at++;
    }

    const again = await runInProcess(["apply", "--repo", root], {}, { now: () => later });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      await snapshot(root),
      afterFirst,
      "a second apply with no registry change is byte-identical",
    );
    const quiet = await runInProcess(
      ["plan", "--repo", root, "--detailed-exitcode"],
      {},
      { now: () => later },
    );
    assert.equal(quiet.code, 0, quiet.stdout);

    const moved = await push(t, registry, "quay.io/sclorg/ruby-33-c9s:latest", "ruby33-b");
    const third = await runInProcess(["apply", "--repo", root], {}, { now: () => later });
    assert.equal(third.code, 0, third.stderr);
    const afterMove = await snapshot(root);
    const changedNow = [...afterMove]
      .filter(([f, text]) => afterFirst.get(f) !== text)
      .map(([f]) => f);
    assert.deepEqual(changedNow, ["imagestreams/ruby.yaml"]);
    const items = itemsOf(await streamDoc(root, "imagestreams/ruby.yaml", "ruby"), "3.3");
    assert.equal(items.length, 3, "exactly one new history item");
    assert.equal(items[0]?.image, moved);
    assert.equal(items[1]?.image, ruby33);
  });

  it("apply --dry-run prints the diff and writes nothing", async (t) => {
    const registry = await startRegistry(t);
    await push(t, registry, "quay.io/sclorg/ruby-33-c9s:latest", "dry");
    const root = await examplesCopy(t, registry);
    const before = await snapshot(root);
    const result = await runInProcess(
      ["apply", "--repo", root, "--dry-run"],
      {},
      { now: () => first },
    );
    assert.deepEqual(await snapshot(root), before);
    assert.match(result.stdout, /^--- a\/imagestreams\/ruby\.yaml$/m);
    assert.match(result.stdout, /^\+\s+- created: "?2026-11-23T12:00:00Z"?$/m);
    assert.match(result.stdout, /would write \d+ file\(s\)/);
  });

  it("a reference tag is recorded without any registry request", async (t) => {
    const registry = await startRegistry(t);
    const root = await tempRepo(t, {
      "imagestream-gitops.yaml": `registries:\n  quay.io: {location: "${registry.host}/quay"}\n`,
      "is.yaml": `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
  - name: upstream
    reference: true
    from: {kind: DockerImage, name: quay.io/o/a:1.2}
`,
    });
    const result = await runInProcess(
      ["apply", "--repo", root, "--json"],
      {},
      { now: () => first },
    );
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      registries: Record<string, unknown>;
      files: string[];
    };
    assert.deepEqual(report.registries, {}, "no registry was asked");
    assert.deepEqual(report.files, ["is.yaml"]);
    const text = await readFile(path.join(root, "is.yaml"), "utf8");
    assert.match(text, /dockerImageReference: quay\.io\/o\/a:1\.2\n\s+image: ""/);
    assert.match(text, /imagestream-gitops\.io\/imported-from: quay\.io\/o\/a:1\.2 reference/);
  });

  it("D1 is per tag: an insecure tag imports over HTTP, a secure tag on the same host fails (scenarios 28, 29)", async (t) => {
    const registry = await startRegistry(t);
    const digest = await push(t, registry, "quay.io/o/a:1", "plain-http");
    const ref = served(registry, "quay.io/o/a:1");
    const root = await tempRepo(t, {
      "is.yaml": `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
  - name: insecure
    from: {kind: DockerImage, name: "${ref}"}
    importPolicy: {insecure: true}
  - name: secure
    from: {kind: DockerImage, name: "${ref}"}
`,
    });
    const result = await runInProcess(["apply", "--repo", root], {}, { now: () => first });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const repository = ref.slice(0, ref.lastIndexOf(":"));
    assert.match(
      result.stdout,
      new RegExp(
        `BadRequest: the repository ${repository.replaceAll(".", "\\.")} is HTTP only and requires the insecure flag to import`,
      ),
    );
    const app = await streamDoc(root, "is.yaml", "app");
    assert.equal(itemsOf(app, "insecure")[0]?.image, digest);
    assert.deepEqual(itemsOf(app, "secure"), []);
  });

  it("a stream with an error is left out; the others are still written, and the exit status is 2", async (t) => {
    const stream = (name: string, tags: string): string => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: ${name}, namespace: demo}
spec:
  tags:
${tags}`;
    const root = await tempRepo(t, {
      "good.yaml": stream(
        "good",
        "  - name: up\n    reference: true\n    from: {kind: DockerImage, name: quay.io/o/a:1}\n",
      ),
      "cycle.yaml": stream(
        "cycle",
        "  - name: a\n    from: {kind: ImageStreamTag, name: b}\n  - name: b\n    from: {kind: ImageStreamTag, name: a}\n  - name: up\n    reference: true\n    from: {kind: DockerImage, name: quay.io/o/a:1}\n",
      ),
    });
    const before = await readFile(path.join(root, "cycle.yaml"), "utf8");
    const result = await runInProcess(["apply", "--repo", root], {}, { now: () => first });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /cycle\.yaml:\d+:\d+/);
    assert.equal(await readFile(path.join(root, "cycle.yaml"), "utf8"), before);
    assert.match(await readFile(path.join(root, "good.yaml"), "utf8"), /image: ""/);
  });

  it("a missing image fails the import with OpenShift's message and leaves the file", async (t) => {
    const registry = await startRegistry(t);
    const root = await tempRepo(t, {
      "imagestream-gitops.yaml": `registries:\n  quay.io: {location: "${registry.host}/quay", insecure: true}\n`,
      "is.yaml": `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
  - name: "1.2"
    from: {kind: DockerImage, name: quay.io/o/a:nope}
`,
    });
    const before = await snapshot(root);
    const result = await runInProcess(["apply", "--repo", root], {}, { now: () => first });
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /NotFound: dockerimage\.image\.openshift\.io "quay\.io\/o\/a:nope" not found/,
    );
    assert.deepEqual(await snapshot(root), before);
  });
});
