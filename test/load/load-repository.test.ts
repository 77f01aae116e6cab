import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { loadRepository } from "../../src/load/load-repository.ts";
import { projectRoot, tempRepo } from "../support/temp-repo.ts";

const stream = (name: string, tags: string): string => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: ${name}
  namespace: demo
spec:
  tags:
${tags}`;

describe("loadRepository", () => {
  it("loads examples/ without a single diagnostic", async () => {
    const { model, diagnostics } = await loadRepository({
      root: path.join(projectRoot, "examples"),
    });
    assert.deepEqual(diagnostics, []);
    assert.ok(model.streams.length >= 8, `streams: ${model.streams.length}`);
    assert.ok(model.workloads.length >= 6, `workloads: ${model.workloads.length}`);
    assert.equal(model.config.source, "imagestream-gitops.yaml");
    assert.equal(model.config.namespace, "demo");
  });

  it("uses defaults without a config file and reads every YAML file", async (t) => {
    const root = await tempRepo(t, {
      "a.yaml": stream(
        "app",
        '  - name: "1.0"\n    from: {kind: DockerImage, name: quay.io/org/app:1.0}\n',
      ),
      "nested/b.yml": stream(
        "web",
        "  - name: latest\n    from: {kind: DockerImage, name: nginx}\n",
      ),
      "node_modules/x.yaml": "not: [valid",
      ".git/config.yaml": "not: [valid",
    });
    const { model, diagnostics } = await loadRepository({ root });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      model.files.map((f) => f.path),
      ["a.yaml", "nested/b.yml"],
    );
    assert.equal(model.config.source, undefined);
    assert.equal(model.config.history, 5);
    assert.equal(model.config.importMode, "Legacy");
    assert.deepEqual(model.config.pullRequest, {
      forge: "github",
      base: "main",
      branch: "imagestream-gitops/update",
      perStream: false,
      labels: [],
      reviewers: [],
      assignees: [],
      autoMerge: false,
      author: "imagestream-gitops <imagestream-gitops@noreply.invalid>",
      commitVia: "git",
    });
  });

  it("keeps checking other files when one is broken", async (t) => {
    const root = await tempRepo(t, {
      "broken.yaml": "kind: [\n",
      "bad-tag.yaml": stream("app", "  - name: v1\n    from: {kind: Docker, name: x}\n"),
    });
    const { diagnostics } = await loadRepository({ root });
    assert.deepEqual(
      diagnostics.map((d) => [d.file, d.code]),
      [
        ["bad-tag.yaml", "SCHEMA"],
        ["broken.yaml", "YAML_SYNTAX"],
      ],
    );
  });

  it("reports unknown fields as warnings, and as errors with strict", async (t) => {
    const root = await tempRepo(t, {
      "s.yaml": stream("app", "  - name: v1\n    importpolicy: {scheduled: true}\n"),
    });
    const loose = await loadRepository({ root });
    assert.deepEqual(
      loose.diagnostics.map((d) => [d.code, d.severity, d.line, d.col, d.hint]),
      [["UNKNOWN_FIELD", "warning", 9, 5, 'did you mean "importPolicy"?']],
    );
    const strict = await loadRepository({ root, strict: true });
    assert.equal(strict.diagnostics[0]?.severity, "error");
  });

  it("honours the config's globs and skips the config file itself", async (t) => {
    const root = await tempRepo(t, {
      "imagestream-gitops.yaml":
        "files:\n  include: ['streams/**']\n  exclude: ['streams/skip.yaml']\n",
      "streams/a.yaml": stream("app", "  - name: v1\n"),
      "streams/skip.yaml": "broken: [",
      "other.yaml": "broken: [",
    });
    const { model, diagnostics } = await loadRepository({ root });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      model.files.map((f) => f.path),
      ["streams/a.yaml"],
    );
  });

  it("reads kind: List items and multi-document files", async (t) => {
    const list = `apiVersion: v1\nkind: List\nitems:\n- ${stream("a", "  - name: v1\n").replaceAll("\n", "\n  ")}\n- ${stream("b", "  - name: v1\n").replaceAll("\n", "\n  ")}\n`;
    const root = await tempRepo(t, {
      "list.yaml": list,
      "multi.yaml": `${stream("c", "  - name: v1\n")}---\n${stream("d", "  - name: v1\n")}`,
    });
    const { model, diagnostics } = await loadRepository({ root });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      model.streams.map((s) => [
        s.stream.metadata.name,
        s.at.file.path,
        s.at.doc.index,
        s.at.pointer,
      ]),
      [
        ["a", "list.yaml", 0, "/items/0"],
        ["b", "list.yaml", 0, "/items/1"],
        ["c", "multi.yaml", 0, ""],
        ["d", "multi.yaml", 1, ""],
      ],
    );
  });
});
