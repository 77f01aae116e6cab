/**
 * A stateful Gitea/Forgejo API (/api/v1) for forge tests, typed from the
 * swagger description Gitea serves at /api/swagger (v1.22; Forgejo's is
 * the same for these operations): repoListPullRequests, repoCreatePullRequest,
 * repoGetPullRequest, repoEditPullRequest, repoMergePullRequest
 * (MergePullRequestOption with `merge_when_checks_succeed`),
 * repoCreatePullReviewRequests, issueGetIssue, issueEditIssue,
 * issueAddLabel, issueCreateComment, issueListLabels, issueCreateLabel and
 * orgListLabels. The head sha comes from a real bare repository; errors
 * have Gitea's `{"message", "url"}` shape: 404 for a missing head branch,
 * 409 "pull request already exists for these targets", 422 for unknown users.
 */
import type { TestContext } from "node:test";
import {
  startForgeApiServer,
  type ApiResponse,
  type ApiRoute,
  type FieldSpecs,
  type ForgeApiServer,
} from "./forge-api-server.ts";
import { readBranchSha } from "./forge-git-repo.ts";

/** A label: `id` and `name` are what the API works by. */
export interface GiteaLabelRecord {
  readonly id: number;
  readonly name: string;
  readonly color: string;
}

/** A pull request as the server keeps it (tests may change `state` and `merged`). */
export interface GiteaPullRecord {
  readonly number: number;
  title: string;
  body: string;
  readonly head: string;
  readonly base: string;
  /** `owner/name` of the head repository: this one unless a test adds a fork's. */
  readonly headRepo: string;
  state: "open" | "closed";
  merged: boolean;
  labelIds: number[];
  assignees: string[];
  reviewers: string[];
  /** The merge scheduled with `merge_when_checks_succeed`. */
  autoMerge?: string;
  readonly comments: string[];
}

/** Options of {@link startGiteaServer}. */
export interface GiteaServerOptions {
  readonly gitDir: string;
  /** `owner/name`. */
  readonly repository: string;
  readonly token: string;
  readonly users?: readonly string[];
  readonly labels?: readonly string[];
  /** Labels of the owner organization; undefined: the owner is a user (404). */
  readonly orgLabels?: readonly string[];
  /** `[api] MAX_RESPONSE_ITEMS` (default 50). */
  readonly maxResponseItems?: number;
}

/** A running Gitea API. */
export interface GiteaServer extends ForgeApiServer {
  /** `URL/api/v1`. */
  readonly apiUrl: string;
  readonly pulls: GiteaPullRecord[];
  readonly labels: GiteaLabelRecord[];
  readonly orgLabels: GiteaLabelRecord[];
  /** Adds a pull request as if made by the API (for forks and history). */
  addPull(
    pull: Pick<GiteaPullRecord, "head" | "base" | "title"> & Partial<GiteaPullRecord>,
  ): GiteaPullRecord;
}

interface GiteaState {
  readonly options: GiteaServerOptions;
  readonly pulls: GiteaPullRecord[];
  readonly labels: GiteaLabelRecord[];
  readonly orgLabels: GiteaLabelRecord[];
  nextLabelId: number;
  origin: string;
}

/** Starts a Gitea API on 127.0.0.1:0 for `options.repository`; it stops when the test ends. */
export async function startGiteaServer(
  t: TestContext,
  options: GiteaServerOptions,
): Promise<GiteaServer> {
  const state: GiteaState = {
    options,
    pulls: [],
    labels: [],
    orgLabels: [],
    nextLabelId: 1,
    origin: "",
  };
  for (const name of options.labels ?? []) state.labels.push(newLabel(state, name, "#ee0701"));
  for (const name of options.orgLabels ?? [])
    state.orgLabels.push(newLabel(state, name, "#0075ca"));
  const server = await startForgeApiServer(t, {
    prefix: "/api/v1",
    routes: giteaRoutes(state),
    authorize: (headers) => headers.authorization === `token ${options.token}`,
    unauthorized: { status: 401, json: { message: "token is required", url: "" } },
    error: (status, message) => giteaError(state, status, message),
  });
  state.origin = server.url;
  return Object.assign(server, {
    apiUrl: `${server.url}/api/v1`,
    pulls: state.pulls,
    labels: state.labels,
    orgLabels: state.orgLabels,
    addPull: (pull: Pick<GiteaPullRecord, "head" | "base" | "title"> & Partial<GiteaPullRecord>) =>
      addPull(state, pull),
  });
}

function giteaError(state: GiteaState, status: number, message: string): ApiResponse {
  return { status, json: { message, url: `${state.origin}/api/swagger` } };
}

function newLabel(state: GiteaState, name: string, color: string): GiteaLabelRecord {
  return { id: state.nextLabelId++, name, color };
}

function addPull(
  state: GiteaState,
  pull: Pick<GiteaPullRecord, "head" | "base" | "title"> & Partial<GiteaPullRecord>,
): GiteaPullRecord {
  const record: GiteaPullRecord = {
    number: state.pulls.length + 1,
    body: "",
    headRepo: state.options.repository,
    state: "open",
    merged: false,
    labelIds: [],
    assignees: [],
    reviewers: [],
    comments: [],
    ...pull,
  };
  state.pulls.push(record);
  return record;
}

const page: FieldSpecs = { page: { type: "integer" }, limit: { type: "integer" } };

const listQuery: FieldSpecs = {
  ...page,
  state: { type: "string", values: ["open", "closed", "all"] },
  sort: {
    type: "string",
    values: ["oldest", "recentupdate", "leastupdate", "mostcomment", "leastcomment", "priority"],
  },
  milestone: { type: "integer" },
  labels: { type: "integer" },
  poster: { type: "string" },
};

const createBody: FieldSpecs = {
  head: { type: "string", required: true },
  base: { type: "string", required: true },
  title: { type: "string", required: true },
  body: { type: "string" },
  assignee: { type: "string" },
  assignees: { type: "string[]" },
  labels: { type: "integer[]" },
  milestone: { type: "integer" },
  due_date: { type: "string" },
  reviewers: { type: "string[]" },
  team_reviewers: { type: "string[]" },
};

const editPullBody: FieldSpecs = {
  title: { type: "string" },
  body: { type: "string" },
  base: { type: "string" },
  assignee: { type: "string" },
  assignees: { type: "string[]" },
  labels: { type: "integer[]" },
  milestone: { type: "integer" },
  state: { type: "string", values: ["open", "closed"] },
  due_date: { type: "string" },
  unset_due_date: { type: "boolean" },
  allow_maintainer_edit: { type: "boolean" },
};

const editIssueBody: FieldSpecs = {
  title: { type: "string" },
  body: { type: "string" },
  ref: { type: "string" },
  assignee: { type: "string" },
  assignees: { type: "string[]" },
  milestone: { type: "integer" },
  state: { type: "string", values: ["open", "closed"] },
  due_date: { type: "string" },
  unset_due_date: { type: "boolean" },
};

const mergeBody: FieldSpecs = {
  Do: {
    type: "string",
    required: true,
    values: ["merge", "rebase", "rebase-merge", "squash", "fast-forward-only", "manually-merged"],
  },
  MergeTitleField: { type: "string" },
  MergeMessageField: { type: "string" },
  MergeCommitID: { type: "string" },
  delete_branch_after_merge: { type: "boolean" },
  force_merge: { type: "boolean" },
  head_commit_id: { type: "string" },
  merge_when_checks_succeed: { type: "boolean" },
};

const labelBody: FieldSpecs = {
  name: { type: "string", required: true },
  color: { type: "string", required: true },
  description: { type: "string" },
  exclusive: { type: "boolean" },
  is_archived: { type: "boolean" },
};

function giteaRoutes(state: GiteaState): readonly ApiRoute[] {
  const repo = "/repos/:owner/:repo";
  const pull = `${repo}/pulls/:index`;
  const issue = `${repo}/issues/:index`;
  const reviewBody: FieldSpecs = {
    reviewers: { type: "string[]" },
    team_reviewers: { type: "string[]" },
  };
  const r = (route: ApiRoute): ApiRoute => ({
    ...route,
    handle: (req) => inRepo(state, req, route),
  });
  return [
    r({
      method: "GET",
      path: `${repo}/pulls`,
      query: listQuery,
      handle: (q) => listPulls(state, q),
    }),
    r({
      method: "POST",
      path: `${repo}/pulls`,
      body: createBody,
      handle: (q) => createPull(state, q),
    }),
    r({ method: "GET", path: pull, handle: (q) => withPull(state, q, (p) => pullOk(state, p)) }),
    r({ method: "PATCH", path: pull, body: editPullBody, handle: (q) => editPull(state, q) }),
    r({
      method: "POST",
      path: `${pull}/merge`,
      body: mergeBody,
      handle: (q) => mergePull(state, q),
    }),
    r({
      method: "POST",
      path: `${pull}/requested_reviewers`,
      body: reviewBody,
      handle: (q) => requestReviews(state, q),
    }),
    r({ method: "GET", path: issue, handle: (q) => withPull(state, q, (p) => issueOk(state, p)) }),
    r({ method: "PATCH", path: issue, body: editIssueBody, handle: (q) => editIssue(state, q) }),
    r({
      method: "POST",
      path: `${issue}/labels`,
      body: { labels: { type: "integer[]", required: true } },
      handle: (q) => addLabels(state, q),
    }),
    r({
      method: "POST",
      path: `${issue}/comments`,
      body: { body: { type: "string", required: true } },
      handle: (q) => addComment(state, q),
    }),
    r({
      method: "GET",
      path: `${repo}/labels`,
      query: page,
      handle: (q) => listLabels(state, state.labels, q),
    }),
    r({
      method: "POST",
      path: `${repo}/labels`,
      body: labelBody,
      handle: (q) => createLabel(state, q),
    }),
    {
      method: "GET",
      path: "/orgs/:org/labels",
      query: page,
      handle: (q) => listOrgLabels(state, q),
    },
  ];
}

type Request = Parameters<ApiRoute["handle"]>[0];

function inRepo(
  state: GiteaState,
  req: Request,
  route: ApiRoute,
): ApiResponse | Promise<ApiResponse> {
  if (`${req.params.owner ?? ""}/${req.params.repo ?? ""}` !== state.options.repository) {
    return giteaError(state, 404, "The target couldn't be found.");
  }
  return route.handle(req);
}

function withPull(
  state: GiteaState,
  req: Request,
  then: (pull: GiteaPullRecord) => ApiResponse | Promise<ApiResponse>,
): ApiResponse | Promise<ApiResponse> {
  const pull = state.pulls.find((p) => String(p.number) === req.params.index);
  return pull === undefined ? giteaError(state, 404, "The target couldn't be found.") : then(pull);
}

/** One page, capped at MAX_RESPONSE_ITEMS, with X-Total-Count as Gitea sends it. */
function paged<T>(
  items: readonly T[],
  req: Request,
  max: number,
): { items: readonly T[]; total: string } {
  const limit = Math.min(Number(req.query.get("limit") ?? max), max);
  const start = (Number(req.query.get("page") ?? 1) - 1) * limit;
  return { items: items.slice(start, start + limit), total: String(items.length) };
}

async function listPulls(state: GiteaState, req: Request): Promise<ApiResponse> {
  const wanted = req.query.get("state") ?? "open";
  const sorted = state.pulls
    .filter((p) => wanted === "all" || p.state === wanted)
    .sort((a, b) =>
      req.query.get("sort") === "oldest" ? a.number - b.number : b.number - a.number,
    );
  const { items, total } = paged(sorted, req, state.options.maxResponseItems ?? 50);
  const json = await Promise.all(items.map((p) => formatPull(state, p)));
  return { status: 200, json, headers: { "x-total-count": total } };
}

async function createPull(state: GiteaState, req: Request): Promise<ApiResponse> {
  const { head = "", base = "" } = req.body as Readonly<Record<string, string>>;
  for (const branch of [head, base]) {
    if ((await readBranchSha(state.options.gitDir, branch)) === undefined) {
      return giteaError(state, 404, "The target couldn't be found.");
    }
  }
  if (head === base)
    return giteaError(state, 422, "Invalid PullRequestRequest: head and base are the same");
  const open = state.pulls.find(
    (p) =>
      p.state === "open" &&
      p.headRepo === state.options.repository &&
      p.head === head &&
      p.base === base,
  );
  if (open !== undefined) {
    const detail = `[id: ${open.number}, issue_id: ${open.number}, head_repo_id: 1, base_repo_id: 1, head_branch: ${head}, base_branch: ${base}]`;
    return giteaError(state, 409, `pull request already exists for these targets ${detail}`);
  }
  const body = req.body;
  const pull = addPull(state, {
    head,
    base,
    title: String(body.title),
    body: typeof body.body === "string" ? body.body : "",
  });
  return pullOk(state, pull, 201);
}

function editPull(state: GiteaState, req: Request): ApiResponse | Promise<ApiResponse> {
  return withPull(state, req, (pull) => {
    const body = req.body;
    if (typeof body.title === "string") pull.title = body.title;
    if (typeof body.body === "string") pull.body = body.body;
    if ((body.state === "closed" || body.state === "open") && !pull.merged) pull.state = body.state;
    return pullOk(state, pull, 201);
  });
}

function mergePull(state: GiteaState, req: Request): ApiResponse | Promise<ApiResponse> {
  return withPull(state, req, (pull) => {
    if (pull.merged) return giteaError(state, 405, "The PR is already merged");
    if (pull.state === "closed") return giteaError(state, 405, "Please try again later");
    const how = String(req.body.Do);
    // No status checks ever pass here, so a scheduled merge stays scheduled (201, empty body).
    if (req.body.merge_when_checks_succeed === true) {
      pull.autoMerge = how;
      return { status: 201 };
    }
    pull.merged = true;
    pull.state = "closed";
    return { status: 200 };
  });
}

function requestReviews(state: GiteaState, req: Request): ApiResponse | Promise<ApiResponse> {
  return withPull(state, req, (pull) => {
    const reviewers = (req.body.reviewers as string[] | undefined) ?? [];
    const unknown = unknownUser(state, reviewers);
    if (unknown !== undefined) return unknown;
    pull.reviewers = [...new Set([...pull.reviewers, ...reviewers])];
    const json = reviewers.map((login, i) => ({
      id: 900 + i,
      user: formatUser(state, login),
      state: "REQUEST_REVIEW",
      html_url: `${htmlUrl(state, pull)}#issuecomment-${900 + i}`,
    }));
    return { status: 201, json };
  });
}

function editIssue(state: GiteaState, req: Request): ApiResponse | Promise<ApiResponse> {
  return withPull(state, req, (pull) => {
    const assignees = req.body.assignees as string[] | undefined;
    if (assignees !== undefined) {
      const unknown = unknownUser(state, assignees);
      if (unknown !== undefined) return unknown;
      pull.assignees = [...assignees];
    }
    if (typeof req.body.title === "string") pull.title = req.body.title;
    if (typeof req.body.body === "string") pull.body = req.body.body;
    return issueOk(state, pull, 201);
  });
}

function unknownUser(state: GiteaState, logins: readonly string[]): ApiResponse | undefined {
  const missing = logins.find((login) => !(state.options.users ?? []).includes(login));
  return missing === undefined
    ? undefined
    : giteaError(state, 422, `user does not exist [uid: 0, name: ${missing}]`);
}

function addLabels(state: GiteaState, req: Request): ApiResponse | Promise<ApiResponse> {
  return withPull(state, req, (pull) => {
    const ids = req.body.labels as number[];
    const all = [...state.labels, ...state.orgLabels];
    const missing = ids.find((id) => !all.some((label) => label.id === id));
    if (missing !== undefined)
      return giteaError(state, 422, `label does not exist [label_id: ${missing}]`);
    pull.labelIds = [...new Set([...pull.labelIds, ...ids])];
    return { status: 200, json: labelsOf(state, pull).map((label) => formatLabel(state, label)) };
  });
}

function addComment(state: GiteaState, req: Request): ApiResponse | Promise<ApiResponse> {
  return withPull(state, req, (pull) => {
    const body = String(req.body.body);
    pull.comments.push(body);
    const id = 700 + pull.comments.length;
    const json = {
      id,
      body,
      user: formatUser(state, state.options.users?.[0] ?? "bot"),
      html_url: `${htmlUrl(state, pull)}#issuecomment-${id}`,
      issue_url: `${state.origin}/${state.options.repository}/issues/${pull.number}`,
      pull_request_url: htmlUrl(state, pull),
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    };
    return { status: 201, json };
  });
}

function listLabels(
  state: GiteaState,
  labels: readonly GiteaLabelRecord[],
  req: Request,
): ApiResponse {
  const { items, total } = paged(labels, req, state.options.maxResponseItems ?? 50);
  const json = items.map((label) => formatLabel(state, label));
  return { status: 200, json, headers: { "x-total-count": total } };
}

function listOrgLabels(state: GiteaState, req: Request): ApiResponse {
  const owner = state.options.repository.split("/")[0];
  if (state.options.orgLabels === undefined || req.params.org !== owner) {
    return giteaError(state, 404, "GetOrgByName");
  }
  return listLabels(state, state.orgLabels, req);
}

function createLabel(state: GiteaState, req: Request): ApiResponse {
  const color = String(req.body.color);
  if (!/^#?[0-9a-fA-F]{6}$/.test(color)) return giteaError(state, 422, "Color: Invalid color");
  const label = newLabel(state, String(req.body.name), color.startsWith("#") ? color : `#${color}`);
  state.labels.push(label);
  return { status: 201, json: formatLabel(state, label) };
}

function labelsOf(state: GiteaState, pull: GiteaPullRecord): readonly GiteaLabelRecord[] {
  return [...state.labels, ...state.orgLabels].filter((label) => pull.labelIds.includes(label.id));
}

function formatLabel(
  state: GiteaState,
  label: GiteaLabelRecord,
): Readonly<Record<string, unknown>> {
  return {
    id: label.id,
    name: label.name,
    exclusive: false,
    is_archived: false,
    color: label.color.replace(/^#/, ""),
    description: "",
    url: `${state.origin}/api/v1/repos/${state.options.repository}/labels/${label.id}`,
  };
}

function formatUser(state: GiteaState, login: string): Readonly<Record<string, unknown>> {
  const id = 100 + Math.max(0, (state.options.users ?? []).indexOf(login));
  return {
    id,
    login,
    login_name: "",
    full_name: login,
    username: login,
    email: `${login}@example.com`,
  };
}

function htmlUrl(state: GiteaState, pull: GiteaPullRecord): string {
  return `${state.origin}/${state.options.repository}/pulls/${pull.number}`;
}

async function pullOk(
  state: GiteaState,
  pull: GiteaPullRecord,
  status = 200,
): Promise<ApiResponse> {
  return { status, json: await formatPull(state, pull) };
}

function issueOk(state: GiteaState, pull: GiteaPullRecord, status = 200): ApiResponse {
  const json = {
    id: 3000 + pull.number,
    number: pull.number,
    title: pull.title,
    body: pull.body,
    state: pull.state,
    labels: labelsOf(state, pull).map((label) => formatLabel(state, label)),
    assignees: pull.assignees.map((login) => formatUser(state, login)),
    html_url: htmlUrl(state, pull),
    pull_request: { merged: pull.merged, html_url: htmlUrl(state, pull) },
  };
  return { status, json };
}

/** A pull request in the swagger `PullRequest` shape. */
async function formatPull(
  state: GiteaState,
  pull: GiteaPullRecord,
): Promise<Readonly<Record<string, unknown>>> {
  const own = pull.headRepo === state.options.repository;
  const headSha = own ? await readBranchSha(state.options.gitDir, pull.head) : "0".repeat(40);
  // Gitea (services/convert/pull.go): with the head branch gone, head.ref is the
  // pull request's own ref; head.label keeps the branch's name.
  const headRef = headSha === undefined ? `refs/pull/${String(pull.number)}/head` : pull.head;
  const baseSha = await readBranchSha(state.options.gitDir, pull.base);
  return {
    id: 2000 + pull.number,
    url: htmlUrl(state, pull),
    number: pull.number,
    user: formatUser(state, state.options.users?.[0] ?? "bot"),
    title: pull.title,
    body: pull.body,
    labels: labelsOf(state, pull).map((label) => formatLabel(state, label)),
    assignees: pull.assignees.map((login) => formatUser(state, login)),
    requested_reviewers: pull.reviewers.map((login) => formatUser(state, login)),
    state: pull.state,
    draft: false,
    html_url: htmlUrl(state, pull),
    mergeable: true,
    merged: pull.merged,
    base: formatBranch(state, pull.base, pull.base, baseSha, state.options.repository),
    head: formatBranch(state, pull.head, headRef, headSha, pull.headRepo),
  };
}

/** A `PRBranchInfo`: label, ref, sha, repo_id and repo. */
function formatBranch(
  state: GiteaState,
  label: string,
  ref: string,
  sha: string | undefined,
  fullName: string,
): Readonly<Record<string, unknown>> {
  const id = fullName === state.options.repository ? 1 : 2;
  const repo = { id, full_name: fullName, name: fullName.split("/")[1] };
  return { label, ref, sha: sha ?? "", repo_id: id, repo };
}
