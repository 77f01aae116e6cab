/**
 * A reconcile stopped by a signal (a cancelled CI job) leaves the user's
 * checkout as it was: the temporary work tree it registered there is
 * removed before the process exits with 128 + the signal's number. One
 * killed with SIGKILL cannot clean up: the next run on the checkout does.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { stalledCheckout, stalledRegistries } from "../support/stalled-registry.ts";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { git, tempDir } from "../support/git-repos.ts";

const main = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

describe("reconcile and signals", () => {
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal} during a run removes its work tree from the checkout and exits ${String(code)}`, async (t) => {
      // A registry that accepts connections and never answers: the run waits in planning.
      const { connections, genv, checkout } = await stalledCheckout(t);

      const child = spawn(
        process.execPath,
        [main, "reconcile", "--repo", checkout, "--forge", "local"],
        {
          env: genv.env,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = once(child, "exit");
      // Wait until the run holds its work tree and a registry connection.
      for (let i = 0; i < 200 && connections() === 0; i++) await sleep(50);
      assert.ok(connections() > 0, `the run reached the registry: ${stderr}`);
      const during = await git(checkout, ["worktree", "list", "--porcelain"], genv.env);
      assert.equal(during.match(/^worktree /gm)?.length, 2, "the run's work tree is registered");

      child.kill(signal);
      const [exitCode] = (await exited) as [number | null];
      assert.equal(exitCode, code, stderr);
      const after = await git(checkout, ["worktree", "list", "--porcelain"], genv.env);
      assert.equal(after.match(/^worktree /gm)?.length, 1, "only the checkout itself is left");
      assert.equal(await git(checkout, ["status", "--porcelain"], genv.env), "");
    });
  }

  it("SIGKILL during a run leaves its work tree, which the next run removes", async (t) => {
    const { connections, genv, checkout } = await stalledCheckout(t);
    // The runs' temporary directories go here, where the test can see them.
    const tmp = await tempDir(t, "isg-signal-tmp-");
    const env = { ...genv.env, TMPDIR: tmp };
    const worktrees = async () =>
      (await git(checkout, ["worktree", "list", "--porcelain"], genv.env)).match(/^worktree .*$/gm);

    const args = [main, "reconcile", "--repo", checkout, "--forge", "local"];
    const killed = spawn(process.execPath, args, { env, stdio: "ignore" });
    const exited = once(killed, "exit");
    for (let i = 0; i < 200 && connections() === 0; i++) await sleep(50);
    assert.ok(connections() > 0, "the run reached the registry");
    killed.kill("SIGKILL");
    assert.deepEqual(await exited, [null, "SIGKILL"]);
    const left = await readdir(tmp);
    assert.match(left.join(), /^isg-git-\w+$/, "the killed run's temporary directory is left");
    assert.equal((await worktrees())?.length, 2, "and its work tree is registered");

    // The next run, with the registry refusing connections: it fails, and ends on its own.
    const refused = path.join(tmp, "refused.yaml");
    await writeFile(refused, stalledRegistries(1));
    const next = spawn(process.execPath, [...args, "--config", refused], {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    next.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await once(next, "exit");
    const dir = path.join(tmp, left.join(), "tree");
    const said = `removed work tree left by an earlier run (pid ${String(killed.pid)}, ended): ${dir}`;
    assert.ok(stderr.includes(said), stderr);
    assert.deepEqual(await worktrees(), [`worktree ${checkout}`], "only the checkout is left");
    assert.deepEqual(await readdir(tmp), ["refused.yaml"], "the killed run's directory is gone");
    assert.equal(await git(checkout, ["status", "--porcelain"], genv.env), "");
  });
});
