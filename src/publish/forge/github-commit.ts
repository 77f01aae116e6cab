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
import {
  gitHubHeaders,
  gitHubRepository,
  gitHubRepositoryPath,
  graphqlMessages,
  graphqlRoot,
} from "./github-api.ts";

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
 * what makes GitHub sign it), then, through GraphQL, the repository's node
 * id (once per committer) and `updateRefs`.
 *
 * The lease is a compare-and-swap: `updateRefs` moves the branch only if it
 * is still at `expected` (`beforeOid`; forty zeros: must not exist), all in
 * one request, as git's `--force-with-lease` does. GitHub's REST ref update
 * has no such condition (a push landing between reading the ref and a
 * forced `PATCH` would be overwritten), which is why it is not used. When
 * `updateRefs` refuses, the branch is read to tell a broken lease (reported,
 * nothing written) from any other refusal (thrown). A commit left unused by
 * a broken lease is unreachable and GitHub collects it.
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
  const { owner, repo } = gitHubRepository(settings);
  const common = { forge: "github" as const, headers: gitHubHeaders(settings.token), ...options };
  const rest = new ForgeHttp({ ...common, baseUrl: settings.apiUrl.replace(/\/+$/, "") });
  const graphql = new ForgeHttp({ ...common, baseUrl: graphqlRoot(settings.apiUrl) });
  let id: Promise<string> | undefined;
  const http: Http = {
    rest,
    graphql,
    repositoryId: () => (id ??= readRepositoryId(graphql, owner, repo)),
  };
  return {
    commitFiles: (req) => commitFiles(http, repoPath, req),
    close: async () => {
      await Promise.all([rest.close(), graphql.close()]);
    },
  };
}

/** The committer's two endpoints, and the repository id it reads once. */
interface Http {
  readonly rest: ForgeHttp;
  readonly graphql: ForgeHttp;
  readonly repositoryId: () => Promise<string>;
}

async function commitFiles(
  http: Http,
  repoPath: string,
  req: ApiCommitRequest,
): Promise<ApiCommitResult> {
  const git = `${repoPath}/git`;
  const rest = http.rest;
  const baseTree = await readAnswer(
    rest,
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
    rest,
    "github",
    { method: "POST", path: `${git}/trees`, body: { base_tree: baseTree, tree } },
    (json) => shaAt(json),
  );
  const commitSha = await readAnswer(
    rest,
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
  http: Http,
  git: string,
  req: ApiCommitRequest,
  sha: string,
): Promise<ApiCommitResult> {
  const update = {
    name: `refs/heads/${req.branch}`,
    afterOid: sha,
    beforeOid: req.expected ?? noObject,
    force: true,
  };
  const variables = { repositoryId: await http.repositoryId(), refUpdates: [update] };
  const call = {
    method: "POST",
    path: "/graphql",
    body: { query: updateRefs, variables },
  } as const;
  const res = await http.graphql.send(call);
  const errors = isRecord(res.json) ? res.json.errors : undefined;
  if (errors === undefined) return { pushed: true, sha };
  const current = await readBranch(http.rest, git, req.branch);
  if (current !== req.expected) {
    const at = current ?? "absent";
    return staleLease(
      `branch "${req.branch}" is ${at}, the lease expected ${req.expected ?? "absent"}`,
    );
  }
  throw refused(http.graphql, call, res, `updateRefs: ${graphqlMessages(errors)}`);
}

/** `RefUpdate.beforeOid` for a ref that must not exist. */
const noObject = "0".repeat(40);

const updateRefs = `mutation($repositoryId: ID!, $refUpdates: [RefUpdate!]!) {
  updateRefs(input: {repositoryId: $repositoryId, refUpdates: $refUpdates}) {
    clientMutationId
  }
}`;

const repositoryIdQuery = `query($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    id
  }
}`;

/** The repository's GraphQL node id, which `updateRefs` takes. */
async function readRepositoryId(graphql: ForgeHttp, owner: string, name: string): Promise<string> {
  const call = {
    method: "POST",
    path: "/graphql",
    body: { query: repositoryIdQuery, variables: { owner, name } },
  } as const;
  const res = await graphql.send(call);
  const data = isRecord(res.json) ? res.json.data : undefined;
  const repository = isRecord(data) ? data.repository : undefined;
  const id = isRecord(repository) ? repository.id : undefined;
  if (typeof id === "string" && id !== "") return id;
  const errors = isRecord(res.json) ? res.json.errors : undefined;
  const why = errors === undefined ? "no repository id in the answer" : graphqlMessages(errors);
  throw refused(graphql, call, res, `repository ${owner}/${name}: ${why}`);
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
