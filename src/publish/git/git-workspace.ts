/**
 * The Workspace port on simple-git: a temporary work tree at the remote
 * base's tip, one commit on it, pushes with an explicit lease.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseCommitObject } from "./commit-object.ts";
import { runGit, type GitCommandContext } from "./git-command.ts";
import {
  buildGitEnvironment,
  defaultTokenUser,
  tokenOrigin,
  tokenSecrets,
  type GitEnvironment,
  type GitToken,
} from "./git-environment.ts";
import { GitError, rephraseGitError } from "./git-error.ts";
import { placeWorkTree, type PlacedWorkTree } from "./place-work-tree.ts";
import { makeTempRoot, tempRootEntries } from "./temp-root.ts";
import type {
  CommitRequest,
  LeftoverWorkTree,
  PushResult,
  RemoteBranch,
  Workspace,
  WorkspaceOptions,
} from "./workspace.ts";

/**
 * Opens a workspace for `options.repo` at the tip of `options.base` on its
 * remote: a detached worktree of a local checkout (fetched from
 * `options.remote`, default origin), or a shallow clone of a URL or bare
 * repository, under a new directory in `options.tmpDir`. With
 * `options.runProcess`, a worktree is locked as this process's and the
 * worktrees ended runs left are removed first. Runs git and writes that
 * directory; rejects with a GitError (GIT) when the remote, the
 * base branch or the checkout's remote is missing.
 */
export async function openWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  const root = await makeTempRoot(options.tmpDir ?? tmpdir());
  try {
    const hooksPath = path.join(root, tempRootEntries.hooks);
    await mkdir(hooksPath);
    const remote = options.remote ?? "origin";
    const plain = { env: buildGitEnvironment(options.env, undefined, { hooksPath }), secrets: [] };
    const scoped = await scopedToken(options, remote, plain);
    const token = scoped?.token;
    const context: GitCommandContext = {
      env: buildGitEnvironment(options.env, token, {
        hooksPath,
        ...(scoped === undefined ? {} : { tokenOrigin: scoped.origin }),
      }),
      secrets: tokenSecrets(token),
    };
    await checkBranchName(root, options.base, context);
    const request = {
      repo: options.repo,
      remote,
      base: options.base,
      dir: path.join(root, tempRootEntries.tree),
      runProcess: options.runProcess,
    };
    return new GitWorkspace(root, await placeWorkTree(request, context), context);
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The token and the one origin it may go to: the URL's, or the checkout
 * remote's; none for ssh and file remotes.
 *
 * @throws GitError (GIT) for plain http to a host other than loopback.
 */
async function scopedToken(
  options: WorkspaceOptions,
  remote: string,
  plain: GitCommandContext,
): Promise<{ token: GitToken; origin: string } | undefined> {
  if (options.token === undefined) return undefined;
  const token = { token: options.token, user: options.tokenUser ?? defaultTokenUser };
  // After the config's insteadOf rewrites: the origin git really connects to.
  const isUrl = options.repo.includes("://");
  let url: string;
  try {
    const cwd = isUrl ? (options.tmpDir ?? tmpdir()) : options.repo;
    const name = isUrl ? options.repo : remote;
    url = (await runGit(cwd, ["ls-remote", "--get-url", "--", name], plain)).trim();
  } catch {
    return undefined;
  }
  const origin = tokenOrigin(url);
  if (origin === "refused") {
    const message = `refusing to send a token over plain http to ${new URL(url).host}: use https`;
    throw new GitError({ subcommand: "remote", exitCode: undefined, stderr: "", message });
  }
  return origin === undefined ? undefined : { token, origin: origin.origin };
}

/** Rejects names git would refuse, and those that would change a refspec (`a:b`, `+a`). */
async function checkBranchName(
  cwd: string,
  branch: string,
  context: GitCommandContext,
): Promise<void> {
  try {
    await runGit(cwd, ["check-ref-format", `refs/heads/${branch}`], context);
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    throw new GitError(
      {
        subcommand: "check-ref-format",
        exitCode: err.exitCode,
        stderr: err.stderr,
        message: `invalid branch name "${branch}"`,
      },
      context.secrets,
    );
  }
}

function checkObjectName(name: string, context: GitCommandContext): void {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(name)) {
    throw new GitError(
      {
        subcommand: "push",
        exitCode: undefined,
        stderr: "",
        message: `invalid commit sha "${name}"`,
      },
      context.secrets,
    );
  }
}

/** `git push` refused by the lease: the line saying so, or undefined for any other failure. */
function staleLeaseLine(err: unknown): string | undefined {
  if (!(err instanceof GitError)) return undefined;
  // The client's check ([rejected] stale info), or the remote's own
  // compare-and-swap when another push landed between the ref advertisement
  // and the update (two runs at once): "cannot lock ref ...: reference already
  // exists" or "... is at X but expected Y".
  const line = err.stderr
    .split("\n")
    .find(
      (text) =>
        /\[rejected\].*\((stale info|fetch first)\)/.test(text) ||
        /cannot lock ref '[^']+': (reference already exists|is at [0-9a-f]+ but expected|reference is missing)/.test(
          text,
        ),
    );
  return line?.replace(/^remote:\s*/, "").trim();
}

class GitWorkspace implements Workspace {
  readonly dir: string;
  readonly baseSha: string;
  readonly remoteUrl: string;
  readonly leftovers: readonly LeftoverWorkTree[];
  readonly #root: string;
  readonly #place: PlacedWorkTree;
  readonly #context: GitCommandContext;
  #disposed = false;

  constructor(root: string, place: PlacedWorkTree, context: GitCommandContext) {
    this.dir = place.dir;
    this.baseSha = place.baseSha;
    this.remoteUrl = place.remoteUrl;
    this.leftovers = place.leftovers;
    this.#root = root;
    this.#place = place;
    this.#context = context;
  }

  #git(args: readonly string[], extraEnv?: GitEnvironment): Promise<string> {
    return runGit(this.dir, args, this.#context, extraEnv);
  }

  async remoteBranch(branch: string): Promise<RemoteBranch | undefined> {
    await checkBranchName(this.dir, branch, this.#context);
    const ref = `refs/heads/${branch}`;
    if ((await this.#lsRemote(ref)) === undefined) return undefined;
    // Parents are read from the tip's own object, so one commit is enough.
    const depth = this.#place.shallow ? ["--depth=1"] : [];
    await this.#git(["fetch", "--no-tags", ...depth, "--", this.#place.remote, ref]);
    const sha = (await this.#git(["rev-parse", "--verify", "FETCH_HEAD^{commit}"])).trim();
    return parseCommitObject(sha, await this.#git(["cat-file", "commit", sha]));
  }

  async readFile(sha: string, file: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{40,64}$/.test(sha))
      throw new GitError({
        subcommand: "show",
        exitCode: undefined,
        stderr: "",
        message: `invalid commit sha "${sha}"`,
      });
    try {
      // cat-file blob keeps the bytes as committed (no textconv, no CRLF conversion).
      return await this.#git(["cat-file", "blob", `${sha}:${file}`]);
    } catch (err) {
      if (err instanceof GitError && err.exitCode === 128) return undefined;
      throw err;
    }
  }

  /** The remote's sha for `ref`, or undefined when it has none. */
  async #lsRemote(ref: string): Promise<string | undefined> {
    try {
      const out = await this.#git(["ls-remote", "--exit-code", "--", this.#place.remote, ref]);
      const line = out.split("\n").find((text) => text.endsWith(`\t${ref}`));
      return line?.split("\t")[0];
    } catch (err) {
      // --exit-code: 2 means the remote has no such ref.
      if (err instanceof GitError && err.exitCode === 2) return undefined;
      throw err;
    }
  }

  async remoteBranches(prefix: string): Promise<string[]> {
    const pattern = `refs/heads/${prefix}*`;
    const out = await this.#git(["ls-remote", "--heads", "--", this.#place.remote, pattern]);
    return out
      .split("\n")
      .map((line) => line.split("\t")[1] ?? "")
      .filter((ref) => ref.startsWith("refs/heads/"))
      .map((ref) => ref.slice("refs/heads/".length))
      .sort();
  }

  async reset(): Promise<void> {
    await this.#git(["reset", "--quiet", "--hard", this.baseSha]);
    await this.#git(["clean", "--quiet", "-d", "--force"]);
  }

  async commit(request: CommitRequest): Promise<{ sha: string; tree: string } | undefined> {
    await this.#git(["add", "--all"]);
    if ((await this.#git(["diff", "--cached", "--name-only", "-z"])) === "") return undefined;
    const messageFile = path.join(this.#root, tempRootEntries.message);
    await writeFile(messageFile, request.message);
    const committer = request.committer ?? request.author;
    const sign =
      request.sign === undefined ? [] : request.sign ? ["--gpg-sign"] : ["--no-gpg-sign"];
    // --no-verify: the checkout's own hooks are for its developers, not for this commit.
    await this.#git(
      ["commit", "--quiet", "--no-verify", "--cleanup=verbatim", `--file=${messageFile}`, ...sign],
      {
        GIT_AUTHOR_NAME: request.author.name,
        GIT_AUTHOR_EMAIL: request.author.email,
        GIT_COMMITTER_NAME: committer.name,
        GIT_COMMITTER_EMAIL: committer.email,
      },
    );
    const sha = (await this.#git(["rev-parse", "--verify", "HEAD"])).trim();
    const tree = (await this.#git(["rev-parse", "--verify", "HEAD^{tree}"])).trim();
    return { sha, tree };
  }

  async push(branch: string, sha: string, expected: string | undefined): Promise<PushResult> {
    await checkBranchName(this.dir, branch, this.#context);
    checkObjectName(sha, this.#context);
    if (expected !== undefined) checkObjectName(expected, this.#context);
    return this.#pushWithLease(branch, expected ?? "", `${sha}:refs/heads/${branch}`, "pushing");
  }

  async deleteBranch(branch: string, expected: string): Promise<PushResult> {
    await checkBranchName(this.dir, branch, this.#context);
    checkObjectName(expected, this.#context);
    const ref = `refs/heads/${branch}`;
    try {
      const result = await this.#pushWithLease(branch, expected, `:${ref}`, "deleting");
      if (result.pushed || (await this.#lsRemote(ref)) !== undefined) return result;
    } catch (err) {
      if ((await this.#lsRemote(ref)) !== undefined) throw err;
    }
    return { pushed: true };
  }

  /**
   * Always an explicit lease: a bare one needs a remote-tracking ref a
   * shallow clone lacks. Any other failure names the branch and the remote
   * (git's own words name neither when the connection failed).
   */
  async #pushWithLease(
    branch: string,
    expected: string,
    refspec: string,
    doing: "pushing" | "deleting",
  ): Promise<PushResult> {
    const lease = `--force-with-lease=refs/heads/${branch}:${expected}`;
    try {
      await this.#git(["push", "--quiet", "--no-verify", lease, "--", this.#place.remote, refspec]);
      return { pushed: true };
    } catch (err) {
      const detail = staleLeaseLine(err);
      if (detail !== undefined) return { pushed: false, reason: "stale-lease", detail };
      if (!(err instanceof GitError)) throw err;
      const where = `${doing} branch ${branch} on ${this.#place.remoteUrl}`;
      throw rephraseGitError(err, `${where}: ${err.message}`, this.#context.secrets);
    }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#place.unregister().catch(() => undefined);
    await rm(this.#root, { recursive: true, force: true });
  }
}
