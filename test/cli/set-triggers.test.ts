/**
 * `set-triggers` end to end on real temporary repositories: what it writes
 * (only the annotation or spec.triggers, the rest byte for byte), that the
 * loader accepts it (`validate`), that --dry-run and failures write
 * nothing, its listing, and its errors and exit codes.
 */
import assert from "node:assert/strict";
import { cp, readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { runInProcess, type CliResult } from "../support/run-cli.ts";
import { projectRoot, tempRepo } from "../support/temp-repo.ts";

const streams = `apiVersion: v1
kind: List
items:
  - apiVersion: image.openshift.io/v1
    kind: ImageStream
    metadata: {name: app, namespace: demo}
    spec:
      tags:
        - {name: "1.1", from: {kind: DockerImage, name: "quay.io/o/app:1.1"}}
        - {name: "1.2", from: {kind: DockerImage, name: "quay.io/o/app:1.2"}}
  - apiVersion: image.openshift.io/v1
    kind: ImageStream
    metadata: {name: app, namespace: prod}
    spec:
      tags:
        - {name: "1.2", from: {kind: DockerImage, name: "quay.io/o/app:1.2"}}
  - apiVersion: image.openshift.io/v1
    kind: ImageStream
    metadata: {name: pg, namespace: shared}
    spec:
      tags:
        - {name: "15", from: {kind: DockerImage, name: "quay.io/o/pg:15"}}
`;

const web = (namespace: string, annotation = "") => `# The web tier.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
  labels:
    app: web # keep this comment
  annotations:
    example.com/owner: "team-a"${annotation}
spec:
  replicas: 2
  template:
    spec:
      initContainers:
        - name: migrate
          image: quay.io/o/app:1.1
      containers:
        - name: web
          image: quay.io/o/app:1.1   # pinned by the trigger
          ports: [{containerPort: 8080}]
`;

const dc = `apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: worker
spec:
  template:
    spec:
      containers:
        - name: worker
          image: quay.io/o/app:1.1
  triggers:
    - type: ConfigChange
`;

const config = "namespace: demo\n";

async function repo(t: TestContext, files: Record<string, string> = {}): Promise<string> {
  return tempRepo(t, {
    "imagestream-gitops.yaml": config,
    "imagestreams.yaml": streams,
    "apps/web.yaml": web("demo"),
    "apps/worker.yaml": dc,
    "apps/prod/web.yaml": web("prod"),
    ...files,
  });
}

function cli(root: string, ...args: string[]): Promise<CliResult> {
  return runInProcess(["set-triggers", "--repo", root, ...args]);
}

async function read(root: string, file: string): Promise<string> {
  return readFile(path.join(root, file), "utf8");
}

/** Every file of the repository, by relative path. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile());
  const texts = await Promise.all(
    files.map((e) => readFile(path.join(e.parentPath, e.name), "utf8")),
  );
  return new Map(
    files.map((e, i) => [path.relative(root, path.join(e.parentPath, e.name)), texts[i] ?? ""]),
  );
}

/** `validate` on the repository passes. */
async function assertValid(root: string): Promise<void> {
  const result = await runInProcess(["validate", "--repo", root]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /no problems/);
}

const webTrigger =
  '{"from":{"kind":"ImageStreamTag","name":"app:1.2"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}';

describe("set-triggers", () => {
  it("adds a trigger: one annotation line, the rest byte for byte, and validate accepts it", async (t) => {
    const root = await repo(t);
    const before = await snapshot(root);
    const result = await cli(root, "deploy/web", "-n", "demo", "--from-image=app:1.2", "-c", "web");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "deployment.apps/web triggers updated\nwrote apps/web.yaml\n");
    const expected = web("demo", `\n    image.openshift.io/triggers: '[${webTrigger}]'`);
    assert.equal(await read(root, "apps/web.yaml"), expected);
    const after = await snapshot(root);
    for (const [file, text] of before)
      if (file !== "apps/web.yaml") assert.equal(after.get(file), text, `${file} is untouched`);
    await assertValid(root);
  });

  it("updates in place, writes init containers under initContainers, and says when nothing changes", async (t) => {
    const root = await repo(t);
    await cli(root, "apps/web.yaml", "--from-image=app:1.1", "-c", "web");
    const result = await cli(
      root,
      path.join(root, "apps/web.yaml"),
      "--from-image=shared/pg:15",
      "-c",
      "migrate,web",
      "--paused",
    );
    assert.equal(result.code, 0, result.stderr);
    const text = await read(root, "apps/web.yaml");
    const line = text.split("\n").find((l) => l.includes("image.openshift.io/triggers"));
    assert.equal(
      line,
      `    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"pg:15","namespace":"shared"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image","paused":true},{"from":{"kind":"ImageStreamTag","name":"pg:15","namespace":"shared"},"fieldPath":"spec.template.spec.initContainers[?(@.name==\\"migrate\\")].image","paused":true}]'`,
    );
    await assertValid(root);
    const again = await cli(
      root,
      "apps/web.yaml",
      "--from-image=shared/pg:15",
      "-c",
      "web,migrate",
      "--paused",
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      again.stdout,
      "deployment.apps/web triggers unchanged\nno change; nothing written\n",
    );
    assert.equal(await read(root, "apps/web.yaml"), text);
  });

  it("--dry-run prints the diff and writes nothing", async (t) => {
    const root = await repo(t);
    const before = await snapshot(root);
    const result = await cli(
      root,
      "deploy/web",
      "-n",
      "prod",
      "--from-image=app:1.2",
      "-c",
      "web",
      "--dry-run",
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^deployment\.apps\/web triggers updated\n/);
    assert.match(result.stdout, /^\+ {4}image\.openshift\.io\/triggers: '\[/m);
    assert.match(result.stdout, /dry run: would write apps\/prod\/web\.yaml\n$/);
    assert.deepEqual(await snapshot(root), before);
  });

  it("creates a DeploymentConfig's ImageChange trigger beside ConfigChange, then removes it", async (t) => {
    const root = await repo(t);
    const set = await cli(root, "dc/worker", "--from-image=app:1.2", "-c", "worker");
    assert.equal(set.code, 0, set.stderr);
    assert.equal(
      await read(root, "apps/worker.yaml"),
      `${dc}    - type: ImageChange
      imageChangeParams:
        automatic: true
        containerNames:
          - worker
        from:
          kind: ImageStreamTag
          name: app:1.2
`,
    );
    await assertValid(root);
    const list = await cli(root, "DeploymentConfigs/worker");
    assert.equal(
      list.stdout,
      `NAME                      TYPE    VALUE             AUTO
deploymentconfigs/worker  config                    true
deploymentconfigs/worker  image   app:1.2 (worker)  true
`,
    );
    const removed = await cli(root, "dc/worker", "--remove-all");
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(await read(root, "apps/worker.yaml"), dc, "ConfigChange stays");
  });

  it("removes a container's trigger, and the annotation with the last one", async (t) => {
    const root = await repo(t);
    await cli(root, "deploy/web", "-n", "demo", "--from-image=app:1.2", "-c", "web,migrate");
    const one = await cli(root, "deploy/web", "-n", "demo", "--remove", "-c", "migrate");
    assert.equal(one.code, 0, one.stderr);
    assert.equal(
      await read(root, "apps/web.yaml"),
      web("demo", `\n    image.openshift.io/triggers: '[${webTrigger}]'`),
    );
    const last = await cli(root, "deploy/web", "-n", "demo", "--remove", "--from-image=app:1.2");
    assert.equal(last.code, 0, last.stderr);
    assert.equal(await read(root, "apps/web.yaml"), web("demo"));
  });

  it("lists triggers as a table and as a JSON array", async (t) => {
    const root = await repo(t);
    await cli(root, "deploy/web", "-n", "demo", "--from-image=shared/pg:15", "-c", "web");
    const table = await cli(root, "apps/web.yaml");
    assert.equal(table.code, 0, table.stderr);
    assert.equal(
      table.stdout,
      `NAME             TYPE    VALUE               AUTO
deployments/web  config                      true
deployments/web  image   shared/pg:15 (web)  true
`,
    );
    const json = await cli(root, "apps/web.yaml", "--json");
    assert.deepEqual(JSON.parse(json.stdout), [
      {
        kind: "Deployment",
        name: "web",
        namespace: "demo",
        file: "apps/web.yaml",
        line: 2,
        type: "config",
        containers: [],
        auto: true,
      },
      {
        kind: "Deployment",
        name: "web",
        namespace: "demo",
        file: "apps/web.yaml",
        line: 2,
        type: "image",
        from: "pg:15",
        fromNamespace: "shared",
        containers: ["web"],
        auto: true,
      },
    ]);
  });

  it("edits every workload of a FILE and reports what it did as JSON", async (t) => {
    const list = `apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}}
  - apiVersion: batch/v1
    kind: Job
    metadata: {name: once}
    spec: {template: {spec: {containers: [{name: web, image: x}]}}}
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db, annotations: {}}
    spec: {template: {spec: {containers: [{name: web, image: x}]}}}
`;
    const root = await repo(t, { "apps/list.yaml": list });
    const result = await cli(root, "apps/list.yaml", "--from-image=app:1.1", "-c", "web", "--json");
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      files: string[];
      objects: { object: string; changed: boolean }[];
    };
    assert.deepEqual(report.files, ["apps/list.yaml"]);
    assert.deepEqual(
      report.objects.map((o) => [o.object, o.changed]),
      [
        ["job.batch/once", true],
        ["statefulset.apps/db", true],
      ],
    );
    await assertValid(root);
  });

  it("works on examples/: storefront's block annotation becomes one compact line", async (t) => {
    const root = await tempRepo(t, {});
    await cp(path.join(projectRoot, "examples"), root, { recursive: true });
    const file = "apps/storefront/deployment.yaml";
    const before = await read(root, file);
    const result = await cli(
      root,
      "deployment.apps/storefront-web",
      "--from-image=storefront:1.3",
      "-c",
      "web",
    );
    assert.equal(result.code, 0, result.stderr);
    const block = before.slice(
      before.indexOf("    image.openshift.io/triggers: |-\n"),
      before.indexOf("spec:\n"),
    );
    const line = `    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"storefront-migrations:1.4"},"fieldPath":"spec.template.spec.initContainers[?(@.name==\\"migrate\\")].image","paused":false},{"from":{"kind":"ImageStreamTag","name":"storefront:1.3"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'\n`;
    assert.equal(await read(root, file), before.replace(block, line));
    await assertValid(root);
  });

  it("leaves storefront's block annotation alone when it already says what is asked", async (t) => {
    const root = await tempRepo(t, {});
    await cp(path.join(projectRoot, "examples"), root, { recursive: true });
    const before = await snapshot(root);
    const result = await cli(
      root,
      "deploy/storefront-web",
      "-n",
      "storefront",
      "--from-image=storefront:1.4",
      "-c",
      "web",
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /triggers unchanged\nno change; nothing written\n$/);
    assert.deepEqual(await snapshot(root), before);
  });
});

describe("set-triggers errors", () => {
  const cases: {
    name: string;
    args: string[];
    code: number;
    stderr: RegExp;
    files?: Record<string, string>;
  }[] = [
    {
      name: "a name in several namespaces",
      args: ["deploy/web", "--from-image=app:1.2", "-c", "web"],
      code: 2,
      stderr:
        /Deployment "web" is in several namespaces \(demo, prod\); choose one with -n NAMESPACE/,
    },
    {
      name: "an object that is not there, with a hint",
      args: ["sts/web"],
      code: 2,
      stderr: /no StatefulSet named "web" in the repository \(known: none\)/,
    },
    {
      name: "a misspelt name",
      args: ["deploy/wbe", "-n", "demo"],
      code: 2,
      stderr:
        /no Deployment named "wbe" in namespace "demo" in the repository \(known: demo\/web, prod\/web\); did you mean "demo\/web"\?/,
    },
    {
      name: "a kind that takes no triggers, where it is",
      args: ["configmap/settings"],
      code: 2,
      stderr:
        /^imagestream-gitops set-triggers: apps\/cm\.yaml:1: ConfigMap "settings" does not take image triggers/,
      files: { "apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n" },
    },
    {
      name: "a container that does not exist (O3)",
      args: ["deploy/web", "-n", "demo", "--from-image=app:1.2", "-c", "api"],
      code: 2,
      stderr:
        /apps\/web\.yaml:\d+: deployment\.apps\/web: not all container names exist: api \(accepts: migrate, web\)/,
    },
    {
      name: "a stream tag the repository lacks",
      args: ["deploy/web", "-n", "demo", "--from-image=app:9", "-c", "web"],
      code: 2,
      stderr:
        /imagestreamtag "demo\/app:9" not found\n {2}hint: .*'imagestream-gitops tag SOURCE demo\/app:9' creates the tag/,
    },
    {
      name: "--from-image without --containers (O2)",
      args: ["deploy/web", "--from-image=app:1.2"],
      code: 2,
      stderr: /you must specify --containers when setting --from-image/,
    },
    {
      name: "--from-image on another registry (O1)",
      args: ["deploy/web", "--from-image=quay.io/o/app:1.2", "-c", "web"],
      code: 2,
      stderr: /the value of --from-image must point to an image stream tag on this server/,
    },
    {
      name: "an annotation that does not parse, at its line",
      args: ["apps/bad.yaml", "--from-image=app:1.2", "-c", "web"],
      code: 2,
      stderr:
        /apps\/bad\.yaml:7: deployment\.apps\/bad: the image\.openshift\.io\/triggers annotation is not valid JSON/,
      files: {
        "apps/bad.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
  annotations:
    image.openshift.io/triggers: >-
      [{"from": {"kind": "ImageStreamTag", "name": "app:1.1"}, "fieldPath": 'x'}]
spec: {template: {spec: {containers: [{name: web, image: x}]}}}
`,
      },
    },
    {
      name: "a file the config does not select",
      args: ["notes/other.yaml"],
      code: 2,
      stderr: /notes\/other\.yaml is not one of the repository's YAML files/,
      files: {
        "imagestream-gitops.yaml":
          "namespace: demo\nfiles: {include: [imagestreams.yaml, apps/**/*.yaml]}\n",
        "notes/other.yaml": "a: 1\n",
      },
    },
    {
      name: "a FILE without workloads",
      args: ["imagestreams.yaml"],
      code: 2,
      stderr:
        /imagestreams\.yaml: no workload that takes image triggers \(found: ImageStream at line 4, ImageStream at line 11, ImageStream at line 17\)/,
    },
  ];
  for (const c of cases) {
    it(c.name, async (t) => {
      const root = await repo(t, c.files);
      const before = await snapshot(root);
      const result = await cli(root, ...c.args);
      assert.equal(result.code, c.code, result.stdout + result.stderr);
      assert.match(result.stderr, c.stderr);
      assert.deepEqual(await snapshot(root), before, "nothing is written");
    });
  }

  it("writes nothing when one workload of a FILE fails", async (t) => {
    const two = `${web("demo").replace("name: web\n", "name: one\n")}---
${web("demo").replace("name: web\n", "name: two\n").replace("- name: web", "- name: api")}`;
    const root = await repo(t, { "apps/two.yaml": two });
    const result = await cli(root, "apps/two.yaml", "--from-image=app:1.2", "-c", "web");
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /deployment\.apps\/two: not all container names exist: web \(accepts: api, migrate\)/,
    );
    assert.equal(await read(root, "apps/two.yaml"), two);
  });
});
