/**
 * A reconcile stopped by a signal (a cancelled CI job) leaves the user's
 * checkout as it was: the temporary work tree it registered there is
 * removed before the process exits with 128 + the signal's number.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { startStalledRegistry } from "../support/stalled-registry.ts";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { bareRepo, cloneRepo, git, gitTestEnv } from "../support/git-repos.ts";

const main = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

const stream = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
    - name: "1"
      from: {kind: DockerImage, name: stalled.example/app:1}
`;

describe("reconcile and signals", () => {
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal} during a run removes its work tree from the checkout and exits ${String(code)}`, async (t) => {
      // A registry that accepts connections and never answers: the run waits in planning.
      const { port, connections } = await startStalledRegistry(t);
      const genv = await gitTestEnv(t);
      const config = `registries:\n  stalled.example: {location: "127.0.0.1:${String(port)}", insecure: true}\n`;
      const bare = await bareRepo(genv, { "app.yaml": stream, "imagestream-gitops.yaml": config });
      const checkout = await cloneRepo(genv, bare);

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
});
