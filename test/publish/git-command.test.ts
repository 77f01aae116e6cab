/**
 * runGit's one retry rule: a command that fails because another process
 * is halfway through `git worktree add` on the same repository (the new
 * worktree's HEAD still the null object id) is run again. Real git, a real
 * half-made worktree entry as git writes it.
 */
import assert from "node:assert/strict";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { runGit } from "../../src/publish/git/git-command.ts";
import { GitError } from "../../src/publish/git/git-error.ts";
import {
  bareRepo,
  cloneRepo,
  commitAsHuman,
  git,
  gitTestEnv,
  type GitTestEnv,
} from "../support/git-repos.ts";

/** A clone one commit behind its remote, and a worktree entry in it as `worktree add` leaves it at first. */
async function behindWithHalfMadeWorktree(
  genv: GitTestEnv,
): Promise<{ clone: string; entry: string }> {
  const bare = await bareRepo(genv, { "a.txt": "1\n" });
  const other = await cloneRepo(genv, bare);
  await commitAsHuman(other, { "a.txt": "2\n" }, "two", genv.env);
  await git(other, ["push", "-q", "origin", "HEAD:main"], genv.env);
  const clone = await cloneRepo(genv, bare);
  await git(clone, ["reset", "-q", "--hard", "HEAD~1"], genv.env);
  await git(clone, ["update-ref", "refs/remotes/origin/main", "HEAD"], genv.env);
  const entry = path.join(clone, ".git", "worktrees", "tree");
  await mkdir(entry, { recursive: true });
  await writeFile(path.join(entry, "HEAD"), `${"0".repeat(40)}\n`);
  await writeFile(path.join(entry, "commondir"), "../..\n");
  await writeFile(path.join(entry, "gitdir"), `${path.join(genv.root, "elsewhere", ".git")}\n`);
  return { clone, entry };
}

const fetchMain = ["fetch", "--no-tags", "--", "origin", "refs/heads/main"];

describe("runGit and another process's half-made worktree", () => {
  it("runs a fetch again once the other worktree is complete", async (t) => {
    const genv = await gitTestEnv(t);
    const { clone, entry } = await behindWithHalfMadeWorktree(genv);
    // The other process finishes (here: goes away) while the first attempt fails.
    setTimeout(() => void rm(entry, { recursive: true, force: true }), 150);
    await runGit(clone, fetchMain, { env: genv.env, secrets: [] });
    const fetched = await git(clone, ["rev-parse", "FETCH_HEAD"], genv.env);
    const remote = await git(clone, ["ls-remote", "origin", "refs/heads/main"], genv.env);
    assert.equal(fetched.trim(), remote.split("\t")[0]);
  });

  it("gives up with git's words when the worktree stays half-made", async (t) => {
    const genv = await gitTestEnv(t);
    const { clone } = await behindWithHalfMadeWorktree(genv);
    await assert.rejects(
      runGit(clone, fetchMain, { env: genv.env, secrets: [] }),
      (err: unknown) =>
        err instanceof GitError && /bad object worktrees\/tree\/HEAD/.test(err.stderr),
    );
  });
});
