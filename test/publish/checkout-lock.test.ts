/**
 * The lock this tool's runs take around worktree bookkeeping in a checkout:
 * one holder at a time, a lock of an ended run or far too old taken over, a
 * live holder waited for and then named. Real git for the common directory,
 * real processes for the holders.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { access, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it, type TestContext } from "node:test";
import { withCheckoutLock } from "../../src/publish/git/checkout-lock.ts";
import { GitError } from "../../src/publish/git/git-error.ts";
import { formatLockReason, ownerOf } from "../../src/publish/git/work-tree-owner.ts";
import type { RunProcess } from "../../src/publish/git/workspace.ts";
import { bareRepo, cloneRepo, gitTestEnv } from "../support/git-repos.ts";

const signalZero = (pid: number): void => {
  process.kill(pid, 0);
};
const thisProcess: RunProcess = { pid: process.pid, signalZero };

async function checkout(t: TestContext): Promise<{ repo: string; lock: string; env: object }> {
  const genv = await gitTestEnv(t);
  const repo = await cloneRepo(genv, await bareRepo(genv, { "a.txt": "a\n" }));
  return {
    repo,
    lock: path.join(repo, ".git", "imagestream-gitops-worktrees.lock"),
    env: genv.env,
  };
}

const context = (env: object) => ({ env: env as Record<string, string>, secrets: [] });

/** A lock file as the run of process `pid` writes it. */
async function lockOf(pid: number): Promise<string> {
  return `${formatLockReason(await ownerOf({ pid, signalZero }))}\n`;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe("withCheckoutLock", () => {
  it("lets one run at a time through, and removes the lock after", async (t) => {
    const { repo, lock, env } = await checkout(t);
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        withCheckoutLock(repo, thisProcess, context(env), async () => {
          most = Math.max(most, ++inside);
          await sleep(20);
          inside--;
        }),
      ),
    );
    assert.equal(most, 1);
    assert.equal(await exists(lock), false);
  });

  it("removes the lock when the work inside fails", async (t) => {
    const { repo, lock, env } = await checkout(t);
    await assert.rejects(
      withCheckoutLock(repo, thisProcess, context(env), () => Promise.reject(new Error("boom"))),
      /boom/,
    );
    assert.equal(await exists(lock), false);
  });

  it("takes over the lock of a run that ended holding it", async (t) => {
    const { repo, lock, env } = await checkout(t);
    const child = spawn("true");
    await once(child, "exit");
    await writeFile(lock, await lockOf(child.pid ?? 0));
    const got = await withCheckoutLock(repo, thisProcess, context(env), () =>
      Promise.resolve("in"),
    );
    assert.equal(got, "in");
  });

  it("waits for a running holder, then fails naming the file and its process", async (t) => {
    const { repo, lock, env } = await checkout(t);
    const holder = spawn("sleep", ["30"], { stdio: "ignore" });
    t.after(() => holder.kill());
    await once(holder, "spawn");
    await writeFile(lock, await lockOf(holder.pid ?? 0));
    let ran = false;
    await assert.rejects(
      withCheckoutLock(repo, thisProcess, context(env), () => Promise.resolve((ran = true)), {
        waitMs: 300,
      }),
      (err: unknown) =>
        err instanceof GitError &&
        err.message.includes(lock) &&
        err.message.includes(`pid ${String(holder.pid)}`),
    );
    assert.equal(ran, false);
    assert.equal(await exists(lock), true, "another run's lock is left alone");
  });

  it("takes over a lock older than any bookkeeping, whoever holds it", async (t) => {
    const { repo, lock, env } = await checkout(t);
    await writeFile(lock, "imagestream-gitops\n");
    const old = new Date(Date.now() - 11 * 60_000);
    await utimes(lock, old, old);
    const got = await withCheckoutLock(repo, undefined, context(env), () => Promise.resolve(1), {
      waitMs: 300,
    });
    assert.equal(got, 1);
  });
});
