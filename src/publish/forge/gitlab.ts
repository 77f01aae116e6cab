/**
 * The GitLab forge: merge requests over the REST API v4
 * (https://docs.gitlab.com/api/merge_requests/, notes.html, users.html).
 * The project is named by its URL-encoded full path (`group%2Fsub%2Fproject`)
 * and the token goes in `PRIVATE-TOKEN`, which takes personal, project and
 * group access tokens alike. CI job tokens (`CI_JOB_TOKEN`) cannot create
 * merge requests: the job token API allow-list has no merge request writes.
 */
import type {
  Forge,
  ForgeSettings,
  MergeMethod,
  PullRequest,
  PullRequestDraft,
  PullRequestState,
} from "./forge.ts";
import { ForgeHttp } from "./forge-http.ts";
import type { ForgeClientOptions } from "./forge-json.ts";
import { isRecord, notFoundError, readAnswer, stringItems, unionOf } from "./forge-json.ts";

/** GitLab's description limit (1,000,000 characters), as Renovate's GitLab platform uses. */
const maxDescriptionLength = 1_000_000;

/**
 * Maps a GitLab merge request (the API's JSON) to a {@link PullRequest};
 * undefined when a documented field is missing. `locked` is the short state
 * of a merge request being merged, so it still counts as open.
 */
export function parseGitLabMergeRequest(json: unknown): PullRequest | undefined {
  if (!isRecord(json)) return undefined;
  const { iid, web_url, state, title, description, source_branch, target_branch, sha } = json;
  if (typeof iid !== "number" || typeof web_url !== "string" || typeof title !== "string") {
    return undefined;
  }
  if (typeof source_branch !== "string" || typeof target_branch !== "string") return undefined;
  const ours = parseGitLabState(state);
  if (ours === undefined) return undefined;
  return {
    number: iid,
    url: web_url,
    state: ours,
    title,
    body: typeof description === "string" ? description : "",
    headBranch: source_branch,
    baseBranch: target_branch,
    ...(typeof sha === "string" ? { headSha: sha } : {}),
    labels: stringItems(json.labels),
  };
}

function parseGitLabState(state: unknown): PullRequestState | undefined {
  if (state === "opened" || state === "locked") return "open";
  if (state === "closed" || state === "merged") return state;
  return undefined;
}

/** The ids of a merge request's `reviewers` or `assignees` (user objects). */
function parseUserIds(
  json: unknown,
  field: "reviewers" | "assignees",
): readonly number[] | undefined {
  if (!isRecord(json)) return undefined;
  const users = json[field];
  if (!Array.isArray(users)) return [];
  return users.flatMap((user: unknown) =>
    isRecord(user) && typeof user.id === "number" ? [user.id] : [],
  );
}

/** A merge request list, keeping those whose source is the project itself (not a fork). */
function parseOwnMergeRequests(json: unknown): readonly PullRequest[] | undefined {
  if (!Array.isArray(json)) return undefined;
  const own = json.filter(
    (mr: unknown) => !isRecord(mr) || mr.source_project_id === mr.target_project_id,
  );
  const parsed = own.map(parseGitLabMergeRequest);
  return parsed.every((mr) => mr !== undefined) ? parsed : undefined;
}

/**
 * Creates a {@link Forge} on the GitLab project `settings.repository` at
 * `settings.apiUrl` (`https://gitlab.example/api/v4`). No I/O until a method
 * is called; every method rejects with a ForgeError (FORGE).
 */
export function createGitLabForge(
  settings: ForgeSettings,
  options: ForgeClientOptions = {},
): Forge {
  return new GitLabForge(settings, options);
}

class GitLabForge implements Forge {
  readonly kind = "gitlab" as const;
  readonly maxBodyLength = maxDescriptionLength;
  readonly #http: ForgeHttp;
  readonly #project: string;

  constructor(settings: ForgeSettings, options: ForgeClientOptions) {
    this.#http = new ForgeHttp({
      ...options,
      forge: "gitlab",
      baseUrl: settings.apiUrl,
      headers: { "private-token": settings.token, accept: "application/json" },
    });
    this.#project = `/projects/${encodeURIComponent(settings.repository)}`;
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  listPullRequests(headBranch: string): Promise<readonly PullRequest[]> {
    const query = {
      source_branch: headBranch,
      state: "all",
      order_by: "created_at",
      sort: "desc",
      per_page: 100,
    };
    const path = `${this.#project}/merge_requests`;
    return readAnswer(this.#http, "gitlab", { method: "GET", path, query }, parseOwnMergeRequests);
  }

  createPullRequest(draft: PullRequestDraft): Promise<PullRequest> {
    const body = {
      source_branch: draft.headBranch,
      target_branch: draft.baseBranch,
      title: draft.title,
      description: draft.body,
      remove_source_branch: true,
    };
    const path = `${this.#project}/merge_requests`;
    return readAnswer(
      this.#http,
      "gitlab",
      { method: "POST", path, body },
      parseGitLabMergeRequest,
    );
  }

  updatePullRequest(
    number: number,
    change: { readonly title: string; readonly body: string },
  ): Promise<PullRequest> {
    return this.#edit(number, { title: change.title, description: change.body });
  }

  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    // add_labels keeps the current ones and creates project labels GitLab lacks.
    if (labels.length > 0) await this.#edit(number, { add_labels: labels.join(",") });
  }

  requestReviewers(number: number, reviewers: readonly string[]): Promise<void> {
    return this.#addUsers(number, reviewers, "reviewers", "reviewer_ids");
  }

  addAssignees(number: number, assignees: readonly string[]): Promise<void> {
    return this.#addUsers(number, assignees, "assignees", "assignee_ids");
  }

  async enableAutoMerge(number: number, method: MergeMethod): Promise<void> {
    // merge_when_pipeline_succeeds is what GitLab < 17.11 reads; 17.11
    // deprecated it for auto_merge but still reads it. Grape ignores
    // undeclared parameters, so older versions ignore auto_merge. GitLab
    // rebases per project setting only, so "rebase" merges as configured.
    // squash only when asked: false would override the project's own setting.
    const body = {
      merge_when_pipeline_succeeds: true,
      auto_merge: true,
      ...(method === "squash" ? { squash: true } : {}),
    };
    await this.#http.send({ method: "PUT", path: `${this.#mr(number)}/merge`, body });
  }

  async closePullRequest(number: number): Promise<void> {
    await this.#edit(number, { state_event: "close" });
  }

  async comment(number: number, body: string): Promise<void> {
    const path = `${this.#mr(number)}/notes`;
    await this.#http.send({ method: "POST", path, body: { body }, repeatable: false });
  }

  #mr(number: number): string {
    return `${this.#project}/merge_requests/${String(number)}`;
  }

  #edit(number: number, body: Readonly<Record<string, unknown>>): Promise<PullRequest> {
    const req = { method: "PUT", path: this.#mr(number), body } as const;
    return readAnswer(this.#http, "gitlab", req, parseGitLabMergeRequest);
  }

  /** Sets `field` to the merge request's current users plus `usernames` (GitLab replaces the list). */
  async #addUsers(
    number: number,
    usernames: readonly string[],
    current: "reviewers" | "assignees",
    field: "reviewer_ids" | "assignee_ids",
  ): Promise<void> {
    if (usernames.length === 0) return;
    const req = { method: "GET", path: this.#mr(number) } as const;
    const existing = await readAnswer(this.#http, "gitlab", req, (json) =>
      parseUserIds(json, current),
    );
    const added: number[] = [];
    for (const username of usernames) added.push(await this.#userId(username));
    await this.#edit(number, { [field]: unionOf(existing, added) });
  }

  /** The id of the user named `username`, from `GET /users?username=`. */
  async #userId(username: string): Promise<number> {
    const req = { method: "GET", path: "/users", query: { username } } as const;
    const users = await readAnswer(this.#http, "gitlab", req, (json) =>
      Array.isArray(json) ? json : undefined,
    );
    const user: unknown = users.find(
      (u: unknown) => isRecord(u) && String(u.username).toLowerCase() === username.toLowerCase(),
    );
    if (isRecord(user) && typeof user.id === "number") return user.id;
    throw notFoundError("gitlab", this.#http, req, `no user named "${username}"`);
  }
}
