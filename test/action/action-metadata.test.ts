/**
 * action.yml and the example workflows agree with the code: every input the
 * Action reads is declared (and nothing else), the runtime is node24 on the
 * committed bundle, and the workflows in examples/workflows use only
 * declared inputs and outputs, with least permissions and a concurrency group.
 */
import assert from "node:assert/strict";
import { access, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { readInputs } from "../../src/action/inputs.ts";
import { projectRoot } from "../support/temp-repo.ts";

interface ActionYml {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

interface Step {
  uses?: string;
  id?: string;
  with?: Record<string, unknown>;
}

interface Workflow {
  permissions?: Record<string, string>;
  concurrency?: unknown;
  jobs: Record<string, { concurrency?: unknown; permissions?: unknown; steps: Step[] }>;
}

const action = parse(await readFile(path.join(projectRoot, "action.yml"), "utf8")) as ActionYml;
const workflowDir = path.join(projectRoot, "examples", "workflows");
const workflows = await Promise.all(
  (await readdir(workflowDir)).map(async (name) => ({
    name,
    text: await readFile(path.join(workflowDir, name), "utf8"),
  })),
);

describe("action.yml", () => {
  it("declares exactly the inputs the Action reads", () => {
    const read: string[] = [];
    readInputs((name) => {
      read.push(name);
      return "";
    });
    assert.deepEqual(Object.keys(action.inputs).sort(), read.sort());
  });

  it("runs the committed bundle on node24", async () => {
    assert.equal(action.runs.using, "node24");
    await access(path.join(projectRoot, action.runs.main));
  });

  it("documents every input and output", () => {
    for (const [name, entry] of [
      ...Object.entries(action.inputs),
      ...Object.entries(action.outputs),
    ])
      assert.ok(entry.description.length > 20, `${name} has a description`);
    assert.deepEqual(Object.keys(action.outputs).sort(), [
      "changed",
      "plan-json",
      "pr-number",
      "pr-url",
    ]);
  });
});

describe("examples/workflows", () => {
  it("holds the validate, reconcile and sharded reconcile workflows", () => {
    assert.deepEqual(workflows.map((w) => w.name).sort(), [
      "reconcile-sharded.yml",
      "reconcile.yml",
      "validate.yml",
    ]);
  });

  for (const { name, text } of workflows) {
    it(`${name}: least permissions, a concurrency group, and only the Action's declared inputs and outputs`, () => {
      const workflow = parse(text) as Workflow;
      assert.deepEqual(workflow.permissions, { contents: "read" }, "the job token only reads");
      for (const [jobName, job] of Object.entries(workflow.jobs)) {
        assert.ok(
          workflow.concurrency !== undefined || job.concurrency !== undefined,
          `${jobName} has a concurrency group`,
        );
        assert.equal(job.permissions, undefined, "no job widens the permissions");
        const ours = job.steps.filter((s) =>
          s.uses?.startsWith("imagestream-gitops/imagestream-gitops@"),
        );
        assert.ok(ours.length > 0);
        for (const step of ours)
          for (const input of Object.keys(step.with ?? {}))
            assert.ok(input in action.inputs, `${name}: input ${input} is declared in action.yml`);
      }
      for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        const [, id = "", output = ""] = m;
        const step = Object.values(workflow.jobs)
          .flatMap((j) => j.steps)
          .find((s) => s.id === id);
        if (step?.uses?.startsWith("imagestream-gitops/") !== true) continue;
        assert.ok(output in action.outputs, `${name}: output ${output} is declared in action.yml`);
      }
    });
  }
});
