/**
 * A lock file this tool's runs take in a checkout's common git directory
 * around their worktree bookkeeping (`worktree add`, `remove`, `prune`,
 * removing what ended runs left). git does not make those safe against one
 * another: `worktree add` reads every other worktree's files and fails on
 * one that another process is halfway through adding or removing
 * ("failed to read .git/worktrees/tree1/commondir"), which two runs started
 * at once (overlapping scheduled jobs) do. It is held for milliseconds; git
 * commands of other tools and of the user do not take it.
 */
import { open, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { runGit, type GitCommandContext } from "./git-command.ts";
import { GitError } from "./git-error.ts";
import { formatLockReason, hasEnded, ownerOf, parseLockReason } from "./work-tree-owner.ts";
import type { RunProcess } from "./workspace.ts";

const lockName = "imagestream-gitops-worktrees.lock";
/** Longer than any bookkeeping takes: a lock this old was left by a run that died holding it. */
const staleAfterMs = 10 * 60_000;
const pollMs = 50;

/** How long to wait for another run's lock before failing. */
export interface LockTiming {
  readonly waitMs: number;
}

/**
 * Runs `fn` holding the lock of the checkout `repo`. Waits while another
 * run holds it; takes over a lock whose run has ended (`run` known) or that
 * is older than any bookkeeping. Rejects with a GitError (GIT) naming the
 * lock file when it stays held past `timing.waitMs`.
 */
export async function withCheckoutLock<T>(
  repo: string,
  run: RunProcess | undefined,
  context: GitCommandContext,
  fn: () => Promise<T>,
  timing: LockTiming = { waitMs: 60_000 },
): Promise<T> {
  const common = (await runGit(repo, ["rev-parse", "--git-common-dir"], context)).trim();
  const file = path.resolve(repo, common, lockName);
  const self = run === undefined ? undefined : await ownerOf(run);
  const content = self === undefined ? "imagestream-gitops\n" : `${formatLockReason(self)}\n`;
  const deadline = Date.now() + timing.waitMs;
  for (;;) {
    if (await tryCreate(file, content)) break;
    if (await isStale(file, self, run)) {
      await rm(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline)
      throw heldTooLong(file, await readFile(file, "utf8").catch(() => ""));
    await sleep(pollMs);
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}

async function tryCreate(file: string, content: string): Promise<boolean> {
  try {
    const handle = await open(file, "wx");
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}

/** Whether the lock's holder has ended, or the lock is older than any holder would keep it. */
async function isStale(
  file: string,
  self: Awaited<ReturnType<typeof ownerOf>> | undefined,
  run: RunProcess | undefined,
): Promise<boolean> {
  let modified: number;
  let text: string;
  try {
    modified = (await stat(file)).mtimeMs;
    text = await readFile(file, "utf8");
  } catch {
    return false; // Gone meanwhile: the next attempt takes it.
  }
  if (Date.now() - modified > staleAfterMs) return true;
  const owner = parseLockReason(text.trim());
  return (
    owner !== undefined && self !== undefined && run !== undefined && hasEnded(owner, self, run)
  );
}

function heldTooLong(file: string, holder: string): GitError {
  const who = parseLockReason(holder.trim());
  const by = who === undefined ? "another run" : `the run of pid ${String(who.pid)} on ${who.host}`;
  return new GitError({
    subcommand: "worktree",
    exitCode: undefined,
    stderr: "",
    message: `${file} is held by ${by}: its worktree bookkeeping takes milliseconds; remove the file if no imagestream-gitops run is going`,
  });
}
