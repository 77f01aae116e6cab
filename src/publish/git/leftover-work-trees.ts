/**
 * Removes from a checkout the worktrees of runs that ended without removing
 * their own (killed with SIGKILL, no handler runs), with their temporary
 * directories. Only worktrees locked with this tool's reason are looked at
 * (a user's own are never touched), and of those only the ones whose run is
 * known to have ended.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { runGit, type GitCommandContext } from "./git-command.ts";
import { removeTempRootOf } from "./temp-root.ts";
import { hasEnded, parseLockReason, type WorkTreeOwner } from "./work-tree-owner.ts";
import type { LeftoverWorkTree, RunProcess } from "./workspace.ts";

/** A worktree as `git worktree list --porcelain` shows it. */
interface ListedWorkTree {
  readonly dir: string;
  /** The lock reason ("" when locked without one); undefined when not locked. */
  readonly locked: string | undefined;
}

/**
 * Removes the worktrees of `repo` that ended runs of this host left, and
 * their temporary directories; resolves with what it removed. `self` is
 * this run. Runs git; one that cannot be removed is skipped, its lock kept
 * for a later run. Rejects with a GitError (GIT) when the list cannot be read.
 */
export async function removeLeftoverWorkTrees(
  repo: string,
  self: WorkTreeOwner,
  run: RunProcess,
  context: GitCommandContext,
): Promise<LeftoverWorkTree[]> {
  const listed = parseWorkTreeList(
    await runGit(repo, ["worktree", "list", "--porcelain"], context),
  );
  const removed: LeftoverWorkTree[] = [];
  for (const { dir, locked } of listed) {
    const owner = locked === undefined ? undefined : parseLockReason(locked);
    if (owner === undefined || !(await hasEnded(owner, self, run))) continue;
    try {
      await removeWorkTree(repo, dir, context);
    } catch {
      continue;
    }
    // What is left of the directory does no harm in the checkout: not a reason to fail the run.
    await removeTempRootOf(dir).catch(() => undefined);
    removed.push({ dir, pid: owner.pid });
  }
  return removed;
}

/**
 * Removes the worktree `dir` from `repo`, with its files, locked or not. Runs
 * git; rejects with a GitError (GIT) when git refuses and the directory is
 * still a worktree.
 */
export async function removeWorkTree(
  repo: string,
  dir: string,
  context: GitCommandContext,
): Promise<void> {
  try {
    // Twice: once for changes in it, once for the lock (git-worktree(1), remove).
    await runGit(repo, ["worktree", "remove", "--force", "--force", "--", dir], context);
  } catch (err) {
    // A run killed inside `worktree add` can leave no .git file, which remove
    // refuses and prune drops once unlocked. With one, the lock stays.
    if (await exists(path.join(dir, ".git"))) throw err;
    await runGit(repo, ["worktree", "unlock", "--", dir], context).catch(() => undefined);
    await runGit(repo, ["worktree", "prune"], context);
  }
}

/** The entries of `git worktree list --porcelain` (git-worktree(1), Porcelain Format). */
export function parseWorkTreeList(porcelain: string): ListedWorkTree[] {
  return porcelain
    .split("\n\n")
    .map((block) => block.split("\n"))
    .flatMap((lines) => {
      const dir = lines.find((line) => line.startsWith("worktree "))?.slice("worktree ".length);
      const lock = lines.find((line) => line === "locked" || line.startsWith("locked "));
      return dir === undefined ? [] : [{ dir, locked: lock?.slice("locked ".length) }];
    });
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
