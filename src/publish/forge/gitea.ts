/**
 * The Gitea and Forgejo forge (the same API, https://gitea.com/api/swagger,
 * /api/v1): pull requests, issue labels, comments, review requests and
 * scheduled merges. The token goes in `Authorization: token <token>`.
 */
import type { Forge, ForgeSettings, MergeMethod, PullRequest, PullRequestDraft } from "./forge.ts";
import { ForgeHttp, type ForgeResponse } from "./forge-http.ts";
import type { ForgeClientOptions } from "./forge-json.ts";
import { isRecord, readAnswer, unionOf } from "./forge-json.ts";

/**
 * Gitea sets no API limit on a body (the column is TEXT/LONGTEXT); Renovate's
 * Gitea platform truncates at 1,000,000 characters, and so do we.
 */
const maxBodyLength = 1_000_000;
/** Gitea's default `[api] MAX_RESPONSE_ITEMS` is 50. */
const pageSize = 50;
/** Listing stops after this many pages (1,000 pull requests), newest first. */
const maxPages = 20;
/** The color of labels this forge creates: GitHub's neutral grey. */
const labelColor = "#ededed";

/** Maps a Gitea pull request (the API's JSON) to a {@link PullRequest}; undefined when a documented field is missing. */
export function parseGiteaPullRequest(json: unknown): PullRequest | undefined {
  if (!isRecord(json) || !isRecord(json.head) || !isRecord(json.base)) return undefined;
  const { number, html_url, state, title, body, merged } = json;
  const head = headBranchOf(json.head);
  const { sha } = json.head;
  const base = json.base.ref;
  if (typeof number !== "number" || typeof html_url !== "string" || typeof title !== "string") {
    return undefined;
  }
  if (typeof head !== "string" || typeof base !== "string") return undefined;
  if (state !== "open" && state !== "closed") return undefined;
  return {
    number,
    url: html_url,
    state: merged === true ? "merged" : state,
    title,
    body: typeof body === "string" ? body : "",
    headBranch: head,
    baseBranch: base,
    ...(typeof sha === "string" ? { headSha: sha } : {}),
    labels: parseLabels(json.labels).map((label) => label.name),
  };
}

/** A Gitea label's id and name. */
interface GiteaLabel {
  readonly id: number;
  readonly name: string;
}

function parseLabels(json: unknown): readonly GiteaLabel[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((label: unknown) =>
    isRecord(label) && typeof label.id === "number" && typeof label.name === "string"
      ? [{ id: label.id, name: label.name }]
      : [],
  );
}

/** The repository (`owner/name`) a pull request's head lives in; undefined when deleted. */
/**
 * The head branch's name. Gitea sets `head.ref` to `refs/pull/N/head` once
 * the branch is deleted (services/convert/pull.go) and keeps the name in
 * `head.label`, so a closed pull request whose branch was deleted is still
 * found (and a declined change still recognised).
 */
function headBranchOf(head: Record<string, unknown>): unknown {
  const { label, ref } = head;
  return typeof label === "string" && label !== "" && !label.includes(":") ? label : ref;
}

/** The head repository's full name; the base's when the head's is gone with its branch. */
function headRepository(json: unknown): string | undefined {
  if (!isRecord(json) || !isRecord(json.head)) return undefined;
  const repo = isRecord(json.head.repo)
    ? json.head.repo
    : isRecord(json.base)
      ? json.base.repo
      : undefined;
  const name = isRecord(repo) ? repo.full_name : undefined;
  return typeof name === "string" ? name : undefined;
}

/** One page of pull requests: those of `branch` in `repository`, the items seen so far and whether more follow. */
function parsePullPage(
  json: unknown,
  response: ForgeResponse,
  seenBefore: number,
  match: { readonly branch: string; readonly repository: string },
):
  | { readonly prs: readonly PullRequest[]; readonly seen: number; readonly more: boolean }
  | undefined {
  if (!Array.isArray(json)) return undefined;
  const ours = json.filter(
    (pr: unknown) =>
      isRecord(pr) &&
      isRecord(pr.head) &&
      headBranchOf(pr.head) === match.branch &&
      headRepository(pr)?.toLowerCase() === match.repository.toLowerCase(),
  );
  const prs = ours.map(parseGiteaPullRequest);
  if (!prs.every((pr) => pr !== undefined)) return undefined;
  const seen = seenBefore + json.length;
  return { prs, seen, more: hasMore(response, seen, json.length) };
}

/**
 * Whether pages follow a page of `count` items, `seen` items in all so far.
 * Gitea's X-Total-Count stays right where `[api] MAX_RESPONSE_ITEMS` is
 * below our limit (a short page that is not the last).
 */
function hasMore(response: ForgeResponse, seen: number, count: number): boolean {
  const total = Number(response.headers["x-total-count"] ?? Number.NaN);
  if (count === 0) return false;
  return Number.isFinite(total) ? seen < total : count >= pageSize;
}

/**
 * Creates a {@link Forge} on the Gitea or Forgejo repository
 * `settings.repository` (`owner/name`) at `settings.apiUrl`
 * (`https://gitea.example/api/v1`). No I/O until a method is called; every
 * method rejects with a ForgeError (FORGE).
 */
export function createGiteaForge(settings: ForgeSettings, options: ForgeClientOptions = {}): Forge {
  return new GiteaForge(settings, options);
}

class GiteaForge implements Forge {
  readonly kind = "gitea" as const;
  readonly maxBodyLength = maxBodyLength;
  readonly #http: ForgeHttp;
  readonly #repository: string;
  readonly #repo: string;

  constructor(settings: ForgeSettings, options: ForgeClientOptions) {
    this.#http = new ForgeHttp({
      ...options,
      forge: "gitea",
      baseUrl: settings.apiUrl,
      headers: { authorization: `token ${settings.token}`, accept: "application/json" },
    });
    this.#repository = settings.repository;
    const [owner = "", name = ""] = settings.repository.split("/");
    this.#repo = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  async listPullRequests(headBranch: string): Promise<readonly PullRequest[]> {
    // The list endpoint has no head filter, so filter here. "newest" is not in
    // the swagger enum of `sort`; newest first is the default order.
    const match = { branch: headBranch, repository: this.#repository };
    const found: PullRequest[] = [];
    let seen = 0;
    for (let page = 1; page <= maxPages; page++) {
      const query = { state: "all", limit: pageSize, page };
      const req = { method: "GET", path: `${this.#repo}/pulls`, query } as const;
      const result = await readAnswer(this.#http, "gitea", req, (json, response) =>
        parsePullPage(json, response, seen, match),
      );
      found.push(...result.prs);
      seen = result.seen;
      if (!result.more) break;
    }
    return found.sort((a, b) => b.number - a.number);
  }

  createPullRequest(draft: PullRequestDraft): Promise<PullRequest> {
    const body = {
      head: draft.headBranch,
      base: draft.baseBranch,
      title: draft.title,
      body: draft.body,
    };
    const req = { method: "POST", path: `${this.#repo}/pulls`, body } as const;
    return readAnswer(this.#http, "gitea", req, parseGiteaPullRequest);
  }

  updatePullRequest(
    number: number,
    change: { readonly title: string; readonly body: string },
  ): Promise<PullRequest> {
    return this.#editPull(number, { title: change.title, body: change.body });
  }

  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    if (labels.length === 0) return;
    const ids = await this.#labelIds(labels);
    const path = `${this.#repo}/issues/${String(number)}/labels`;
    await this.#http.send({ method: "POST", path, body: { labels: ids } });
  }

  async requestReviewers(number: number, reviewers: readonly string[]): Promise<void> {
    // Gitea >= 1.14; requests add to the ones already made.
    if (reviewers.length === 0) return;
    const path = `${this.#repo}/pulls/${String(number)}/requested_reviewers`;
    await this.#http.send({ method: "POST", path, body: { reviewers } });
  }

  async addAssignees(number: number, assignees: readonly string[]): Promise<void> {
    // EditIssueOption.assignees replaces the list, so send the current ones too.
    if (assignees.length === 0) return;
    const path = `${this.#repo}/issues/${String(number)}`;
    const current = await readAnswer(this.#http, "gitea", { method: "GET", path }, parseAssignees);
    await this.#http.send({
      method: "PATCH",
      path,
      body: { assignees: unionOf(current, assignees) },
    });
  }

  async enableAutoMerge(number: number, method: MergeMethod): Promise<void> {
    // Gitea >= 1.17: 201 when scheduled; 200 when the checks had passed and it merged.
    const path = `${this.#repo}/pulls/${String(number)}/merge`;
    const body = { Do: method, merge_when_checks_succeed: true };
    await this.#http.send({ method: "POST", path, body });
  }

  async closePullRequest(number: number): Promise<void> {
    await this.#editPull(number, { state: "closed" });
  }

  async comment(number: number, body: string): Promise<void> {
    const path = `${this.#repo}/issues/${String(number)}/comments`;
    await this.#http.send({ method: "POST", path, body: { body }, repeatable: false });
  }

  #editPull(number: number, body: Readonly<Record<string, unknown>>): Promise<PullRequest> {
    const req = { method: "PATCH", path: `${this.#repo}/pulls/${String(number)}`, body } as const;
    return readAnswer(this.#http, "gitea", req, parseGiteaPullRequest);
  }

  /** The ids of `names`: repository labels, then the owner's organization labels, else new repository labels. */
  async #labelIds(names: readonly string[]): Promise<readonly number[]> {
    const known = [...(await this.#labels(`${this.#repo}/labels`))];
    if (names.some((name) => !known.some((label) => label.name === name))) {
      const owner = this.#repository.split("/")[0] ?? "";
      known.push(...(await this.#labels(`/orgs/${encodeURIComponent(owner)}/labels`)));
    }
    const ids: number[] = [];
    for (const name of names) {
      ids.push(known.find((label) => label.name === name)?.id ?? (await this.#createLabel(name)));
    }
    return ids;
  }

  /** Every label at `path`, page by page; [] when it is 404 (the owner is a user, not an organization). */
  async #labels(path: string): Promise<readonly GiteaLabel[]> {
    const labels: GiteaLabel[] = [];
    let seen = 0;
    for (let page = 1; page <= maxPages; page++) {
      const query = { limit: pageSize, page };
      const response = await this.#http.send({ method: "GET", path, query, ok: [200, 404] });
      if (response.status === 404 || !Array.isArray(response.json)) break;
      labels.push(...parseLabels(response.json));
      seen += response.json.length;
      if (!hasMore(response, seen, response.json.length)) break;
    }
    return labels;
  }

  async #createLabel(name: string): Promise<number> {
    const req = {
      method: "POST",
      path: `${this.#repo}/labels`,
      body: { name, color: labelColor },
    } as const;
    return readAnswer(this.#http, "gitea", req, (json) =>
      isRecord(json) && typeof json.id === "number" ? json.id : undefined,
    );
  }
}

function parseAssignees(json: unknown): readonly string[] | undefined {
  if (!isRecord(json)) return undefined;
  if (!Array.isArray(json.assignees)) return [];
  return json.assignees.flatMap((user: unknown) =>
    isRecord(user) && typeof user.login === "string" ? [user.login] : [],
  );
}
