/**
 * The GitHub forge: pull requests over GitHub's REST API (version
 * 2022-11-28) and auto-merge over its GraphQL API, which is the only place
 * GitHub offers it. Works for github.com and GitHub Enterprise Server, whose
 * REST root is `https://<host>/api/v3` and GraphQL root `https://<host>/api/graphql`.
 */
import { Agent, type Dispatcher } from "undici";
import type { Forge, ForgeSettings, MergeMethod, PullRequest, PullRequestDraft } from "./forge.ts";
import { ForgeError } from "./forge.ts";
import { gitHubHeaders, gitHubRepository, graphqlMessages, graphqlRoot } from "./github-api.ts";
import { ForgeHttp, type ForgeRequest, type ForgeResponse } from "./forge-http.ts";

/** What tests and callers may swap in a {@link createGitHubForge}. */
export interface GitHubForgeOptions {
  readonly sleep?: (ms: number) => Promise<void>;
  readonly dispatcher?: Dispatcher;
  readonly now?: () => number;
}

/** GitHub's limit on a pull request body, in characters. */
const maxBodyLength = 65_536;

/**
 * Creates the {@link Forge} of `settings.repository` on the GitHub at
 * `settings.apiUrl`. Constructing it performs no I/O; every method sends
 * HTTP requests with the token as a Bearer credential and rejects with a
 * {@link ForgeError} (FORGE) naming the request and GitHub's message, never the token.
 *
 * @throws ForgeError when `settings.repository` is not `owner/name`.
 */
export function createGitHubForge(
  settings: ForgeSettings,
  options: GitHubForgeOptions = {},
): Forge {
  const { owner, repo } = gitHubRepository(settings);
  const dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 4_000, connections: 4 });
  const headers = gitHubHeaders(settings.token);
  const common = { forge: "github" as const, headers, dispatcher, ...pick(options) };
  const rest_ = new ForgeHttp({ ...common, baseUrl: settings.apiUrl.replace(/\/+$/, "") });
  const graphql = new ForgeHttp({ ...common, baseUrl: graphqlRoot(settings.apiUrl) });
  const close = async (): Promise<void> => {
    if (options.dispatcher === undefined) await dispatcher.close();
  };
  return new GitHubForge(
    rest_,
    graphql,
    `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`,
    owner,
    close,
  );
}

function pick(options: GitHubForgeOptions): Pick<GitHubForgeOptions, "sleep" | "now"> {
  return {
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
}

class GitHubForge implements Forge {
  readonly kind = "github" as const;
  readonly maxBodyLength = maxBodyLength;
  readonly #rest: ForgeHttp;
  readonly #graphql: ForgeHttp;
  readonly #repoPath: string;
  readonly #owner: string;
  readonly close: () => Promise<void>;

  constructor(
    rest: ForgeHttp,
    graphql: ForgeHttp,
    repoPath: string,
    owner: string,
    close: () => Promise<void>,
  ) {
    this.#rest = rest;
    this.#graphql = graphql;
    this.#repoPath = repoPath;
    this.#owner = owner;
    this.close = close;
  }

  async listPullRequests(headBranch: string): Promise<readonly PullRequest[]> {
    const query = {
      state: "all",
      head: `${this.#owner}:${headBranch}`,
      sort: "created",
      direction: "desc",
      per_page: 100,
    };
    const req = { method: "GET", path: `${this.#repoPath}/pulls`, query } as const;
    const res = await this.#rest.send(req);
    if (!Array.isArray(res.json)) throw this.#unexpected(req, res, "a list of pull requests");
    return res.json.map((item: unknown) => this.#pull(req, res, item));
  }

  async createPullRequest(draft: PullRequestDraft): Promise<PullRequest> {
    const body = {
      title: draft.title,
      body: draft.body,
      head: draft.headBranch,
      base: draft.baseBranch,
      maintainer_can_modify: true,
    };
    const req = { method: "POST", path: `${this.#repoPath}/pulls`, body } as const;
    const res = await this.#rest.send(req);
    return this.#pull(req, res, res.json);
  }

  async updatePullRequest(
    number: number,
    change: { readonly title: string; readonly body: string },
  ): Promise<PullRequest> {
    const req = {
      method: "PATCH",
      path: this.#pullPath(number),
      body: { title: change.title, body: change.body },
    } as const;
    const res = await this.#rest.send(req);
    return this.#pull(req, res, res.json);
  }

  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    // GitHub creates labels the repository lacks; an empty list is a 422 (minItems 1).
    if (labels.length === 0) return;
    await this.#rest.send({
      method: "POST",
      path: `${this.#issuePath(number)}/labels`,
      body: { labels },
    });
  }

  async requestReviewers(number: number, reviewers: readonly string[]): Promise<void> {
    if (reviewers.length === 0) return;
    const teams = reviewers
      .filter((r) => r.includes("/"))
      .map((r) => r.slice(r.lastIndexOf("/") + 1));
    const users = reviewers.filter((r) => !r.includes("/"));
    const body = {
      ...(users.length > 0 ? { reviewers: users } : {}),
      ...(teams.length > 0 ? { team_reviewers: teams } : {}),
    };
    await this.#rest.send({
      method: "POST",
      path: `${this.#pullPath(number)}/requested_reviewers`,
      body,
    });
  }

  async addAssignees(number: number, assignees: readonly string[]): Promise<void> {
    if (assignees.length === 0) return;
    await this.#rest.send({
      method: "POST",
      path: `${this.#issuePath(number)}/assignees`,
      body: { assignees },
    });
  }

  async enableAutoMerge(number: number, method: MergeMethod): Promise<void> {
    const getReq = { method: "GET", path: this.#pullPath(number) } as const;
    const got = await this.#rest.send(getReq);
    const nodeId = (got.json as { node_id?: unknown } | undefined)?.node_id;
    if (typeof nodeId !== "string")
      throw this.#unexpected(getReq, got, "a pull request with a node_id");
    const variables = { pullRequestId: nodeId, mergeMethod: method.toUpperCase() };
    const req = {
      method: "POST",
      path: "/graphql",
      body: { query: enableAutoMergeMutation, variables },
    } as const;
    const res = await this.#graphql.send(req);
    const errors = (res.json as { errors?: unknown } | undefined)?.errors;
    if (errors !== undefined) {
      throw new ForgeError(
        "github",
        { method: req.method, url: this.#graphql.url(req) },
        res.status,
        `enablePullRequestAutoMerge: ${graphqlMessages(errors)}`,
      );
    }
  }

  async closePullRequest(number: number): Promise<void> {
    await this.#rest.send({
      method: "PATCH",
      path: this.#pullPath(number),
      body: { state: "closed" },
    });
  }

  async comment(number: number, body: string): Promise<void> {
    await this.#rest.send({
      method: "POST",
      path: `${this.#issuePath(number)}/comments`,
      body: { body },
      repeatable: false,
    });
  }

  #pullPath(number: number): string {
    return `${this.#repoPath}/pulls/${String(number)}`;
  }

  #issuePath(number: number): string {
    return `${this.#repoPath}/issues/${String(number)}`;
  }

  #pull(req: ForgeRequest, res: ForgeResponse, json: unknown): PullRequest {
    const pull = parsePullRequest(json);
    if (pull === undefined) throw this.#unexpected(req, res, "a pull request");
    return pull;
  }

  #unexpected(req: ForgeRequest, res: ForgeResponse, wanted: string): ForgeError {
    return new ForgeError(
      "github",
      { method: req.method, url: this.#rest.url({ path: req.path }) },
      res.status,
      `expected ${wanted} in the response`,
    );
  }
}

/** The mutation; GitHub's REST API has no auto-merge endpoint. */
const enableAutoMergeMutation = `mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
  enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod}) {
    pullRequest { number }
  }
}`;

/**
 * Maps GitHub's pull request JSON (full or simple) to a {@link PullRequest}:
 * merged when `merged_at` is set, `body` "" when null. Pure.
 *
 * @returns undefined when `json` lacks a field the mapping needs.
 */
export function parsePullRequest(json: unknown): PullRequest | undefined {
  const pr = json as GitHubPullJson | null | undefined;
  if (typeof pr !== "object" || pr === null) return undefined;
  const { number, html_url, state, title, body, merged_at, head, base, labels } = pr;
  const fine =
    typeof number === "number" &&
    typeof html_url === "string" &&
    typeof title === "string" &&
    (state === "open" || state === "closed") &&
    typeof head?.ref === "string" &&
    typeof base?.ref === "string" &&
    Array.isArray(labels);
  if (!fine) return undefined;
  return {
    number,
    url: html_url,
    state: merged_at != null ? "merged" : state,
    title,
    body: typeof body === "string" ? body : "",
    headBranch: head.ref,
    baseBranch: base.ref,
    ...(typeof head.sha === "string" ? { headSha: head.sha } : {}),
    labels: (labels as readonly unknown[]).map(labelName).filter((n) => n !== undefined),
  };
}

/** A label's name: GitHub sends label objects, some older payloads bare strings. */
function labelName(label: unknown): string | undefined {
  if (typeof label === "string") return label;
  const name = (label as { readonly name?: unknown } | null)?.name;
  return typeof name === "string" ? name : undefined;
}

/** The fields of GitHub's `pull-request` / `pull-request-simple` schemas the mapping reads. */
interface GitHubPullJson {
  readonly number?: unknown;
  readonly html_url?: unknown;
  readonly state?: unknown;
  readonly title?: unknown;
  readonly body?: unknown;
  readonly merged_at?: unknown;
  readonly head?: { readonly ref?: unknown; readonly sha?: unknown };
  readonly base?: { readonly ref?: unknown };
  readonly labels?: unknown;
}
