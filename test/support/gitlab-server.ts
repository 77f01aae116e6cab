/**
 * A stateful GitLab REST API v4 for forge tests, typed from GitLab's
 * published documentation (GitLab 17.x): merge requests
 * (https://docs.gitlab.com/api/merge_requests/: list, create, get, update,
 * merge), notes (https://docs.gitlab.com/api/notes/#create-new-merge-request-note)
 * and users (https://docs.gitlab.com/api/users/#list-users, `username`).
 * GitLab publishes no OpenAPI description of these endpoints, so each route
 * declares the parameters its page lists. The head sha comes from a real
 * bare repository, and errors have GitLab's shapes: 400 `{"error"}` for a bad
 * parameter, 400 `{"message": {"source_branch": ["does not exist"]}}`, 409
 * `{"message": ["Another open merge request already exists ..."]}`, 401
 * `{"message": "401 Unauthorized"}`.
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

/** A GitLab user. */
export interface GitLabUser {
  readonly id: number;
  readonly username: string;
}

/** A merge request as the server keeps it (tests may change `state`). */
export interface GitLabMergeRequestRecord {
  readonly iid: number;
  title: string;
  description: string;
  readonly source_branch: string;
  readonly target_branch: string;
  state: "opened" | "closed" | "merged" | "locked";
  labels: string[];
  reviewer_ids: number[];
  assignee_ids: number[];
  merge_when_pipeline_succeeds: boolean;
  squash: boolean;
  readonly source_project_id: number;
  readonly created_at: string;
  readonly notes: string[];
}

/** Options of {@link startGitLabServer}. */
export interface GitLabServerOptions {
  /** The bare repository holding the project's branches. */
  readonly gitDir: string;
  /** The project's full path, e.g. `group/sub/project`. */
  readonly projectPath: string;
  readonly token: string;
  readonly users?: readonly string[];
}

/** A running GitLab API. */
export interface GitLabServer extends ForgeApiServer {
  /** `URL/api/v4`. */
  readonly apiUrl: string;
  readonly projectId: number;
  readonly mergeRequests: GitLabMergeRequestRecord[];
  /** Project labels (created on first use, as GitLab does). */
  readonly labels: Set<string>;
  readonly users: readonly GitLabUser[];
}

interface GitLabState {
  readonly options: GitLabServerOptions;
  readonly projectId: number;
  readonly mergeRequests: GitLabMergeRequestRecord[];
  readonly labels: Set<string>;
  readonly users: readonly GitLabUser[];
  origin: string;
}

/** Starts a GitLab API on 127.0.0.1:0 for `options.projectPath`; it stops when the test ends. */
export async function startGitLabServer(
  t: TestContext,
  options: GitLabServerOptions,
): Promise<GitLabServer> {
  const state: GitLabState = {
    options,
    projectId: 42,
    mergeRequests: [],
    labels: new Set(),
    users: (options.users ?? []).map((username, i) => ({ id: 100 + i, username })),
    origin: "",
  };
  const server = await startForgeApiServer(t, {
    prefix: "/api/v4",
    routes: gitLabRoutes(state),
    authorize: (headers) => headers["private-token"] === options.token,
    unauthorized: { status: 401, json: { message: "401 Unauthorized" } },
    error: (status, message) =>
      status === 400 ? { status, json: { error: message } } : { status, json: { message } },
  });
  state.origin = server.url;
  return Object.assign(server, {
    apiUrl: `${server.url}/api/v4`,
    projectId: state.projectId,
    mergeRequests: state.mergeRequests,
    labels: state.labels,
    users: state.users,
  });
}

const listQuery: FieldSpecs = {
  source_branch: { type: "string" },
  target_branch: { type: "string" },
  state: { type: "string", values: ["opened", "closed", "locked", "merged", "all"] },
  order_by: { type: "string", values: ["created_at", "updated_at", "title"] },
  sort: { type: "string", values: ["asc", "desc"] },
  per_page: { type: "integer" },
  page: { type: "integer" },
};

const createBody: FieldSpecs = {
  source_branch: { type: "string", required: true },
  target_branch: { type: "string", required: true },
  title: { type: "string", required: true },
  description: { type: "string" },
  assignee_id: { type: "integer" },
  assignee_ids: { type: "integer[]" },
  reviewer_ids: { type: "integer[]" },
  labels: { type: "string" },
  milestone_id: { type: "integer" },
  remove_source_branch: { type: "boolean" },
  squash: { type: "boolean" },
  allow_collaboration: { type: "boolean" },
  target_project_id: { type: "integer" },
};

const updateBody: FieldSpecs = {
  title: { type: "string" },
  description: { type: "string" },
  target_branch: { type: "string" },
  state_event: { type: "string", values: ["close", "reopen"] },
  labels: { type: "string" },
  add_labels: { type: "string" },
  remove_labels: { type: "string" },
  assignee_id: { type: "integer" },
  assignee_ids: { type: "integer[]" },
  reviewer_ids: { type: "integer[]" },
  milestone_id: { type: "integer" },
  remove_source_branch: { type: "boolean" },
  squash: { type: "boolean" },
  discussion_locked: { type: "boolean" },
  allow_collaboration: { type: "boolean" },
};

/** `PUT .../merge`: `auto_merge` since 17.11, `merge_when_pipeline_succeeds` deprecated then. */
const mergeBody: FieldSpecs = {
  merge_commit_message: { type: "string" },
  squash_commit_message: { type: "string" },
  squash: { type: "boolean" },
  should_remove_source_branch: { type: "boolean" },
  merge_when_pipeline_succeeds: { type: "boolean" },
  auto_merge: { type: "boolean" },
  sha: { type: "string" },
};

const noteBody: FieldSpecs = {
  body: { type: "string", required: true },
  created_at: { type: "string" },
  internal: { type: "boolean" },
  merge_request_diff_head_sha: { type: "string" },
};

const usersQuery: FieldSpecs = {
  username: { type: "string" },
  search: { type: "string" },
  active: { type: "boolean" },
  per_page: { type: "integer" },
  page: { type: "integer" },
};

function gitLabRoutes(state: GitLabState): readonly ApiRoute[] {
  const mrs = "/projects/:id/merge_requests";
  const one = `${mrs}/:iid`;
  return [
    { method: "GET", path: mrs, query: listQuery, handle: (r) => listMergeRequests(state, r) },
    { method: "POST", path: mrs, body: createBody, handle: (r) => createMergeRequest(state, r) },
    { method: "GET", path: one, handle: (r) => withMr(state, r, (mr) => ok(state, mr)) },
    { method: "PUT", path: one, body: updateBody, handle: (r) => updateMergeRequest(state, r) },
    { method: "PUT", path: `${one}/merge`, body: mergeBody, handle: (r) => merge(state, r) },
    { method: "POST", path: `${one}/notes`, body: noteBody, handle: (r) => addNote(state, r) },
    { method: "GET", path: "/users", query: usersQuery, handle: (r) => listUsers(state, r) },
  ];
}

type Request = Parameters<ApiRoute["handle"]>[0];

function projectFound(state: GitLabState, req: Request): boolean {
  const id = req.params.id;
  return id === state.options.projectPath || id === String(state.projectId);
}

async function withMr(
  state: GitLabState,
  req: Request,
  then: (mr: GitLabMergeRequestRecord) => ApiResponse | Promise<ApiResponse>,
): Promise<ApiResponse> {
  if (!projectFound(state, req)) return { status: 404, json: { message: "404 Project Not Found" } };
  const mr = state.mergeRequests.find((m) => String(m.iid) === req.params.iid);
  if (mr === undefined) return { status: 404, json: { message: "404 Not found" } };
  return then(mr);
}

async function ok(
  state: GitLabState,
  mr: GitLabMergeRequestRecord,
  status = 200,
): Promise<ApiResponse> {
  return { status, json: await formatMergeRequest(state, mr) };
}

async function listMergeRequests(state: GitLabState, req: Request): Promise<ApiResponse> {
  if (!projectFound(state, req)) return { status: 404, json: { message: "404 Project Not Found" } };
  const source = req.query.get("source_branch");
  const wanted = req.query.get("state") ?? "all";
  const found = state.mergeRequests
    .filter((mr) => source === null || mr.source_branch === source)
    .filter((mr) => wanted === "all" || mr.state === wanted)
    .sort((a, b) => (req.query.get("sort") === "asc" ? a.iid - b.iid : b.iid - a.iid))
    .slice(0, Number(req.query.get("per_page") ?? 20));
  return { status: 200, json: await Promise.all(found.map((mr) => formatMergeRequest(state, mr))) };
}

async function createMergeRequest(state: GitLabState, req: Request): Promise<ApiResponse> {
  if (!projectFound(state, req)) return { status: 404, json: { message: "404 Project Not Found" } };
  const body = req.body as Readonly<Record<string, string>>;
  const { source_branch: source = "", target_branch: target = "" } = body;
  if (source === target) {
    const message = ["You can't use same project/branch for source and target"];
    return { status: 422, json: { message } };
  }
  for (const [field, branch] of [
    ["source_branch", source],
    ["target_branch", target],
  ] as const) {
    if ((await readBranchSha(state.options.gitDir, branch)) === undefined) {
      return { status: 400, json: { message: { [field]: ["does not exist"] } } };
    }
  }
  const open = state.mergeRequests.find(
    (mr) =>
      mr.state === "opened" &&
      mr.source_project_id === state.projectId &&
      mr.source_branch === source &&
      mr.target_branch === target,
  );
  if (open !== undefined) {
    const message = [
      `Another open merge request already exists for this source branch: !${open.iid}`,
    ];
    return { status: 409, json: { message } };
  }
  const mr = newMergeRequest(state, req.body);
  state.mergeRequests.push(mr);
  return ok(state, mr, 201);
}

function newMergeRequest(
  state: GitLabState,
  body: Readonly<Record<string, unknown>>,
): GitLabMergeRequestRecord {
  const labels = splitLabels(body.labels);
  for (const label of labels) state.labels.add(label);
  return {
    iid: state.mergeRequests.length + 1,
    title: String(body.title),
    description: typeof body.description === "string" ? body.description : "",
    source_branch: String(body.source_branch),
    target_branch: String(body.target_branch),
    state: "opened",
    labels,
    reviewer_ids: (body.reviewer_ids as number[] | undefined) ?? [],
    assignee_ids: (body.assignee_ids as number[] | undefined) ?? [],
    merge_when_pipeline_succeeds: false,
    squash: body.squash === true,
    source_project_id: state.projectId,
    created_at: new Date(Date.UTC(2025, 0, 1) + state.mergeRequests.length * 60_000).toISOString(),
    notes: [],
  };
}

function updateMergeRequest(state: GitLabState, req: Request): Promise<ApiResponse> {
  return withMr(state, req, (mr) => {
    const body = req.body;
    if (Object.keys(body).length === 0) {
      return { status: 400, json: { error: "at least one parameter must be provided" } };
    }
    if (typeof body.title === "string") mr.title = body.title;
    if (typeof body.description === "string") mr.description = body.description;
    if (body.state_event === "close" && mr.state === "opened") mr.state = "closed";
    if (body.state_event === "reopen" && mr.state === "closed") mr.state = "opened";
    const added = splitLabels(body.add_labels);
    for (const label of added) state.labels.add(label);
    mr.labels = [...new Set([...mr.labels, ...added])];
    const unknown = unknownUsers(state, body.reviewer_ids, body.assignee_ids);
    if (unknown !== undefined) return { status: 404, json: { message: unknown } };
    if (Array.isArray(body.reviewer_ids)) mr.reviewer_ids = body.reviewer_ids as number[];
    if (Array.isArray(body.assignee_ids)) mr.assignee_ids = body.assignee_ids as number[];
    return ok(state, mr);
  });
}

function unknownUsers(state: GitLabState, ...lists: readonly unknown[]): string | undefined {
  const ids = lists.flatMap((list) => (Array.isArray(list) ? (list as number[]) : []));
  const missing = ids.find((id) => !state.users.some((user) => user.id === id));
  return missing === undefined ? undefined : `404 User ${String(missing)} Not Found`;
}

function merge(state: GitLabState, req: Request): Promise<ApiResponse> {
  return withMr(state, req, (mr) => {
    if (mr.state !== "opened") return { status: 405, json: { message: "405 Method Not Allowed" } };
    // No pipeline finishes here, so the merge request waits for one, as a real project's would.
    if (req.body.merge_when_pipeline_succeeds === true || req.body.auto_merge === true) {
      mr.merge_when_pipeline_succeeds = true;
    } else {
      mr.state = "merged";
    }
    if (typeof req.body.squash === "boolean") mr.squash = req.body.squash;
    return ok(state, mr);
  });
}

function addNote(state: GitLabState, req: Request): Promise<ApiResponse> {
  return withMr(state, req, (mr) => {
    const body = String(req.body.body);
    mr.notes.push(body);
    const json = {
      id: 1000 + mr.notes.length,
      type: null,
      body,
      author: formatUser(state, state.users[0] ?? { id: 1, username: "root" }),
      created_at: new Date().toISOString(),
      system: false,
      noteable_id: mr.iid + 500,
      noteable_type: "MergeRequest",
      noteable_iid: mr.iid,
      internal: false,
    };
    return { status: 201, json };
  });
}

function listUsers(state: GitLabState, req: Request): ApiResponse {
  const username = req.query.get("username")?.toLowerCase();
  const users = state.users.filter(
    (u) => username === undefined || u.username.toLowerCase() === username,
  );
  return { status: 200, json: users.map((user) => formatUser(state, user)) };
}

function formatUser(state: GitLabState, user: GitLabUser): Readonly<Record<string, unknown>> {
  return {
    id: user.id,
    username: user.username,
    name: user.username,
    state: "active",
    locked: false,
    avatar_url: null,
    web_url: `${state.origin}/${user.username}`,
  };
}

/** A merge request in the documented response shape ("Get single MR"). */
async function formatMergeRequest(
  state: GitLabState,
  mr: GitLabMergeRequestRecord,
): Promise<Readonly<Record<string, unknown>>> {
  const sha = await readBranchSha(state.options.gitDir, mr.source_branch);
  const users = (ids: readonly number[]) =>
    state.users.filter((u) => ids.includes(u.id)).map((u) => formatUser(state, u));
  const path = state.options.projectPath;
  return {
    id: 5000 + mr.iid,
    iid: mr.iid,
    project_id: state.projectId,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    created_at: mr.created_at,
    updated_at: mr.created_at,
    target_branch: mr.target_branch,
    source_branch: mr.source_branch,
    source_project_id: mr.source_project_id,
    target_project_id: state.projectId,
    labels: mr.labels,
    draft: false,
    work_in_progress: false,
    merge_when_pipeline_succeeds: mr.merge_when_pipeline_succeeds,
    detailed_merge_status: "mergeable",
    sha: sha ?? null,
    squash: mr.squash,
    assignees: users(mr.assignee_ids),
    reviewers: users(mr.reviewer_ids),
    user_notes_count: mr.notes.length,
    references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${path}!${mr.iid}` },
    web_url: `${state.origin}/${path}/-/merge_requests/${mr.iid}`,
  };
}

function splitLabels(value: unknown): string[] {
  if (typeof value !== "string") return [];
  return value
    .split(",")
    .map((label) => label.trim())
    .filter((label) => label !== "");
}
