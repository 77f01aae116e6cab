/**
 * The forge port: the few pull request operations publishing needs, which
 * GitHub, GitLab and Gitea/Forgejo each implement over their REST APIs (a
 * GitLab merge request is a pull request here). Declared by its consumer,
 * publish/, and satisfied structurally; `local` is the forge of no forge.
 */
import { UsageError } from "../../errors.ts";
import { ReconcilerError } from "../../errors.ts";

/** The forges publishing can open pull requests on. */
export const forgeKinds = ["github", "gitlab", "gitea", "local"] as const;

/** One of {@link forgeKinds}. */
export type ForgeKind = (typeof forgeKinds)[number];

/**
 * `text` as a forge kind.
 *
 * @throws UsageError naming `flag` and the kinds allowed.
 */
export function parseForgeKind(text: string, flag = "--forge"): ForgeKind {
  if (!(forgeKinds as readonly string[]).includes(text)) {
    throw new UsageError(`${flag} must be one of ${forgeKinds.join(", ")}, not "${text}"`);
  }
  return text as ForgeKind;
}

/** A pull request's state; a merged one is closed and merged. */
export type PullRequestState = "open" | "closed" | "merged";

/** A pull request as the forge reports it. */
export interface PullRequest {
  /** GitHub's and Gitea's number, GitLab's `iid`. */
  readonly number: number;
  /** The page people open. */
  readonly url: string;
  readonly state: PullRequestState;
  readonly title: string;
  /** Markdown; "" when the forge has none. */
  readonly body: string;
  readonly headBranch: string;
  readonly baseBranch: string;
  /** The head commit the forge knows, when it says. */
  readonly headSha?: string;
  readonly labels: readonly string[];
}

/** What a new pull request says. */
export interface PullRequestDraft {
  readonly title: string;
  readonly body: string;
  readonly headBranch: string;
  readonly baseBranch: string;
}

/** How an auto-merge merges, where the forge lets the method be chosen. */
export type MergeMethod = "merge" | "squash" | "rebase";

/**
 * The pull request operations publishing uses. Every method performs HTTP
 * requests to the forge, retried per the forge's conventions (5xx,
 * `Retry-After`, rate limits), and rejects with a {@link ForgeError}.
 */
export interface Forge {
  readonly kind: ForgeKind;
  /** Longest body the forge accepts, in UTF-16 code units (GitHub: 65,536). */
  readonly maxBodyLength: number;
  /** Pull requests, open or not, whose head is `headBranch` of this repository, newest first. */
  listPullRequests(headBranch: string): Promise<readonly PullRequest[]>;
  createPullRequest(draft: PullRequestDraft): Promise<PullRequest>;
  updatePullRequest(
    number: number,
    change: { readonly title: string; readonly body: string },
  ): Promise<PullRequest>;
  /** Adds labels (keeping the ones it has); labels the repository lacks are created where the forge needs that. */
  addLabels(number: number, labels: readonly string[]): Promise<void>;
  /** Asks these users (by login / username) for a review. */
  requestReviewers(number: number, reviewers: readonly string[]): Promise<void>;
  addAssignees(number: number, assignees: readonly string[]): Promise<void>;
  /** Turns on the forge's own auto-merge: it merges once the checks pass. */
  enableAutoMerge(number: number, method: MergeMethod): Promise<void>;
  closePullRequest(number: number): Promise<void>;
  comment(number: number, body: string): Promise<void>;
  /** Closes the forge's connections. */
  close(): Promise<void>;
}

/** Where a forge's API is and which repository it acts on. */
export interface ForgeSettings {
  readonly kind: Exclude<ForgeKind, "local">;
  /** The API root: `https://api.github.com`, `https://ghe.example.com/api/v3`, `https://gitlab.com/api/v4`, `https://gitea.example.com/api/v1`. */
  readonly apiUrl: string;
  /** `owner/name`; for GitLab the project's full path (`group/sub/project`). */
  readonly repository: string;
  /** Never printed; errors and logs name the forge and the request without it. */
  readonly token: string;
}

/** A forge request that failed: the forge, the request (no credentials) and what the forge said. */
export class ForgeError extends ReconcilerError {
  readonly forge: ForgeKind;
  readonly method: string;
  /** The request URL without query credentials. */
  readonly url: string;
  /** The HTTP status; undefined when no response came. */
  readonly status: number | undefined;
  /** True when a later run may succeed (5xx, 429, connection failures). */
  readonly transient: boolean;

  constructor(
    forge: ForgeKind,
    request: { readonly method: string; readonly url: string },
    status: number | undefined,
    detail: string,
    options?: ErrorOptions & { readonly transient?: boolean },
  ) {
    const what = status === undefined ? "" : ` ${String(status)}`;
    super("FORGE", `${forge} ${request.method} ${request.url}:${what} ${detail}`, options);
    this.forge = forge;
    this.method = request.method;
    this.url = request.url;
    this.status = status;
    this.transient =
      options?.transient ?? (status === undefined || status === 429 || status >= 500);
  }
}
