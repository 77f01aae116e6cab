/**
 * Publishing a proposal: read what the remote branch and the forge hold,
 * decide (publish-decision.ts), then commit and push the branch and open,
 * update or close the pull request. Effects go through the two ports only
 * (Workspace, Forge); with no forge (`local`) the branch is pushed and the
 * pull request's title and body are returned for the caller to print.
 */
import { ReconcilerError } from "../errors.ts";
import { renderCommitMessage } from "./commit-message.ts";
import { ForgeError, type Forge, type MergeMethod, type PullRequest } from "./forge/forge.ts";
import type { GitIdentity, PushResult, RemoteBranch, Workspace } from "./git/workspace.ts";
import type { ApiCommitRequest, ApiCommitResult } from "./forge/github-commit.ts";
import { parseBranchTrailer, parseFingerprintTrailer, parseMarker } from "./marker.ts";
import { renderPullRequestBody } from "./pr-body.ts";
import { renderTitle } from "./pr-title.ts";
import type { Proposal } from "./proposal.ts";
import { decidePublish, type PublishDecision } from "./publish-decision.ts";

/** Who commits and what a new pull request gets. */
export interface PublishSettings {
  readonly author: GitIdentity;
  readonly labels: readonly string[];
  readonly reviewers: readonly string[];
  readonly assignees: readonly string[];
  readonly autoMerge: MergeMethod | false;
  /**
   * Replaces credentials in the title, body and commit message before they
   * leave the process (a registry's error message in a failure's reason,
   * say); the identity when absent.
   */
  readonly mask?: (text: string) => string;
  /**
   * Commits through the forge's API instead of git (GitHub's Git database
   * API, whose commits GitHub signs); the work tree is then only read.
   */
  readonly apiCommitter?: {
    commitFiles(request: ApiCommitRequest): Promise<ApiCommitResult>;
  };
}

/** The committer of commits GitHub's API makes (and signs) for a token. */
const gitHubCommitterEmail = "noreply@github.com";

/** The body length used when there is no forge to limit it. */
const localBodyLength = 1_000_000;

/** What publishing did (or, on a dry run, would do). */
export interface PublishResult {
  readonly branch: string;
  readonly base: string;
  readonly decision: PublishDecision;
  readonly title: string;
  readonly body: string;
  /** The commit pushed, when one was. */
  readonly commit?: string;
  readonly pushed: boolean;
  readonly pullRequest?: {
    readonly number: number;
    readonly url: string;
    readonly action: "created" | "updated" | "unchanged" | "closed";
  };
  /** Things that did not stop the run: a reviewer the forge refused, say. */
  readonly warnings: readonly string[];
}

/**
 * Publishes `proposal` from `workspace` (whose work tree holds the written
 * files) through `forge` (undefined: local, no pull request).
 *
 * @throws ReconcilerError (PUBLISH_BLOCKED) when the remote branch moved
 *   while the run worked (the lease failed), unless it now holds this very
 *   change on the same base (another run at the same time pushed it); the
 *   message says whether the next run rebuilds it or holds it (a person's
 *   commit).
 * @throws GitError (GIT), ForgeError (FORGE) from the ports.
 */
export async function publishProposal(
  proposal: Proposal,
  workspace: Workspace,
  forge: Forge | undefined,
  settings: PublishSettings,
  dryRun: boolean,
): Promise<PublishResult> {
  const { branch } = proposal;
  let seen = await observe(proposal, workspace, forge, settings);
  let rendered = await render(proposal, seen, workspace, forge, settings);
  const result = { branch, base: proposal.base, pushed: false };
  if (dryRun) return { ...result, decision: seen.decision, ...rendered, warnings: [] };
  let pushed: string | undefined;
  try {
    pushed = await executeBranchStep(seen.decision, proposal, workspace, settings);
  } catch (err) {
    if (!(err instanceof LeaseLost)) throw err;
    // Lost the lease: look again. If another run at the same time (an
    // overlapping scheduled job) pushed this very change on the same base,
    // the branch is as this run wanted it and the pull request step goes on.
    // Anything else (a person's push, a different change) is not overwritten,
    // and the message says what the next run will do about it.
    const again = await observe(proposal, workspace, forge, settings);
    const { held } = again.decision;
    if (held !== undefined) throw blocked(err, `and it is held: ${held.reason}`);
    if (again.decision.branch.kind !== "keep") throw blocked(err, "the next run rebuilds it");
    seen = again;
    rendered = await render(proposal, seen, workspace, forge, settings);
  }
  const warnings: string[] = [];
  const pr =
    forge === undefined
      ? undefined
      : await executePullRequestStep(seen.decision, forge, {
          ...{ ...rendered, proposal, settings, warnings },
          pullRequests: seen.pullRequests,
        });
  return {
    ...result,
    decision: seen.decision,
    ...rendered,
    ...(pushed === undefined ? {} : { commit: pushed, pushed: true }),
    ...(pr === undefined ? {} : { pullRequest: pr }),
    warnings,
  };
}

/** The remote branch and the branch's pull requests as they are now, and what to do about them. */
interface Observed {
  readonly remote: RemoteBranch | undefined;
  readonly pullRequests: readonly PullRequest[];
  readonly decision: PublishDecision;
}

async function observe(
  proposal: Proposal,
  workspace: Workspace,
  forge: Forge | undefined,
  settings: PublishSettings,
): Promise<Observed> {
  const { branch } = proposal;
  const remote = await workspace.remoteBranch(branch);
  // Pull requests from the branch into another base are not this run's.
  const pullRequests = (forge === undefined ? [] : await forge.listPullRequests(branch)).filter(
    (pr) => pr.baseBranch === proposal.base,
  );
  const decision = decidePublish({
    fingerprint: proposal.fingerprint,
    baseSha: workspace.baseSha,
    branch,
    ownCommitters: [
      settings.author.email,
      ...(settings.apiCommitter === undefined ? [] : [gitHubCommitterEmail]),
    ],
    remote,
    remoteFingerprint: remote === undefined ? undefined : parseFingerprintTrailer(remote.message),
    remoteBranchTrailer: remote === undefined ? undefined : parseBranchTrailer(remote.message),
    pullRequests: pullRequests.map((pr) => ({ ...pr, fingerprint: parseMarker(pr.body) })),
  });
  return { remote, pullRequests, decision };
}

/** The pull request's title and body for what the branch will hold, masked. */
async function render(
  proposal: Proposal,
  seen: Observed,
  workspace: Workspace,
  forge: Forge | undefined,
  settings: PublishSettings,
): Promise<{ title: string; body: string }> {
  const shown = await asPushed(proposal, seen.decision, seen.remote, workspace);
  const mask = maskOf(settings);
  const title = shown.fingerprint === "" ? "" : mask(renderTitle(shown));
  const maxLength = forge?.maxBodyLength ?? localBodyLength;
  const body = shown.fingerprint === "" ? "" : mask(renderPullRequestBody(shown, { maxLength }));
  return { title, body };
}

/**
 * The proposal as the branch holds it: when the branch is kept, its files
 * are the ones an earlier run committed (status items stamped with that
 * run's clock), so the body shows what reviewers see in the diff and does
 * not change from run to run.
 */
async function asPushed(
  proposal: Proposal,
  decision: PublishDecision,
  remote: RemoteBranch | undefined,
  workspace: Workspace,
): Promise<Proposal> {
  if (decision.branch.kind !== "keep" || remote === undefined || decision.held !== undefined) {
    return proposal;
  }
  const files = await Promise.all(
    proposal.files.map(async (f) => ({
      ...f,
      after: (await workspace.readFile(remote.sha, f.path)) ?? f.after,
    })),
  );
  return { ...proposal, files };
}

/** The settings' mask, or the identity. */
function maskOf(settings: PublishSettings): (text: string) => string {
  return settings.mask ?? ((text) => text);
}

/** Runs the branch step; returns the commit pushed, if any. */
async function executeBranchStep(
  decision: PublishDecision,
  proposal: Proposal,
  workspace: Workspace,
  settings: PublishSettings,
): Promise<string | undefined> {
  const step = decision.branch;
  if (step.kind === "keep") return undefined;
  if (step.kind === "delete") {
    leased(await workspace.deleteBranch(proposal.branch, step.expected), proposal.branch);
    return undefined;
  }
  const message = maskOf(settings)(renderCommitMessage(proposal));
  if (settings.apiCommitter !== undefined) {
    const files = proposal.files.map((f) => ({ path: f.path, content: f.after }));
    const request = { branch: proposal.branch, baseSha: workspace.baseSha, message, files };
    const result = await settings.apiCommitter.commitFiles({ ...request, expected: step.expected });
    leased(result, proposal.branch);
    return result.pushed ? result.sha : undefined;
  }
  const commit = await workspace.commit({ message, author: settings.author });
  if (commit === undefined) return undefined;
  leased(await workspace.push(proposal.branch, commit.sha, step.expected), proposal.branch);
  return commit.sha;
}

/** A branch step whose lease failed, for publishProposal to look again and tell the outcome. */
class LeaseLost extends Error {
  readonly branch: string;
  /** What git or GitHub said. */
  readonly detail: string;

  constructor(branch: string, detail: string) {
    super(`lease of branch ${branch} lost: ${detail}`);
    this.branch = branch;
    this.detail = detail;
  }
}

function leased(result: PushResult | ApiCommitResult, branch: string): void {
  if (!result.pushed) throw new LeaseLost(branch, result.detail);
}

/** PUBLISH_BLOCKED for a lost lease; `outlook` says what the next run does. */
function blocked(lost: LeaseLost, outlook: string): ReconcilerError {
  return new ReconcilerError(
    "PUBLISH_BLOCKED",
    `branch ${lost.branch} moved on the remote while this run worked (someone else pushed): ${lost.detail}; nothing was overwritten, ${outlook}`,
  );
}

interface PullRequestContext {
  readonly title: string;
  readonly body: string;
  readonly proposal: Proposal;
  readonly settings: PublishSettings;
  readonly warnings: string[];
  /** The branch's pull requests as the run found them. */
  readonly pullRequests: readonly PullRequest[];
}

async function executePullRequestStep(
  decision: PublishDecision,
  forge: Forge,
  context: PullRequestContext,
): Promise<PublishResult["pullRequest"]> {
  const step = decision.pullRequest;
  switch (step.kind) {
    case "none":
      return undefined;
    case "close":
      await forge.comment(
        step.number,
        "Closing: the base branch already holds what this pull request proposed, or nothing is left to change. imagestream-gitops deleted its branch.",
      );
      await forge.closePullRequest(step.number);
      return { number: step.number, url: "", action: "closed" };
    case "update":
      return updatePullRequest(forge, step.number, context);
    case "create":
      return createPullRequest(forge, context);
  }
}

async function updatePullRequest(
  forge: Forge,
  number: number,
  { title, body, pullRequests }: PullRequestContext,
): Promise<PublishResult["pullRequest"]> {
  const open = pullRequests.find((p) => p.number === number);
  if (open !== undefined && sameText(open.title, title) && sameText(open.body, body)) {
    return { number, url: open.url, action: "unchanged" };
  }
  const updated = await forge.updatePullRequest(number, { title, body });
  return { number, url: updated.url, action: "updated" };
}

async function createPullRequest(
  forge: Forge,
  context: PullRequestContext,
): Promise<PublishResult["pullRequest"]> {
  const { proposal, title, body } = context;
  const draft = { title, body, headBranch: proposal.branch, baseBranch: proposal.base };
  let created: PullRequest;
  try {
    created = await forge.createPullRequest(draft);
  } catch (err) {
    // A create retried after a lost answer meets its own pull request (409/422): adopt it.
    const existing = await openPullRequest(forge, proposal.branch, err);
    const adopted = { ...context, pullRequests: [existing] };
    const result = await updatePullRequest(forge, existing.number, adopted);
    // The lost answer was the create's: the labels and reviewers were never set.
    await decorate(forge, existing.number, adopted);
    return result;
  }
  await decorate(forge, created.number, context);
  return { number: created.number, url: created.url, action: "created" };
}

async function openPullRequest(forge: Forge, branch: string, err: unknown): Promise<PullRequest> {
  if (!(err instanceof ForgeError) || (err.status !== 409 && err.status !== 422)) throw err;
  const open = (await forge.listPullRequests(branch)).find((p) => p.state === "open");
  if (open === undefined) throw err;
  return open;
}

/** Labels, reviewers, assignees and auto-merge of a new pull request: a refusal is a warning. */
async function decorate(forge: Forge, number: number, context: PullRequestContext): Promise<void> {
  const { settings, warnings } = context;
  const steps: [string, () => Promise<void>][] = [];
  if (settings.labels.length > 0)
    steps.push(["labels", () => forge.addLabels(number, settings.labels)]);
  if (settings.reviewers.length > 0) {
    steps.push(["reviewers", () => forge.requestReviewers(number, settings.reviewers)]);
  }
  if (settings.assignees.length > 0) {
    steps.push(["assignees", () => forge.addAssignees(number, settings.assignees)]);
  }
  const method = settings.autoMerge;
  if (method !== false) steps.push(["auto-merge", () => forge.enableAutoMerge(number, method)]);
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (err) {
      if (!(err instanceof ForgeError)) throw err;
      warnings.push(`pull request #${String(number)}: ${what} not set: ${err.message}`);
    }
  }
}

/** Forges rewrite line ends and trailing space of bodies they store. */
function sameText(a: string, b: string): boolean {
  const normal = (s: string): string => s.replace(/\r\n/g, "\n").trimEnd();
  return normal(a) === normal(b);
}
