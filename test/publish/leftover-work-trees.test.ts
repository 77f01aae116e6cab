/**
 * Work trees left in a checkout by runs that ended without cleaning up
 * (SIGKILL), against real git and real processes: the next workspace opened
 * on the checkout removes them with their temporary directories, and leaves
 * alone a live run's, a user's own and another host's.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, stat } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { openWorkspace } from "../../src/publish/git/git-workspace.ts";
import {
  formatLockReason,
  ownerOf,
  parseLockReason,
  type WorkTreeOwner,
} from "../../src/publish/git/work-tree-owner.ts";
import type { RunProcess, Workspace } from "../../src/publish/git/workspace.ts";
import { bareRepo, cloneRepo, git, gitTestEnv, type GitTestEnv } from "../support/git-repos.ts";

const seedFiles = { "streams/app.yaml": "kind: ImageStream\n" } as const;

const signalZero = (pid: number): void => {
  process.kill(pid, 0);
};
const thisProcess: RunProcess = { pid: process.pid, signalZero };

/** The pid of a process that has exited. */
async function endedPid(): Promise<number> {
  const child = spawn("true");
  await once(child, "exit");
  assert.ok(child.pid !== undefined);
  return child.pid;
}

/** A process that runs until the test ends. */
async function runningProcess(t: TestContext): Promise<ReturnType<typeof spawn>> {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  t.after(() => child.kill());
  await once(child, "spawn");
  return child;
}

/** A checkout of a new bare remote. */
async function checkoutOf(genv: GitTestEnv): Promise<string> {
  return cloneRepo(genv, await bareRepo(genv, seedFiles));
}

/** Opens a workspace on `checkout` as process `run` does, and never disposes it: a run killed with SIGKILL. */
function leaveWorkspace(genv: GitTestEnv, checkout: string, run: RunProcess): Promise<Workspace> {
  return openWorkspace({
    repo: checkout,
    base: "main",
    env: genv.env,
    tmpDir: genv.root,
    runProcess: run,
  });
}

/** Opens a workspace on `checkout` as this process, disposed when `t` ends. */
async function open(t: TestContext, genv: GitTestEnv, checkout: string): Promise<Workspace> {
  const workspace = await leaveWorkspace(genv, checkout, thisProcess);
  t.after(() => workspace.dispose());
  return workspace;
}

/** The checkout's worktrees: directory → lock reason ("" locked without one; null not locked). */
async function workTrees(checkout: string, genv: GitTestEnv): Promise<Map<string, string | null>> {
  const out = await git(checkout, ["worktree", "list", "--porcelain"], genv.env);
  const trees = new Map<string, string | null>();
  for (const block of out.split("\n\n").filter((b) => b !== "")) {
    const dir = /^worktree (.*)$/m.exec(block)?.[1];
    assert.ok(dir !== undefined, block);
    trees.set(dir, /^locked ?(.*)$/m.exec(block)?.[1] ?? null);
  }
  return trees;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Adds a worktree as git users do, with `options` (e.g. a lock), under a new temporary directory. */
async function addWorkTree(
  genv: GitTestEnv,
  checkout: string,
  prefix: string,
  options: readonly string[] = [],
): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(genv.root, prefix)), "tree");
  await git(checkout, ["worktree", "add", "--detach", ...options, "--", dir], genv.env);
  return dir;
}

describe("work trees left by ended runs", () => {
  const states = [
    { name: "as the run left it", damage: () => Promise.resolve() },
    {
      name: "with its temporary directory already deleted",
      damage: (dir: string) => rm(path.dirname(dir), { recursive: true, force: true }),
    },
    {
      name: "killed inside `worktree add` (no .git file yet)",
      damage: (dir: string) => rm(path.join(dir, ".git")),
    },
  ];
  for (const state of states) {
    it(`the next workspace removes an ended run's work tree and its directory: ${state.name}`, async (t) => {
      const genv = await gitTestEnv(t);
      const checkout = await checkoutOf(genv);
      const pid = await endedPid();
      const left = await leaveWorkspace(genv, checkout, { pid, signalZero });
      assert.match((await workTrees(checkout, genv)).get(left.dir) ?? "", /^imagestream-gitops /);
      await state.damage(left.dir);

      const workspace = await open(t, genv, checkout);
      assert.deepEqual(workspace.leftovers, [{ dir: left.dir, pid }]);
      assert.deepEqual([...(await workTrees(checkout, genv)).keys()], [checkout, workspace.dir]);
      assert.equal(await exists(path.dirname(left.dir)), false, "its isg-git- directory is gone");
    });
  }

  it("locks the run's own work tree as this process's, and disposing removes it", async (t) => {
    const genv = await gitTestEnv(t);
    const checkout = await checkoutOf(genv);
    const workspace = await open(t, genv, checkout);
    const reason = (await workTrees(checkout, genv)).get(workspace.dir);
    assert.deepEqual(parseLockReason(reason ?? ""), await ownerOf(thisProcess));
    await workspace.dispose();
    assert.deepEqual([...(await workTrees(checkout, genv)).keys()], [checkout]);
    assert.equal(await exists(path.dirname(workspace.dir)), false);
  });

  it("keeps a running run's work tree, and removes it once that run has ended", async (t) => {
    const genv = await gitTestEnv(t);
    const checkout = await checkoutOf(genv);
    const child = await runningProcess(t);
    assert.ok(child.pid !== undefined);
    const live = await leaveWorkspace(genv, checkout, { pid: child.pid, signalZero });

    const beside = await open(t, genv, checkout);
    assert.deepEqual(beside.leftovers, []);
    assert.ok((await workTrees(checkout, genv)).has(live.dir));
    assert.ok(await exists(path.join(live.dir, "streams/app.yaml")), "its files are untouched");

    child.kill();
    await once(child, "exit");
    const after = await open(t, genv, checkout);
    assert.deepEqual(after.leftovers, [{ dir: live.dir, pid: child.pid }]);
    assert.equal((await workTrees(checkout, genv)).has(live.dir), false);
  });

  it("removes the work tree of a pid that another process holds now (a reused pid)", async (t) => {
    const genv = await gitTestEnv(t);
    const checkout = await checkoutOf(genv);
    const child = await runningProcess(t);
    assert.ok(child.pid !== undefined);
    const owner = await ownerOf({ pid: child.pid, signalZero });
    if (owner.started === undefined) {
      t.skip("no /proc here: a reused pid counts as a running run");
      return;
    }
    const reused = formatLockReason({ ...owner, started: String(Number(owner.started) - 1) });
    const dir = await addWorkTree(genv, checkout, "isg-git-", ["--lock", `--reason=${reused}`]);

    const workspace = await open(t, genv, checkout);
    assert.deepEqual(workspace.leftovers, [{ dir, pid: child.pid }]);
    assert.equal(await exists(path.dirname(dir)), false);
  });

  it("never touches a user's own work trees, nor a run's of another host or pid namespace", async (t) => {
    const genv = await gitTestEnv(t);
    const checkout = await checkoutOf(genv);
    const pid = await endedPid();
    const self = await ownerOf(thisProcess);
    const foreign = (owner: WorkTreeOwner) => ["--lock", `--reason=${formatLockReason(owner)}`];
    const kept = [
      await addWorkTree(genv, checkout, "mine-"),
      await addWorkTree(genv, checkout, "usb-", ["--lock", "--reason=on a USB disk"]),
      await addWorkTree(genv, checkout, "locked-", ["--lock"]),
      await addWorkTree(genv, checkout, "isg-git-", foreign({ pid, host: "elsewhere.example" })),
      await addWorkTree(genv, checkout, "isg-git-", foreign({ ...self, pid, pidns: "1" })),
    ];
    // A user's worktree whose directory they deleted: git's to prune, not ours.
    const deleted = await addWorkTree(genv, checkout, "deleted-");
    await rm(path.dirname(deleted), { recursive: true });
    const before = await workTrees(checkout, genv);
    const left = await leaveWorkspace(genv, checkout, { pid, signalZero });

    const workspace = await open(t, genv, checkout);
    assert.deepEqual(workspace.leftovers, [{ dir: left.dir, pid }], "the sweep ran");
    const after = await workTrees(checkout, genv);
    after.delete(workspace.dir);
    assert.deepEqual(after, before);
    for (const dir of kept) assert.ok(await exists(path.join(dir, "streams/app.yaml")), dir);
    assert.equal(before.get(kept[1] ?? ""), "on a USB disk");
  });
});

describe("work tree lock reasons", () => {
  const cases = [
    { name: "pid and host", owner: { pid: 42, host: "ci-runner-7" } },
    {
      name: "every field",
      owner: { pid: 42, host: "a host", pidns: "4026531836", started: "955723" },
    },
  ];
  for (const c of cases) {
    it(`reads back what it writes: ${c.name}`, () => {
      const reason = formatLockReason(c.owner);
      assert.doesNotMatch(reason, /\n/);
      assert.deepEqual(parseLockReason(reason), {
        pidns: undefined,
        started: undefined,
        ...c.owner,
      });
    });
  }

  for (const reason of [
    "",
    "on a USB disk",
    "added with --lock",
    "initializing",
    "imagestream-gitops work tree: host=h",
    "imagestream-gitops work tree: pid=0 host=h",
    "imagestream-gitops work tree: pid=x host=h",
    "imagestream-gitops work tree: pid=1 host=%E0%A4%A",
  ]) {
    it(`is not ours: ${JSON.stringify(reason)}`, () => {
      assert.equal(parseLockReason(reason), undefined);
    });
  }
});
