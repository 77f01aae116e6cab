/**
 * The test GitHub server's state: pull requests of one repository, with
 * their labels, reviewers, assignees, comments and auto-merge, and the
 * handlers of the REST operations on them, keyed by GitHub's operationId.
 * Branch state comes from a real bare repository; JSON answers are GitHub's
 * own examples from the OpenAPI description with this state written over them.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { GitHubApi } from "./github-openapi.ts";

const run = promisify(execFile);

/** One pull request as the server keeps it. */
export interface StoredPull {
  readonly number: number;
  readonly nodeId: string;
  state: "open" | "closed";
  mergedAt: string | null;
  title: string;
  body: string | null;
  readonly head: string;
  readonly headSha: string;
  base: string;
  readonly labels: string[];
  readonly reviewers: string[];
  readonly teamReviewers: string[];
  readonly assignees: string[];
  readonly comments: string[];
  autoMerge: "MERGE" | "SQUASH" | "REBASE" | undefined;
  readonly createdAt: string;
  updatedAt: string;
}

/** A handler's answer. */
export interface Reply {
  readonly status: number;
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a handler gets. */
export interface Call {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

type Body = Readonly<Record<string, unknown>>;

const docs = "https://docs.github.com/rest";

/** GitHub's error body shapes. */
export const errorReply = (
  status: number,
  message: string,
  errors?: readonly unknown[],
): Reply => ({
  status,
  json: {
    message,
    documentation_url: docs,
    ...(errors === undefined ? {} : { errors }),
    status: String(status),
  },
});

const validationFailed = (errors: readonly unknown[]): Reply => ({
  status: 422,
  json: { message: "Validation Failed", errors, documentation_url: docs },
});

/** The pull requests of `owner/repo`, backed by the bare repository `gitDir`. */
export class PullStore {
  readonly pulls: StoredPull[] = [];
  readonly #api: GitHubApi;
  readonly #owner: string;
  readonly #repo: string;
  readonly #gitDir: string;
  readonly #origin: () => string;

  constructor(
    api: GitHubApi,
    where: { owner: string; repo: string; gitDir: string },
    origin: () => string,
  ) {
    this.#api = api;
    this.#owner = where.owner;
    this.#repo = where.repo;
    this.#gitDir = where.gitDir;
    this.#origin = origin;
  }

  /** The handlers by operationId. */
  handlers(): Readonly<Record<string, (call: Call) => Promise<Reply>>> {
    return {
      "pulls/list": (c) => Promise.resolve(this.#list(c)),
      "pulls/get": (c) =>
        Promise.resolve(
          this.#withPull(c, (p) => ({ status: 200, json: this.pullJson(p, "pulls/get", 200) })),
        ),
      "pulls/create": (c) => this.#create(c),
      "pulls/update": (c) =>
        Promise.resolve(this.#withPull(c, (p) => this.#update(p, c.body as Body))),
      "issues/add-labels": (c) =>
        Promise.resolve(this.#withPull(c, (p) => this.#addLabels(p, c.body as Body))),
      "pulls/request-reviewers": (c) =>
        Promise.resolve(this.#withPull(c, (p) => this.#requestReviewers(p, c.body as Body))),
      "issues/add-assignees": (c) =>
        Promise.resolve(this.#withPull(c, (p) => this.#addAssignees(p, c.body as Body))),
      "issues/create-comment": (c) =>
        Promise.resolve(this.#withPull(c, (p) => this.#comment(p, c.body as Body))),
    };
  }

  /** The sha of `refs/heads/<branch>` in the bare repository, or undefined when there is no such branch. */
  async revParse(branch: string): Promise<string | undefined> {
    try {
      const { stdout } = await run("git", [
        "-C",
        this.#gitDir,
        "rev-parse",
        "--verify",
        "--quiet",
        `refs/heads/${branch}^{commit}`,
      ]);
      return stdout.trim();
    } catch {
      return undefined;
    }
  }

  #withPull(c: Call, then: (p: StoredPull) => Reply): Reply {
    if (c.params.owner !== this.#owner || c.params.repo !== this.#repo)
      return errorReply(404, "Not Found");
    const number = Number(c.params.pull_number ?? c.params.issue_number);
    const pull = this.pulls.find((p) => p.number === number);
    return pull === undefined ? errorReply(404, "Not Found") : then(pull);
  }

  #list(c: Call): Reply {
    if (c.params.owner !== this.#owner || c.params.repo !== this.#repo)
      return errorReply(404, "Not Found");
    const state = c.query.state ?? "open";
    const head = c.query.head;
    const chosen = this.pulls
      .filter((p) => state === "all" || p.state === state)
      .filter((p) => head === undefined || head === `${this.#owner}:${p.head}` || head === p.head)
      .sort((a, b) => (c.query.direction === "asc" ? a.number - b.number : b.number - a.number));
    return { status: 200, json: chosen.map((p) => this.pullJson(p, "pulls/list", 200, true)) };
  }

  async #create(c: Call): Promise<Reply> {
    if (c.params.owner !== this.#owner || c.params.repo !== this.#repo)
      return errorReply(404, "Not Found");
    const body = c.body as Body;
    const head = String(body.head).replace(new RegExp(`^${this.#owner}:`), "");
    const base = String(body.base);
    const headSha = await this.revParse(head);
    if (headSha === undefined)
      return validationFailed([{ resource: "PullRequest", field: "head", code: "invalid" }]);
    if ((await this.revParse(base)) === undefined)
      return validationFailed([{ resource: "PullRequest", field: "base", code: "invalid" }]);
    if (this.pulls.some((p) => p.state === "open" && p.head === head && p.base === base)) {
      const message = `A pull request already exists for ${this.#owner}:${head}.`;
      return validationFailed([{ resource: "PullRequest", code: "custom", message }]);
    }
    const number = this.pulls.length + 1;
    const now = new Date(Date.UTC(2024, 0, 1, 0, number)).toISOString().replace(/\.000Z$/, "Z");
    const pull: StoredPull = {
      number,
      nodeId: `PR_kwDO${String(number).padStart(6, "0")}`,
      state: "open",
      mergedAt: null,
      title: String(body.title),
      body: typeof body.body === "string" ? body.body : null,
      head,
      headSha,
      base,
      labels: [],
      reviewers: [],
      teamReviewers: [],
      assignees: [],
      comments: [],
      autoMerge: undefined,
      createdAt: now,
      updatedAt: now,
    };
    this.pulls.push(pull);
    return { status: 201, json: this.pullJson(pull, "pulls/create", 201) };
  }

  #update(p: StoredPull, body: Body): Reply {
    if (typeof body.title === "string") p.title = body.title;
    if (typeof body.body === "string") p.body = body.body;
    if (body.state === "closed" || body.state === "open") p.state = body.state;
    if (typeof body.base === "string") p.base = body.base;
    p.updatedAt = new Date().toISOString();
    return { status: 200, json: this.pullJson(p, "pulls/update", 200) };
  }

  #addLabels(p: StoredPull, body: Body): Reply {
    const labels = Array.isArray(body.labels) ? body.labels : [];
    for (const label of labels) {
      const name = typeof label === "string" ? label : String((label as { name?: unknown }).name);
      if (!p.labels.includes(name)) p.labels.push(name);
    }
    return { status: 200, json: p.labels.map((name, i) => this.#label(name, i)) };
  }

  #requestReviewers(p: StoredPull, body: Body): Reply {
    for (const login of (body.reviewers as string[] | undefined) ?? []) {
      if (!p.reviewers.includes(login)) p.reviewers.push(login);
    }
    for (const slug of (body.team_reviewers as string[] | undefined) ?? []) {
      if (!p.teamReviewers.includes(slug)) p.teamReviewers.push(slug);
    }
    return { status: 201, json: this.pullJson(p, "pulls/request-reviewers", 201, true) };
  }

  #addAssignees(p: StoredPull, body: Body): Reply {
    for (const login of (body.assignees as string[] | undefined) ?? []) {
      if (!p.assignees.includes(login)) p.assignees.push(login);
    }
    const issue = this.#api.example("issues/add-assignees", 201) as Record<string, unknown>;
    Object.assign(issue, this.#issueFields(p));
    return { status: 201, json: issue };
  }

  #comment(p: StoredPull, body: Body): Reply {
    p.comments.push(String(body.body));
    const comment = this.#api.example("issues/create-comment", 201) as Record<string, unknown>;
    const id = p.number * 1000 + p.comments.length;
    const html = `${this.#htmlUrl(p)}#issuecomment-${String(id)}`;
    Object.assign(comment, {
      id,
      body: String(body.body),
      html_url: html,
      issue_url: this.#apiUrl(`issues/${String(p.number)}`),
    });
    return { status: 201, json: comment };
  }

  /** GitHub's example pull request of `operationId` with `p` written over it. */
  pullJson(
    p: StoredPull,
    operationId: string,
    status: number,
    simple = false,
  ): Record<string, unknown> {
    const example = this.#api.example(operationId, status);
    const template = (Array.isArray(example) ? example[0] : example) as Record<string, unknown>;
    const merged = p.mergedAt !== null;
    Object.assign(template, this.#issueFields(p), {
      url: this.#apiUrl(`pulls/${String(p.number)}`),
      merged_at: p.mergedAt,
      requested_reviewers: p.reviewers.map((login) => this.#user(login)),
      requested_teams: p.teamReviewers.map((slug) => this.#team(slug, template)),
      head: this.#branch(template.head, p.head, p.headSha),
      base: this.#branch(template.base, p.base, undefined),
      auto_merge:
        p.autoMerge === undefined
          ? null
          : {
              enabled_by: this.#user(this.#owner),
              merge_method: p.autoMerge.toLowerCase(),
              commit_title: p.title,
              commit_message: "",
            },
      ...(simple
        ? {}
        : { merged, mergeable: true, merged_by: merged ? this.#user(this.#owner) : null }),
    });
    return template;
  }

  #issueFields(p: StoredPull): Record<string, unknown> {
    return {
      id: p.number,
      node_id: p.nodeId,
      number: p.number,
      state: p.state,
      title: p.title,
      body: p.body,
      html_url: this.#htmlUrl(p),
      labels: p.labels.map((n, i) => this.#label(n, i)),
      assignee: p.assignees[0] === undefined ? null : this.#user(p.assignees[0]),
      assignees: p.assignees.map((login) => this.#user(login)),
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      closed_at: p.state === "closed" ? p.updatedAt : null,
    };
  }

  #branch(template: unknown, ref: string, sha: string | undefined): Record<string, unknown> {
    const branch = structuredClone(template) as Record<string, unknown>;
    return {
      ...branch,
      ref,
      label: `${this.#owner}:${ref}`,
      ...(sha === undefined ? {} : { sha }),
    };
  }

  #user(login: string): Record<string, unknown> {
    const simple = this.#api.example("pulls/list", 200) as Record<string, unknown>[];
    const user = simple[0]?.user as Record<string, unknown>;
    return {
      ...user,
      login,
      url: `${this.#origin()}/users/${login}`,
      html_url: `https://github.com/${login}`,
    };
  }

  #team(slug: string, template: Record<string, unknown>): Record<string, unknown> {
    const teams = template.requested_teams as Record<string, unknown>[] | undefined;
    return { ...(teams?.[0] ?? {}), slug, name: slug, type: "organization" };
  }

  #label(name: string, index: number): Record<string, unknown> {
    return {
      id: index + 1,
      node_id: `LA_${String(index + 1)}`,
      url: this.#apiUrl(`labels/${encodeURIComponent(name)}`),
      name,
      description: "",
      color: "ededed",
      default: false,
    };
  }

  #apiUrl(rest: string): string {
    return `${this.#origin()}/repos/${this.#owner}/${this.#repo}/${rest}`;
  }

  #htmlUrl(p: StoredPull): string {
    return `https://github.com/${this.#owner}/${this.#repo}/pull/${String(p.number)}`;
  }
}
