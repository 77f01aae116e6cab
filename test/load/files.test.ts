import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { loadRepository } from "../../src/load/load-repository.ts";
import { tempRepo } from "../support/temp-repo.ts";

const stream = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
  - name: "1.0"
    from: {kind: DockerImage, name: quay.io/o/app:1.0}
`;

describe("reading repository files", () => {
  it("does not follow a symbolic link out of the repository", async (t) => {
    const outside = path.join(tmpdir(), `isg-outside-${String(process.pid)}.yaml`);
    await writeFile(outside, "password: hunter2: x\n");
    t.after(() => execFileSync("rm", ["-f", outside]));
    const root = await tempRepo(t, { "a.yaml": stream });
    await symlink(outside, path.join(root, "leak.yaml"));
    const { diagnostics } = await loadRepository({ root });
    assert.deepEqual(
      diagnostics.map((d) => [d.file, d.code, d.message]),
      [["leak.yaml", "FILE_UNREADABLE", "symbolic link points outside the repository; not read"]],
    );
    assert.doesNotMatch(JSON.stringify(diagnostics), /hunter2/);
  });

  it("refuses a FIFO behind a symbolic link instead of blocking on it", async (t) => {
    const root = await tempRepo(t, { "a.yaml": stream });
    execFileSync("mkfifo", [path.join(root, "pipe")]);
    await symlink(path.join(root, "pipe"), path.join(root, "pipe.yaml"));
    const { diagnostics } = await loadRepository({ root });
    assert.deepEqual(
      diagnostics.map((d) => [d.file, d.code, d.message]),
      [["pipe.yaml", "FILE_UNREADABLE", "not a regular file; not read"]],
    );
  });

  it("follows a symbolic link inside the repository, reading a linked file once", async (t) => {
    const root = await tempRepo(t, {
      "real/a.yaml": stream,
      "elsewhere/b.txt": stream.replace("app", "web"),
    });
    await symlink(path.join(root, "real/a.yaml"), path.join(root, "link.yaml"));
    await symlink(path.join(root, "elsewhere/b.txt"), path.join(root, "b.yaml"));
    const { model, diagnostics } = await loadRepository({ root });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      model.files.map((f) => f.path),
      ["b.yaml", "real/a.yaml"],
    );
  });

  it("takes columns on line 1 after a byte-order mark as an editor shows them", async (t) => {
    const root = await tempRepo(t, { "bom.yaml": `\uFEFFapiVersion: [\n` });
    const { diagnostics } = await loadRepository({ root });
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.col]),
      [[1, 13]],
    );
  });

  it("keeps the valid parts of a config that has an error", async (t) => {
    const root = await tempRepo(t, {
      "imagestream-gitops.yaml": "namespace: team-a\nfiles: {exclude: ['chart/**']}\nhistory: -1\n",
      "chart/template.yaml": "a: {{ .Values.x }}\n",
    });
    const { model, diagnostics } = await loadRepository({ root });
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.line]),
      [["CONFIG", 3]],
    );
    assert.equal(model.config.namespace, "team-a");
    assert.equal(model.config.history, 5);
    assert.deepEqual(model.config.files.exclude, ["chart/**"]);
  });
});

describe("YAML as Kubernetes reads it (go-yaml v2)", () => {
  it("takes yes/on as booleans, resolves merge keys, keeps timestamps as strings", async (t) => {
    const root = await tempRepo(t, {
      "a.yaml": `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
  - name: "1.0"
    importPolicy: {scheduled: yes}
    from: {<<: {kind: DockerImage}, name: quay.io/o/app:1.0}
status:
  tags:
  - tag: "1.0"
    items:
    - created: 2016-05-06T21:34:48Z
      dockerImageReference: quay.io/o/app@sha256:${"a".repeat(64)}
      image: sha256:${"a".repeat(64)}
      generation: 1
`,
    });
    const { model, diagnostics } = await loadRepository({ root });
    assert.deepEqual(diagnostics, []);
    const tag = model.streams[0]?.stream.spec?.tags?.[0];
    assert.equal(tag?.importPolicy?.scheduled, true);
    assert.equal(tag.from?.kind, "DockerImage");
    assert.equal(
      model.streams[0]?.stream.status?.tags?.[0]?.items?.[0]?.created,
      "2016-05-06T21:34:48Z",
    );
  });

  it("reads an empty trigger namespace as the workload's (A3)", async (t) => {
    const root = await tempRepo(t, {
      "s.yaml": stream,
      "w.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:1.0","namespace":""},"fieldPath":"spec.template.spec.containers[0].image"}]'
spec:
  template:
    spec:
      containers: [{name: web, image: x}]
`,
    });
    const { model, diagnostics } = await loadRepository({ root });
    assert.deepEqual(diagnostics, []);
    assert.equal(model.workloads[0]?.triggers[0]?.source.namespace, "demo");
  });
});
