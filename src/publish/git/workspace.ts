/**
 * The git side of publishing, as a port: a temporary work tree at the tip
 * of the remote's base branch, where the run loads, plans and writes; then
 * one commit on top of that base and a push with an explicit lease. The
 * user's own checkout is never modified. Implemented with simple-git in
 * git-workspace.ts.
 */

/** A person as git records one. */
export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

/** Where the repository is and how to reach its remote. */
export interface WorkspaceOptions {
  /**
   * A local checkout (a directory: its `remote` is fetched, and a temporary
   * `git worktree` is made from it) or a URL / path of a remote to clone
   * (shallow, the base branch only).
   */
  readonly repo: string;
  /** The remote of a local checkout (default `origin`). */
  readonly remote?: string;
  /** The branch changes are proposed against. */
  readonly base: string;
  /**
   * An HTTP(S) token, sent as `Authorization: Basic base64(user:token)` by
   * `http.extraHeader` for this process's git commands only: never in the
   * remote URL, the argv of a process, the git config on disk or a message.
   */
  readonly token?: string;
  /** The user name of that Basic credential (default `x-access-token`, as GitHub wants it; GitLab: `oauth2`). */
  readonly tokenUser?: string;
  /** The environment git runs with (GIT_* variables the CI sets are honoured, not dropped). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory for the temporary work tree (default the OS's). */
  readonly tmpDir?: string;
  /**
   * The process the run is in. With it, the worktree of a local checkout is
   * locked with a reason naming this process, and worktrees so locked by
   * runs on this host that have ended (killed with SIGKILL, so no cleanup
   * ran) are removed first. Without it, neither happens.
   */
  readonly runProcess?: RunProcess | undefined;
}

/**
 * The run's process as its entry point knows it (only entry points touch the
 * process): its pid, and how to ask whether another pid runs.
 */
export interface RunProcess {
  readonly pid: number;
  /** Sends signal 0 to `pid` as `process.kill` does: throws ESRCH when no such process runs. */
  readonly signalZero: (pid: number) => void;
}

/** A worktree an ended run left in the checkout, removed with its temporary directory. */
export interface LeftoverWorkTree {
  readonly dir: string;
  /** The pid of the run that made it. */
  readonly pid: number;
}

/** A branch as the remote holds it. */
export interface RemoteBranch {
  readonly sha: string;
  /** The tip commit's parents. */
  readonly parents: readonly string[];
  /** The tip commit's full message. */
  readonly message: string;
  readonly author: GitIdentity;
  readonly committer: GitIdentity;
  /** The tip commit's tree. */
  readonly tree: string;
}

/** What to commit. */
export interface CommitRequest {
  readonly message: string;
  readonly author: GitIdentity;
  /** Default: the author. */
  readonly committer?: GitIdentity;
  /**
   * Sign the commit. Default: whatever the user's git configuration says
   * (`commit.gpgsign`, `gpg.format`, `user.signingkey`), as plain git does.
   */
  readonly sign?: boolean;
}

/** The outcome of a push. */
export type PushResult =
  | { readonly pushed: true }
  /** The lease failed: the remote branch is not where the run saw it (someone else pushed). */
  | { readonly pushed: false; readonly reason: "stale-lease"; readonly detail: string };

/**
 * A temporary work tree at `baseSha`, detached. Every method runs git; each
 * rejects with a GitError (GIT) naming the subcommand, its exit code and the
 * tail of its stderr, with credentials removed.
 */
export interface Workspace {
  /** The work tree's root: load, plan and write here. */
  readonly dir: string;
  /** The base branch's tip on the remote, which the work tree is at. */
  readonly baseSha: string;
  /** The remote's URL as shown to people: without credentials. */
  readonly remoteUrl: string;
  /** What opening removed that ended runs had left (see {@link WorkspaceOptions.runProcess}). */
  readonly leftovers: readonly LeftoverWorkTree[];
  /** The branch as the remote holds it now, fetched (tip commit only); undefined when it does not exist. */
  remoteBranch(branch: string): Promise<RemoteBranch | undefined>;
  /**
   * A file's text at commit `sha` (fetched already, as {@link remoteBranch}
   * fetches the tip); undefined when the commit has no such file.
   */
  readFile(sha: string, file: string): Promise<string | undefined>;
  /**
   * Commits every change in the work tree (added, modified, deleted) as one
   * commit on the work tree's HEAD: `baseSha` after opening or {@link reset};
   * returns its sha and tree. Undefined when the work tree has no change.
   */
  commit(request: CommitRequest): Promise<{ sha: string; tree: string } | undefined>;
  /**
   * Pushes `sha` to `refs/heads/<branch>` with
   * `--force-with-lease=refs/heads/<branch>:<expected>` (`expected` undefined:
   * the branch must not exist yet).
   */
  push(branch: string, sha: string, expected: string | undefined): Promise<PushResult>;
  /** Deletes the remote branch with the same lease; a branch already gone is success. */
  deleteBranch(branch: string, expected: string): Promise<PushResult>;
  /** The remote's branches whose names start with `prefix`, sorted. */
  remoteBranches(prefix: string): Promise<string[]>;
  /** Puts the work tree back at `baseSha`, every change and untracked file dropped. */
  reset(): Promise<void>;
  /** Removes the temporary work tree (and clone); safe to call twice. */
  dispose(): Promise<void>;
}
