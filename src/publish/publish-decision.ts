/**
 * What publishing does with a proposal, decided from what the remote and
 * the forge hold: the idempotency rules of the pull request, as a pure
 * function. The branch is always one commit on the base's tip, rebuilt on
 * every run; a run recognises its own commit by the fingerprint trailer and
 * its own pull requests by the body's marker.
 *
 * - Same fingerprint, same base: nothing is pushed (ten runs, one commit).
 * - A new fingerprint or a moved base: the branch is rebuilt and pushed
 *   with a lease on the tip this run saw.
 * - A tip that is not our commit is a person's: never force-pushed over.
 *   Ours means: our fingerprint trailer, our branch trailer naming this
 *   branch (a copy on another branch is not ours), one parent, and our
 *   committer (an amended commit has the person's).
 * - An open pull request from the branch without our marker is a person's:
 *   not edited, closed or duplicated.
 * - A pull request closed unmerged with this fingerprint: not proposed again;
 *   a different fingerprint (a newer digest) is.
 * - Nothing left to propose: the open pull request is closed and our
 *   branch deleted.
 */
import type { PullRequest } from "./forge/forge.ts";
import type { RemoteBranch } from "./git/workspace.ts";

/** What the decision is made from. */
export interface PublishState {
  /** The proposal's fingerprint; "" when it changes nothing relative to the base. */
  readonly fingerprint: string;
  readonly baseSha: string;
  /** The branch published, as the branch trailer must name it. */
  readonly branch: string;
  /** Committer emails of the tool's own commits (the configured author; GitHub's for API commits). */
  readonly ownCommitters: readonly string[];
  readonly remote: RemoteBranch | undefined;
  /** The tip's fingerprint trailer, when it has one. */
  readonly remoteFingerprint: string | undefined;
  /** The tip's branch trailer, when it has one. */
  readonly remoteBranchTrailer: string | undefined;
  /** The branch's pull requests into the base, newest first, each with its marker's fingerprint. */
  readonly pullRequests: readonly (PullRequest & { readonly fingerprint: string | undefined })[];
}

/** What to do with the branch. */
export type BranchStep =
  | { readonly kind: "keep"; readonly reason: string }
  | { readonly kind: "push"; readonly expected: string | undefined; readonly reason: string }
  | { readonly kind: "delete"; readonly expected: string; readonly reason: string };

/** What to do with the pull request. */
export type PullRequestStep =
  | { readonly kind: "none" }
  | { readonly kind: "create" }
  | { readonly kind: "update"; readonly number: number }
  | { readonly kind: "close"; readonly number: number };

/** The decision: a branch step, a pull request step, and whether something stopped the run. */
export interface PublishDecision {
  readonly branch: BranchStep;
  readonly pullRequest: PullRequestStep;
  /** Set when the run must not touch the branch: a person's commit, or a declined proposal. */
  readonly held?: {
    readonly rule: "human-commit" | "foreign-pull-request" | "declined";
    readonly reason: string;
  };
}

/** Decides what publishing does; see the module comment for the rules. */
export function decidePublish(state: PublishState): PublishDecision {
  const { remote, fingerprint } = state;
  const open = state.pullRequests.find((pr) => pr.state === "open" && pr.fingerprint !== undefined);
  if (remote !== undefined && !isOurs(state, remote)) {
    return {
      branch: { kind: "keep", reason: "the branch holds a commit this tool did not make" },
      pullRequest: { kind: "none" },
      held: {
        rule: "human-commit",
        reason: `the branch's tip ${remote.sha.slice(0, 12)} (${remote.author.name}) is not a commit of this tool: it is not force-pushed over; merge or close the pull request, or delete the branch, to let the tool update it`,
      },
    };
  }
  const foreign = state.pullRequests.find(
    (pr) => pr.state === "open" && pr.fingerprint === undefined,
  );
  if (foreign !== undefined) {
    return {
      branch: { kind: "keep", reason: "a pull request this tool did not open follows the branch" },
      pullRequest: { kind: "none" },
      held: {
        rule: "foreign-pull-request",
        reason: `pull request #${String(foreign.number)} from the branch was not opened by this tool: it is not edited or closed; close it to let the tool open its own`,
      },
    };
  }
  if (fingerprint === "") return nothingToPropose(remote, open);
  const declined = state.pullRequests.find(
    (pr) => pr.state === "closed" && pr.fingerprint === fingerprint,
  );
  if (open === undefined && declined !== undefined) {
    return {
      branch: { kind: "keep", reason: "the same change was declined" },
      pullRequest: { kind: "none" },
      held: {
        rule: "declined",
        reason: `pull request #${String(declined.number)} proposed these images and was closed without merging: they are not proposed again (a newer image is)`,
      },
    };
  }
  return {
    branch: branchStep(state),
    pullRequest: open === undefined ? { kind: "create" } : { kind: "update", number: open.number },
  };
}

function isOurs(state: PublishState, remote: RemoteBranch): boolean {
  return (
    state.remoteFingerprint !== undefined &&
    state.remoteBranchTrailer === state.branch &&
    remote.parents.length === 1 &&
    state.ownCommitters.includes(remote.committer.email)
  );
}

function branchStep(state: PublishState): BranchStep {
  const { remote } = state;
  if (remote === undefined) return { kind: "push", expected: undefined, reason: "a new branch" };
  if (state.remoteFingerprint === state.fingerprint && remote.parents[0] === state.baseSha) {
    return { kind: "keep", reason: "the branch already holds this change on the current base" };
  }
  const reason =
    state.remoteFingerprint === state.fingerprint ? "the base moved" : "the change is different";
  return { kind: "push", expected: remote.sha, reason };
}

function nothingToPropose(
  remote: RemoteBranch | undefined,
  open: PullRequest | undefined,
): PublishDecision {
  return {
    branch:
      remote === undefined
        ? { kind: "keep", reason: "nothing to propose" }
        : { kind: "delete", expected: remote.sha, reason: "nothing left to propose" },
    pullRequest: open === undefined ? { kind: "none" } : { kind: "close", number: open.number },
  };
}
