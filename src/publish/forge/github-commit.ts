/**
 * Commits through GitHub's Git database REST API instead of `git push`: a
 * commit created there with a GitHub App installation token or
 * `GITHUB_TOKEN`, and no explicit author or committer, is signed by GitHub
 * and shows as "Verified" (docs: "About commit signature verification",
 * signature verification for bots).
 */
import type { ForgeSettings } from "./forge.ts";
import { ForgeError } from "./forge.ts";
import { ForgeHttp, type ForgeRequest, type ForgeResponse } from "./forge-http.ts";
import { isRecord, readAnswer, type ForgeClientOptions } from "./forge-json.ts";
import { gitHubHeaders, gitHubRepositoryPath } from "./github-api.ts";

/** One commit of whole files on top of `baseSha`, written to `branch` under a lease. */
export interface ApiCommitRequest {
  /** The branch name, without `refs/heads/`. */
  readonly branch: string;
  /** The commit the new one is made on; its only parent. */
  readonly baseSha: string;
  /** The sha `branch` must be at for the update to happen; undefined: the branch must not exist. */
  readonly expected: string | undefined;
  /** The commit message, verbatim (trailers included). */
  readonly message: string;
  /** Repository-relative POSIX paths and their new UTF-8 contents; the rest of the base tree is kept. */
  readonly files: readonly { readonly path: string; readonly content: string }[];
}

/** What {@link GitHubCommitter.commitFiles} did: moved the branch to `sha`, or found the lease broken and left it. */
export type ApiCommitResult =
  | { readonly pushed: true; readonly sha: string }
  | { readonly pushed: false; readonly reason: "stale-lease"; readonly detail: string };

/** Commits files through GitHub's Git database API; see {@link createGitHubCommitter}. */
export interface GitHubCommitter {
  commitFiles(req: ApiCommitRequest): Promise<ApiCommitResult>;
  /** Closes the connections (unless the caller passed its own dispatcher). */
  close(): Promise<void>;
}

/**
 * Creates a {@link GitHubCommitter} for `settings.repository` on the GitHub
 * at `settings.apiUrl`. Constructing it performs no I/O.
 *
 * `commitFiles` sends, in order: `git/get-commit` (the base tree),
 * `git/create-tree` (every file as a `100644` blob over the base tree: an
 * executable file it rewrites loses its executable bit), `git/create-commit`
 * (message, tree and the one parent, with no author or committer, which is
 * what makes GitHub sign it), `git/get-ref`, then `git/create-ref` or
 * `git/update-ref` with `force`.
 *
 * The lease is emulated as closely as the REST API allows: the branch is
 * read after the commit is made and left alone unless it is at `expected`
 * (absent when `expected` is undefined). GitHub's REST API has no
 * compare-and-swap on refs, so a push that lands between that read and the
 * forced `PATCH` is overwritten: the window is one round trip, where git's
 * `--force-with-lease` has none. Creating a branch is safe: GitHub refuses to
 * create one that exists ("Reference already exists"), which is reported as
 * a stale lease, as is a branch deleted before the `PATCH` ("Reference does
 * not exist"). A commit left unused by a stale lease is unreachable and
 * GitHub collects it.
 *
 * @throws ForgeError (FORGE, forge "github") when `settings.repository` is
 *   not `owner/name`, and from `commitFiles` when a request fails (see
 *   ForgeHttp.send) or GitHub answers with an unexpected shape; never with the token.
 */
export function createGitHubCommitter(
  settings: ForgeSettings,
  options: ForgeClientOptions = {},
): GitHubCommitter {
  const repoPath = gitHubRepositoryPath(settings);
  const http = new ForgeHttp({
    forge: "github",
    baseUrl: settings.apiUrl.replace(/\/+$/, ""),
    headers: gitHubHeaders(settings.token),
    ...options,
  });
  return {
    commitFiles: (req) => commitFiles(http, repoPath, req),
    close: () => http.close(),
  };
}

async function commitFiles(
  http: ForgeHttp,
  repoPath: string,
  req: ApiCommitRequest,
): Promise<ApiCommitResult> {
  const git = `${repoPath}/git`;
  const baseTree = await readAnswer(
    http,
    "github",
    { method: "GET", path: `${git}/commits/${encodeURIComponent(req.baseSha)}` },
    (json) => shaAt(json, "tree"),
  );
  const tree = req.files.map((f) => ({
    path: f.path,
    mode: "100644",
    type: "blob",
    content: f.content,
  }));
  const treeSha = await readAnswer(
    http,
    "github",
    { method: "POST", path: `${git}/trees`, body: { base_tree: baseTree, tree } },
    (json) => shaAt(json),
  );
  const commitSha = await readAnswer(
    http,
    "github",
    {
      method: "POST",
      path: `${git}/commits`,
      body: { message: req.message, tree: treeSha, parents: [req.baseSha] },
    },
    (json) => shaAt(json),
  );
  return moveBranch(http, git, req, commitSha);
}

/** Points `req.branch` at `sha` if the branch is where `req.expected` says; see createGitHubCommitter. */
async function moveBranch(
  http: ForgeHttp,
  git: string,
  req: ApiCommitRequest,
  sha: string,
): Promise<ApiCommitResult> {
  const current = await readBranch(http, git, req.branch);
  if (current !== req.expected) {
    const at = current ?? "absent";
    return staleLease(
      `branch "${req.branch}" is ${at}, the lease expected ${req.expected ?? "absent"}`,
    );
  }
  const write: ForgeRequest =
    current === undefined
      ? { method: "POST", path: `${git}/refs`, body: { ref: `refs/heads/${req.branch}`, sha } }
      : {
          method: "PATCH",
          path: `${git}/refs/${refSegment(req.branch)}`,
          body: { sha, force: true },
        };
  const res = await http.send({ ...write, ok: [200, 201, 422] });
  if (res.status !== 422) return { pushed: true, sha };
  const message = messageOf(res);
  // Created or deleted by someone else since readBranch: the lease no longer holds.
  if (/^Reference (already exists|does not exist)/i.test(message)) {
    return staleLease(`branch "${req.branch}" changed meanwhile: ${message}`);
  }
  throw refused(http, write, res, message);
}

/** The sha `branch` is at, or undefined when it does not exist (git/get-ref answers 404). */
function readBranch(http: ForgeHttp, git: string, branch: string): Promise<string | undefined> {
  return readAnswer(
    http,
    "github",
    { method: "GET", path: `${git}/ref/${refSegment(branch)}`, ok: [200, 404] },
    (json, res) => (res.status === 404 ? { sha: undefined } : present(shaAt(json, "object"))),
  ).then((found) => found.sha);
}

/** `heads/<branch>` as one path segment, as Octokit sends it: GitHub takes "heads%2Fa%2Fb" for heads/a/b. */
function refSegment(branch: string): string {
  return encodeURIComponent(`heads/${branch}`);
}

function staleLease(detail: string): ApiCommitResult {
  return { pushed: false, reason: "stale-lease", detail };
}

/** The 40-hex `sha` of `json`, or of its `field` object (`tree` of a commit, `object` of a ref). */
function shaAt(json: unknown, field?: string): string | undefined {
  const holder = field === undefined ? json : isRecord(json) ? json[field] : undefined;
  const sha = isRecord(holder) ? holder.sha : undefined;
  return typeof sha === "string" && /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
}

/** Found, as a holder readAnswer can tell from "unexpected shape" (undefined). */
function present(sha: string | undefined): { readonly sha: string | undefined } | undefined {
  return sha === undefined ? undefined : { sha };
}

function messageOf(res: ForgeResponse): string {
  const message = isRecord(res.json) ? res.json.message : undefined;
  return typeof message === "string" ? message.slice(0, 300) : "no message";
}

function refused(
  http: ForgeHttp,
  req: ForgeRequest,
  res: ForgeResponse,
  message: string,
): ForgeError {
  return new ForgeError("github", { method: req.method, url: http.url(req) }, res.status, message, {
    transient: false,
  });
}
