/**
 * runAction through a recording toolkit: what the step shows when an import
 * fails, when the repository is invalid, and when something unexpected
 * breaks; and that it marks the step failed at most once.
 */
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { runAction } from "../../src/action/run-action.ts";
import type { ActionToolkit, AnnotationProperties } from "../../src/action/toolkit.ts";
import { bareRepo, cloneRepo, gitTestEnv } from "../support/git-repos.ts";
import { tempRepo } from "../support/temp-repo.ts";

interface Recorded {
  readonly calls: { kind: string; text: string; properties?: AnnotationProperties }[];
  readonly outputs: Record<string, string>;
  readonly toolkit: ActionToolkit;
}

function recorder(): Recorded {
  const calls: Recorded["calls"] = [];
  const outputs: Record<string, string> = {};
  const record =
    (kind: string) =>
    (text: string, properties?: AnnotationProperties): void => {
      calls.push({ kind, text, ...(properties === undefined ? {} : { properties }) });
    };
  return {
    calls,
    outputs,
    toolkit: {
      info: record("info"),
      warning: record("warning"),
      error: record("error"),
      setSecret: record("secret"),
      setFailed: record("failed"),
      setOutput: (name, value) => {
        outputs[name] = value;
      },
      appendSummary: (markdown) => {
        record("summary")(markdown);
        return Promise.resolve();
      },
    },
  };
}

const stream = (from: string): string => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: team}
spec:
  tags:
    - name: "1"
      from: {kind: DockerImage, name: "${from}"}
`;

async function run(
  t: TestContext,
  files: Record<string, string>,
  inputs: Record<string, string>,
): Promise<Recorded> {
  const root = await tempRepo(t, files);
  const recorded = recorder();
  await runAction((name) => inputs[name] ?? "", recorded.toolkit, {
    env: {},
    now: () => new Date("2026-12-01T00:00:00Z"),
    workspace: root,
    tempDir: root,
  });
  return recorded;
}

describe("runAction", () => {
  it("plan with an import that fails: the summary shows it, the outputs are set, the step fails once", async (t) => {
    // Nothing listens on port 1 of loopback: the import fails at once.
    const r = await run(
      t,
      {
        "s.yaml": stream("127.0.0.1:1/team/app:1"),
        "imagestream-gitops.yaml": 'registries:\n  "127.0.0.1:1": {insecure: true}\n',
      },
      { command: "plan", token: "tok-en" },
    );
    assert.deepEqual(
      r.calls.filter((c) => c.kind === "secret").map((c) => c.text),
      ["tok-en"],
    );
    assert.equal(r.outputs["changed"], "false");
    assert.equal(r.outputs["pr-number"], "");
    assert.ok(r.outputs["plan-json"]?.endsWith("plan.json"));
    const summary = r.calls.find((c) => c.kind === "summary")?.text ?? "";
    assert.match(summary, /\| team\/app \| `1` \| fail \|/);
    assert.deepEqual(
      r.calls.filter((c) => c.kind === "failed").map((c) => c.text),
      ["plan: an import or a copy failed: see the job summary and the log"],
    );
  });

  it("an invalid repository: one annotation per diagnostic, then one failure with the count", async (t) => {
    const r = await run(t, { "s.yaml": stream("quay.io/UPPER/app:1") }, { command: "plan" });
    const errors = r.calls.filter((c) => c.kind === "error");
    assert.deepEqual(
      errors.map((e) => [e.properties?.file, e.properties?.title]),
      [["s.yaml", "INVALID_REFERENCE"]],
    );
    assert.deepEqual(
      r.calls.filter((c) => c.kind === "failed").map((c) => c.text),
      ["plan: 1 error in 1 file: see the annotations"],
    );
  });

  it("a usage error fails the step once, with its message and no token", async (t) => {
    const r = await run(
      t,
      {},
      { command: "validate", token: "tok-en", "working-directory": "missing" },
    );
    const failed = r.calls.filter((c) => c.kind === "failed");
    assert.equal(failed.length, 1);
    assert.match(failed[0]?.text ?? "", /repository directory ".*missing" does not exist/);
    assert.ok(!failed.some((c) => c.text.includes("tok-en")));
  });

  it("the token input is GitHub's: a GitLab forge never receives it and asks for its own", async (t) => {
    const genv = await gitTestEnv(t);
    const clone = await cloneRepo(
      genv,
      await bareRepo(genv, { "s.yaml": stream("quay.io/a/b:1") }),
    );
    const recorded = recorder();
    await runAction(
      (name) => ({ command: "reconcile", forge: "gitlab", token: "ghs_job" })[name] ?? "",
      recorded.toolkit,
      { env: genv.env, now: () => new Date(), workspace: clone, tempDir: genv.root },
    );
    assert.deepEqual(
      recorded.calls.filter((c) => c.kind === "failed").map((c) => c.text),
      ["--forge gitlab needs a token: set ISG_FORGE_TOKEN or GITLAB_TOKEN"],
    );
  });
});
