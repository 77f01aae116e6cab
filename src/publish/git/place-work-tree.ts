/**
 * Makes the temporary work tree a workspace runs in: a detached `git
 * worktree` of a local checkout (its index, branch and files untouched), or
 * a shallow single-branch clone of a remote.
 */
import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { runGit, type GitCommandContext } from "./git-command.ts";
import { GitError, redactGitText, rephraseGitError } from "./git-error.ts";
import { withCheckoutLock } from "./checkout-lock.ts";
import { removeLeftoverWorkTrees, removeWorkTree } from "./leftover-work-trees.ts";
import { formatLockReason, ownerOf } from "./work-tree-owner.ts";
import type { LeftoverWorkTree, RunProcess } from "./workspace.ts";

/** A work tree at the remote base's tip, and how to reach that remote. */
export interface PlacedWorkTree {
  readonly dir: string;
  /** What pushes and fetches name: a remote of the checkout, or the clone's `origin`. */
  readonly remote: string;
  /** The remote's URL without credentials. */
  readonly remoteUrl: string;
  readonly baseSha: string;
  /** Whether fetches must stay shallow: true for the tool's own clone, never in a user's checkout. */
  readonly shallow: boolean;
  /** Undoes what git recorded outside `dir` (the checkout's worktree entry). */
  readonly unregister: () => Promise<void>;
  /** What ended runs had left in the checkout, removed before this one was added. */
  readonly leftovers: readonly LeftoverWorkTree[];
}

/** Where to place it. */
export interface PlaceRequest {
  readonly repo: string;
  readonly remote: string;
  readonly base: string;
  /** Must not exist yet. */
  readonly dir: string;
  /** Locks a checkout's worktree as this process's, and removes ended runs' first. */
  readonly runProcess?: RunProcess | undefined;
}

/**
 * Places the work tree for `request.repo`: a local non-bare checkout gets a
 * worktree, anything else (URL, bare repository) is cloned. Runs git; rejects
 * with a GitError (GIT) when the repo or the base branch cannot be reached.
 */
export async function placeWorkTree(
  request: PlaceRequest,
  context: GitCommandContext,
): Promise<PlacedWorkTree> {
  return (await isCheckout(request.repo, context))
    ? addWorktree(request, context)
    : cloneShallow(request, context);
}

async function isDirectory(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isDirectory();
  } catch {
    return false;
  }
}

async function isCheckout(repo: string, context: GitCommandContext): Promise<boolean> {
  if (!(await isDirectory(repo))) return false;
  try {
    return (await runGit(repo, ["rev-parse", "--is-bare-repository"], context)).trim() === "false";
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    const message = `"${repo}" is neither a git checkout nor a git repository`;
    throw rephraseGitError(err, message, context.secrets);
  }
}

async function addWorktree(
  request: PlaceRequest,
  context: GitCommandContext,
): Promise<PlacedWorkTree> {
  const { repo, remote, base, dir } = request;
  const url = await remoteUrlOf(repo, remote, context);
  // Into a ref of this run's own, not FETCH_HEAD: the checkout's FETCH_HEAD is
  // shared by every fetch in it (another run's started at the same moment,
  // the user's), so reading it back could give someone else's commit. Never
  // --depth in the user's repository: in a shallow checkout (a CI's) it would
  // move the shallow boundary and cut the history it has.
  const fetched = `refs/imagestream-gitops/base/${randomUUID()}`;
  const refspec = `+refs/heads/${base}:${fetched}`;
  // An empty --refmap: the checkout's remote-tracking refs stay as the user left them (and
  // runs at once do not race to update them).
  const fetch = ["fetch", "--no-tags", "--no-write-fetch-head", "--refmap=", "--", remote, refspec];
  await runGit(repo, fetch, context);
  let placed: { baseSha: string; leftovers: LeftoverWorkTree[] };
  try {
    const baseSha = (
      await runGit(repo, ["rev-parse", "--verify", `${fetched}^{commit}`], context)
    ).trim();
    placed = await withCheckoutLock(repo, request.runProcess, context, async () => {
      const { leftovers, lock } = await claimCheckout(request, context);
      // --no-checkout, then reset: `worktree add` would run the checkout's post-checkout hook.
      const add = ["worktree", "add", "--detach", "--no-checkout", ...lock, "--", dir, baseSha];
      await runGit(repo, add, context);
      return { baseSha, leftovers };
    });
  } finally {
    // Once the worktree's HEAD holds the commit, the ref is not needed to keep it.
    await runGit(repo, ["update-ref", "-d", fetched], context).catch(() => undefined);
  }
  const { baseSha, leftovers } = placed;
  const unregister = () =>
    withCheckoutLock(repo, request.runProcess, context, () => removeWorkTree(repo, dir, context));
  try {
    await runGit(dir, ["reset", "--hard", "--quiet", baseSha], context);
  } catch (err) {
    await unregister().catch(() => undefined);
    throw err;
  }
  return {
    dir,
    // git resolves a relative path remote from the current directory, which the
    // work tree is not: name it by its absolute path instead.
    remote: isRelativePath(url) ? path.resolve(repo, url) : remote,
    remoteUrl: redactGitText(url, context.secrets),
    baseSha,
    shallow: false,
    unregister,
    leftovers,
  };
}

/**
 * With the run's process known: removes the worktrees ended runs left in the
 * checkout, and gives the `worktree add` options that lock this run's as its
 * own, so that a later run can tell whether it is still in use.
 */
async function claimCheckout(
  request: PlaceRequest,
  context: GitCommandContext,
): Promise<{ leftovers: LeftoverWorkTree[]; lock: string[] }> {
  const run = request.runProcess;
  if (run === undefined) return { leftovers: [], lock: [] };
  const self = await ownerOf(run);
  const leftovers = await removeLeftoverWorkTrees(request.repo, self, run, context);
  return { leftovers, lock: ["--lock", `--reason=${formatLockReason(self)}`] };
}

/** A remote URL that is a relative file system path: no scheme, no scp-like `host:`, not absolute. */
function isRelativePath(url: string): boolean {
  return !url.includes("://") && !/^[^/]+:/.test(url) && !path.isAbsolute(url);
}

async function remoteUrlOf(
  repo: string,
  remote: string,
  context: GitCommandContext,
): Promise<string> {
  try {
    return (await runGit(repo, ["remote", "get-url", "--", remote], context)).trim();
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    const message = `checkout "${repo}" has no remote "${remote}" to fetch and push`;
    throw rephraseGitError(err, message, context.secrets);
  }
}

async function cloneShallow(
  request: PlaceRequest,
  context: GitCommandContext,
): Promise<PlacedWorkTree> {
  const { repo, base, dir } = request;
  // A plain path would make a local clone, where git ignores --depth.
  const source = (await isDirectory(repo)) ? pathToFileURL(path.resolve(repo)).href : repo;
  const parent = path.dirname(dir);
  await runGit(
    parent,
    ["clone", "--depth=1", `--branch=${base}`, "--single-branch", "--no-tags", "--", source, dir],
    context,
  );
  const baseSha = (await runGit(dir, ["rev-parse", "--verify", "HEAD^{commit}"], context)).trim();
  return {
    dir,
    remote: "origin",
    remoteUrl: redactGitText(repo, context.secrets),
    baseSha,
    shallow: true,
    unregister: () => Promise.resolve(),
    leftovers: [],
  };
}
