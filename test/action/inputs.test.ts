/** The Action's inputs: defaults, checked values and the input named in every refusal. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readInputs } from "../../src/action/inputs.ts";
import { UsageError } from "../../src/errors.ts";

const read = (inputs: Record<string, string>): ReturnType<typeof readInputs> =>
  readInputs((name) => inputs[name] ?? "");

describe("readInputs", () => {
  it("gives every input its default when GitHub passes it empty", () => {
    assert.deepEqual(read({}), {
      command: "reconcile",
      workingDirectory: ".",
      config: undefined,
      token: undefined,
      forge: undefined,
      base: undefined,
      dryRun: false,
      dockerConfig: undefined,
      shard: undefined,
      concurrency: 8,
    });
  });

  it("reads every input, trimmed", () => {
    const inputs = read({
      command: "plan",
      "working-directory": " gitops ",
      config: "ci/isg.yaml",
      token: "ghs_x",
      forge: "gitea",
      base: "release",
      "dry-run": "True",
      "docker-config": "/tmp/auth.json",
      shard: "2/4",
      concurrency: "3",
    });
    assert.equal(inputs.command, "plan");
    assert.equal(inputs.workingDirectory, "gitops");
    assert.equal(inputs.forge, "gitea");
    assert.equal(inputs.dryRun, true);
    assert.equal(inputs.shard, "2/4");
    assert.equal(inputs.concurrency, 3);
  });

  const refused: { input: string; value: string; message: RegExp }[] = [
    {
      input: "command",
      value: "apply",
      message: /input command must be one of validate, plan, reconcile, not "apply"/,
    },
    {
      input: "forge",
      value: "bitbucket",
      message: /input forge must be one of github, gitlab, gitea, local/,
    },
    { input: "dry-run", value: "yes", message: /input dry-run must be true or false, not "yes"/ },
    {
      input: "concurrency",
      value: "0",
      message: /input concurrency must be a positive integer, not "0"/,
    },
    { input: "concurrency", value: "2.5", message: /input concurrency must be a positive integer/ },
  ];
  for (const c of refused) {
    it(`refuses ${c.input}: ${c.value}`, () => {
      assert.throws(
        () => read({ [c.input]: c.value }),
        (err: unknown) => err instanceof UsageError && c.message.test(err.message),
      );
    });
  }
});
