/**
 * Trigger patches end to end: a copy of examples/ in a real Git repository,
 * every registry served by the real docker-registry, images pushed and
 * digests read back with skopeo. `git diff` is the reviewer's view: it must
 * show the status items and the trigger targets that follow them, and
 * nothing else.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { examplesCopy, push, pushExampleImages, served } from "../support/examples-registry.ts";
import { startRegistry, type Registry } from "../support/registry-server.ts";
import { runInProcess } from "../support/run-cli.ts";
import { inspectDigest } from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";

const run = promisify(execFile);
const first = new Date("2026-11-23T12:00:00Z");
const later = new Date("2026-11-23T12:15:00Z");

async function git(root: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", ["-C", root, ...args], {
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "test",
      GIT_AUTHOR_EMAIL: "test@example.invalid",
      GIT_COMMITTER_NAME: "test",
      GIT_COMMITTER_EMAIL: "test@example.invalid",
      GIT_CONFIG_NOSYSTEM: "1",
      HOME: root,
    },
  });
  return stdout;
}

/** `git diff --numstat` as file → [added, deleted]. */
async function numstat(root: string): Promise<Record<string, [number, number]>> {
  const out = await git(root, "diff", "--numstat");
  return Object.fromEntries(
    out
      .trim()
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => {
        const [added = "", deleted = "", file = ""] = l.split("\t");
        return [file, [Number(added), Number(deleted)]];
      }),
  );
}

/** The lines `git diff -U0` removes and adds in `file`, without the +/- marks. */
async function changedLines(
  root: string,
  file: string,
): Promise<{ removed: string[]; added: string[] }> {
  const out = await git(root, "diff", "-U0", "--", file);
  const lines = out.split("\n").filter((l) => !l.startsWith("---") && !l.startsWith("+++"));
  return {
    removed: lines.filter((l) => l.startsWith("-")).map((l) => l.slice(1).trim()),
    added: lines.filter((l) => l.startsWith("+")).map((l) => l.slice(1).trim()),
  };
}

/** The value at `dotted` (keys and indexes) of the first document of `file` whose kind is `kind`. */
async function valueAt(root: string, file: string, kind: string, dotted: string): Promise<unknown> {
  const text = await readFile(path.join(root, file), "utf8");
  const doc = parseAllDocuments(text)
    .map((d) => d.toJS() as Record<string, unknown>)
    .find((d) => d["kind"] === kind);
  let node: unknown = doc;
  for (const key of dotted.split(".")) node = (node as Record<string, unknown> | undefined)?.[key];
  return node;
}

/**
 * The examples as a committed Git repository after a first `apply` (which
 * writes every tag's imported-from record, D11, and the first imports), so
 * the next diff holds only what the next run changes.
 */
async function baseline(t: TestContext): Promise<{ registry: Registry; root: string }> {
  const registry = await startRegistry(t);
  await pushExampleImages(t, registry);
  const root = await examplesCopy(t, registry);
  const applied = await runInProcess(["apply", "--repo", root], {}, { now: () => first });
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  await git(root, "init", "-q", "-b", "main");
  await git(root, "add", "-A");
  await git(root, "commit", "-q", "-m", "baseline");
  return { registry, root };
}

describe("trigger patches on examples/", () => {
  it("a scheduled tag moves: apply changes its status item and the one container that follows it, nothing else", async (t) => {
    const { registry, root } = await baseline(t);
    const moved = await push(t, registry, "docker.io/library/postgres:15", "pg15-b");

    const planned = await runInProcess(["plan", "--repo", root], {}, { now: () => later });
    assert.match(
      planned.stdout,
      /apps\/payments\/ledger-db\.yaml:5 +StatefulSet\/ledger-db +postgresql +patch +docker\.io\/library\/postgres@[0-9a-f]{12} +docker\.io\/library\/postgres@[0-9a-f]{12} +shared\/postgresql:15: follows the tag/,
    );
    assert.match(planned.stdout, /Triggers: 1 to patch, 1 paused, 5 unchanged\./);

    const applied = await runInProcess(["apply", "--repo", root], {}, { now: () => later });
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);

    const stats = await numstat(root);
    assert.deepEqual(Object.keys(stats).sort(), [
      "apps/payments/ledger-db.yaml",
      "imagestreams/shared.yaml",
    ]);
    assert.deepEqual(stats["apps/payments/ledger-db.yaml"], [1, 1]);
    assert.deepEqual(stats["imagestreams/shared.yaml"], [4, 0], "one new status item, four lines");
    const image = `docker.io/library/postgres@${moved}`;
    assert.deepEqual(await changedLines(root, "apps/payments/ledger-db.yaml"), {
      removed: [`image: docker.io/library/postgres@${await previousDigest(root)}`],
      added: [`image: ${image}`],
    });
    assert.equal(
      await inspectDigest(served(registry, "docker.io/library/postgres:15")),
      moved,
      "skopeo agrees on the digest the container now pins",
    );

    const again = await runInProcess(["apply", "--repo", root], {}, { now: () => later });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await numstat(root), stats, "a second apply changes nothing more");
  });

  it("every workload of examples/ follows its tag, the paused one waits, and a Local tag is copied to the local registry first", async (t) => {
    const { registry, root } = await baseline(t);
    const digests = {
      ruby20: await push(t, registry, "docker.io/openshift/ruby-20-centos7:2.0", "ruby20-b"),
      storefront: await push(t, registry, "quay.io/acme/storefront:1.4", "storefront-b"),
      migrations: await push(t, registry, "quay.io/acme/storefront-migrations:1.4", "migrate-b"),
      fxRates: await push(
        t,
        registry,
        "registry.internal.example:5000/payments/fx-rates:2.3",
        "fx-b",
      ),
      ledger: await push(
        t,
        registry,
        "registry.internal.example:5000/payments/ledger:4.2",
        "ledger-b",
      ),
      postgres: await push(t, registry, "docker.io/library/postgres:15", "pg15-b"),
    };
    for (const tag of [
      "demo/ruby:2.0",
      "storefront/storefront:1.4",
      "storefront/storefront-migrations:1.4",
      "payments/fx-rates:2.3",
      "payments/ledger:4.2",
    ]) {
      const imported = await runInProcess(
        ["import-image", tag, "--repo", root],
        {},
        { now: () => later },
      );
      assert.equal(imported.code, 0, `${tag}: ${imported.stdout}${imported.stderr}`);
    }
    const retagged = await runInProcess(
      ["tag", "shared/base:1.1", "demo/toolbox:stable", "--repo", root],
      {},
      { now: () => later },
    );
    assert.equal(retagged.code, 0, retagged.stdout + retagged.stderr);
    const base11 = await inspectDigest(served(registry, "registry.example.com/platform/base:1.1"));

    const applied = await runInProcess(
      ["apply", "--repo", root, "--json"],
      {},
      { now: () => later },
    );
    assert.equal(applied.code, 0, applied.stderr);
    const document = JSON.parse(applied.stdout) as {
      workloads: { name: string; triggers: { action: string; rule: string }[] }[];
      mirrors: { stream: string; tag: string; action: string; to: string }[];
    };
    const decisions = Object.fromEntries(
      document.workloads.map((w) => [w.name, w.triggers.map((tr) => `${tr.action}/${tr.rule}`)]),
    );
    // The Local tag's new image is copied to the local registry first, then pointed at.
    assert.deepEqual(decisions, {
      "ruby-ex": ["patch/patch"],
      "tmp-cleanup": ["patch/patch"],
      "fx-rates-backfill": ["patch/patch"],
      "ledger-api": ["paused/paused"],
      "ledger-db": ["patch/patch"],
      "storefront-web": ["patch/patch", "patch/patch"],
    });
    const fxMirror = document.mirrors.find((m) => m.stream === "fx-rates" && m.tag === "2.3");
    assert.deepEqual(fxMirror && [fxMirror.action, fxMirror.to], [
      "copied",
      `registry.example.com/mirror/payments/fx-rates@${digests.fxRates}`,
    ]);
    // skopeo finds the copy where the trigger now points, under the stream tag too.
    assert.equal(
      await inspectDigest(served(registry, "registry.example.com/mirror/payments/fx-rates:2.3")),
      digests.fxRates,
    );

    // A second run finds everything in place.
    const again = await runInProcess(["apply", "--repo", root], {}, { now: () => later });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /No file changes\./);

    const expected: [file: string, kind: string, dotted: string, image: string][] = [
      [
        "apps/demo/ruby-ex.yaml",
        "DeploymentConfig",
        "spec.template.spec.containers.0.image",
        `docker.io/openshift/ruby-20-centos7@${digests.ruby20}`,
      ],
      [
        "apps/demo/ruby-ex.yaml",
        "DeploymentConfig",
        "spec.triggers.1.imageChangeParams.lastTriggeredImage",
        `docker.io/openshift/ruby-20-centos7@${digests.ruby20}`,
      ],
      [
        "apps/demo/tmp-cleanup.yaml",
        "CronJob",
        "spec.jobTemplate.spec.template.spec.containers.0.image",
        `registry.example.com/platform/base@${base11}`,
      ],
      [
        "apps/payments/fx-rates-backfill.yaml",
        "Pod",
        "spec.containers.0.image",
        `registry.example.com/mirror/payments/fx-rates@${digests.fxRates}`,
      ],
      [
        "apps/payments/ledger-api.yaml",
        "Deployment",
        "spec.template.spec.containers.0.image",
        "registry.example.com/mirror/payments/ledger@sha256:1d3f5a63a7322716cdd2f37c05a79a8470be63a0c1d803ceebf0347582ffb3c8",
      ],
      [
        "apps/payments/ledger-db.yaml",
        "StatefulSet",
        "spec.template.spec.containers.0.image",
        `docker.io/library/postgres@${digests.postgres}`,
      ],
      [
        "apps/storefront/deployment.yaml",
        "Deployment",
        "spec.template.spec.initContainers.0.image",
        `quay.io/acme/storefront-migrations@${digests.migrations}`,
      ],
      [
        "apps/storefront/deployment.yaml",
        "Deployment",
        "spec.template.spec.containers.0.image",
        `quay.io/acme/storefront@${digests.storefront}`,
      ],
      [
        "apps/storefront/deployment.yaml",
        "Deployment",
        "spec.template.spec.containers.1.image",
        "quay.io/prometheuscommunity/json-exporter:v0.6.0",
      ],
    ];
    for (const [file, kind, dotted, image] of expected)
      assert.equal(await valueAt(root, file, kind, dotted), image, `${file} ${dotted}`);

    const stats = await numstat(root);
    const apps = Object.fromEntries(Object.entries(stats).filter(([f]) => f.startsWith("apps/")));
    assert.deepEqual(apps, {
      "apps/demo/ruby-ex.yaml": [2, 2],
      "apps/demo/tmp-cleanup.yaml": [1, 1],
      "apps/payments/fx-rates-backfill.yaml": [1, 1],
      "apps/payments/ledger-db.yaml": [1, 1],
      "apps/storefront/deployment.yaml": [2, 2],
    });
    assert.ok(
      (await changedLines(root, "apps/storefront/deployment.yaml")).added.every((l) =>
        l.startsWith("image: quay.io/acme/storefront"),
      ),
    );
  });
});

/** The postgres digest the baseline commit pins in ledger-db.yaml. */
async function previousDigest(root: string): Promise<string> {
  const text = await git(root, "show", "HEAD:apps/payments/ledger-db.yaml");
  const match = /image: docker\.io\/library\/postgres@(sha256:[0-9a-f]{64})/.exec(text);
  assert.ok(match?.[1] !== undefined);
  return match[1];
}

/** A stream `app` in `demo` whose tags stand (recorded, not scheduled): planning asks no registry. */
const standingStream = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: demo
spec:
  tags:
    - name: "1"
      annotations: {imagestream-gitops.io/imported-from: "quay.io/o/a:1 Legacy"}
      from: {kind: DockerImage, name: quay.io/o/a:1}
      referencePolicy: {type: Local}
    - name: "2"
      annotations: {imagestream-gitops.io/imported-from: "quay.io/o/a:2 Legacy"}
      from: {kind: DockerImage, name: quay.io/o/a:2}
status:
  tags:
    - tag: "1"
      items:
        - created: "2026-11-01T00:00:00Z"
          dockerImageReference: quay.io/o/a@sha256:${"1".repeat(64)}
          image: sha256:${"1".repeat(64)}
          generation: 1
    - tag: "2"
      items:
        - created: "2026-11-01T00:00:00Z"
          dockerImageReference: quay.io/o/a@sha256:${"2".repeat(64)}
          image: sha256:${"2".repeat(64)}
          generation: 1
`;

describe("trigger patches: what stops them", () => {
  it("a DeploymentConfig with one bad ImageChange trigger is left out whole, with exit status 2", async (t) => {
    const dc = `apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: legacy
  namespace: demo
spec:
  template:
    spec:
      containers:
        - name: web
          image: old
  triggers:
    - type: ImageChange
      imageChangeParams:
        automatic: true
        containerNames: [web]
        from: {kind: ImageStreamTag, name: "app:2"}
    - type: ImageChange
      imageChangeParams:
        automatic: true
        containerNames: [api]
        from: {kind: ImageStreamTag, name: "app:2"}
`;
    const root = await tempRepo(t, { "streams.yaml": standingStream, "dc.yaml": dc });
    const applied = await runInProcess(
      ["apply", "--repo", root, "--json"],
      {},
      { now: () => first },
    );
    assert.equal(applied.code, 2, applied.stderr);
    const document = JSON.parse(applied.stdout) as {
      workloads: unknown[];
      diagnostics: { code: string; line: number }[];
    };
    assert.deepEqual(document.workloads, []);
    assert.deepEqual(
      document.diagnostics.map((d) => [d.code, d.line]),
      [["TRIGGER_NO_CONTAINER", 21]],
    );
    assert.equal(
      await readFile(path.join(root, "dc.yaml"), "utf8"),
      dc,
      "nothing of it is patched",
    );
  });

  it("a local registry that cannot be asked holds the trigger and makes apply exit 1", async (t) => {
    const closed = await closedPort();
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:1"},"fieldPath":"spec.template.spec.containers[0].image"}]'
spec:
  template:
    spec:
      containers:
        - name: web
          image: old
`;
    const root = await tempRepo(t, {
      "imagestream-gitops.yaml": `localRegistry: 127.0.0.1:${String(closed)}/mirror\nnamespace: demo\n`,
      "streams.yaml": standingStream,
      "web.yaml": deployment,
    });
    const applied = await runInProcess(["apply", "--repo", root], {}, { now: () => first });
    assert.equal(applied.code, 1, applied.stdout + applied.stderr);
    assert.match(
      applied.stdout,
      /Deployment\/web +web +skip +old +- +demo\/app:1: cannot tell whether the local registry holds the image/,
    );
    assert.equal(await readFile(path.join(root, "web.yaml"), "utf8"), deployment);
  });
});

/** A 127.0.0.1 port nothing listens on: one just closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => {
    server.close((err) => {
      if (err) reject(err);
      else resolve();
    });
  });
  return port;
}
