/** The serve command in-process: usage errors exit 2 before anything runs, and --once runs once with JSON lines. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bareRepo, cloneRepo, gitTestEnv } from "../support/git-repos.ts";
import { runInProcess } from "../support/run-cli.ts";

const stream = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec: {}
`;

describe("serve command", () => {
  const usage = [
    { args: ["--schedule", "every day"], want: /invalid schedule "every day"/ },
    { args: ["--schedule", "* * * * *", "--time-zone", "Mars/Olympus"], want: /invalid time zone/ },
    { args: ["--listen", "9090"], want: /--listen must be HOST:PORT/ },
    { args: ["--shard", "3/2"], want: /--shard must be I\/N/ },
    { args: ["--forge", "bitbucket"], want: /--forge must be one of/ },
    { args: ["--concurrency", "0"], want: /--concurrency must be a positive integer/ },
    { args: ["--nope"], want: /Unknown option '--nope'/ },
  ];
  for (const c of usage) {
    it(`exits 2 on ${c.args.join(" ")}`, async () => {
      const result = await runInProcess(["serve", ...c.args]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, c.want);
    });
  }

  it("the config's bad schedule is named as the config's", async (t) => {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, { "imagestream-gitops.yaml": 'schedule: "61 * * * *"\n' });
    const clone = await cloneRepo(genv, bare);
    const result = await runInProcess(["serve", "--repo", clone], genv.env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /the config's invalid schedule "61 \* \* \* \*"/);
  });

  it("--help answers", async () => {
    const result = await runInProcess(["serve", "--help"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: imagestream-gitops serve /);
  });

  it("--once runs once, logs JSON lines, and exits with the run's status", async (t) => {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, { "app.yaml": stream });
    const clone = await cloneRepo(genv, bare);
    const result = await runInProcess(
      ["serve", "--once", "--repo", clone, "--forge", "local"],
      genv.env,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    const lines = result.stderr
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const finished = lines.find((l) => l["msg"] === "run finished");
    assert.equal(finished?.["exitCode"], 0);
    assert.equal(finished["changesProposed"], 0, "a stream without tags changes nothing");
    assert.equal(lines[0]?.["msg"], "run started");
  });
});
