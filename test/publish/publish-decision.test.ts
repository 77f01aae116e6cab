/**
 * The idempotency rules of publishing, table-driven: each case is the
 * state a run finds (remote branch, its trailer, the branch's pull
 * requests) and the steps it must take.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PullRequest } from "../../src/publish/forge/forge.ts";
import type { RemoteBranch } from "../../src/publish/git/workspace.ts";
import { decidePublish, type PublishState } from "../../src/publish/publish-decision.ts";

const base = "b".repeat(40);
const oldBase = "a".repeat(40);
const tool = { name: "imagestream-gitops", email: "imagestream-gitops@noreply.invalid" };

function remote(parent: string, extra: Partial<RemoteBranch> = {}): RemoteBranch {
  return {
    sha: "c".repeat(40),
    parents: [parent],
    message: "Update\n\nImagestream-Gitops-Fingerprint: f1",
    author: tool,
    committer: tool,
    tree: "d".repeat(40),
    ...extra,
  };
}

function pr(
  number: number,
  state: PullRequest["state"],
  fingerprint: string | undefined,
): PullRequest & { fingerprint: string | undefined } {
  return {
    number,
    url: `https://forge.example/pr/${String(number)}`,
    state,
    title: "t",
    body: "b",
    headBranch: "imagestream-gitops/update",
    baseBranch: "main",
    labels: [],
    fingerprint,
  };
}

const cases: readonly {
  name: string;
  state: Partial<PublishState>;
  branch: string;
  expected?: string | undefined;
  pullRequest: string;
  held?: string;
}[] = [
  {
    name: "first run: new branch, new pull request",
    state: {},
    branch: "push",
    expected: undefined,
    pullRequest: "create",
  },
  {
    name: "same change on the same base: nothing pushed, the open pull request checked",
    state: { remote: remote(base), remoteFingerprint: "f1", pullRequests: [pr(1, "open", "f1")] },
    branch: "keep",
    pullRequest: "update",
  },
  {
    name: "the base moved: rebuilt with a lease on the tip seen",
    state: {
      remote: remote(oldBase),
      remoteFingerprint: "f1",
      pullRequests: [pr(1, "open", "f1")],
    },
    branch: "push",
    expected: "c".repeat(40),
    pullRequest: "update",
  },
  {
    name: "a new digest: rebuilt, the same pull request updated",
    state: {
      fingerprint: "f2",
      remote: remote(base),
      remoteFingerprint: "f1",
      pullRequests: [pr(1, "open", "f1")],
    },
    branch: "push",
    expected: "c".repeat(40),
    pullRequest: "update",
  },
  {
    name: "a person's commit on the tip: held, nothing touched",
    state: {
      remote: remote(base, { message: "fix by hand" }),
      remoteFingerprint: undefined,
      pullRequests: [pr(1, "open", "f1")],
    },
    branch: "keep",
    pullRequest: "none",
    held: "human-commit",
  },
  {
    name: "a merge commit on the tip is not ours either",
    state: { remote: remote(base, { parents: [base, oldBase] }), remoteFingerprint: "f1" },
    branch: "keep",
    pullRequest: "none",
    held: "human-commit",
  },
  {
    name: "an amended commit of ours (a person as committer) is a person's",
    state: {
      remote: remote(base, { committer: { name: "A Human", email: "human@example.com" } }),
      remoteFingerprint: "f1",
      pullRequests: [pr(1, "open", "f1")],
    },
    branch: "keep",
    pullRequest: "none",
    held: "human-commit",
  },
  {
    name: "a copy of our commit on another branch is not ours",
    state: {
      remote: remote(base),
      remoteFingerprint: "f1",
      remoteBranchTrailer: "imagestream-gitops/other",
    },
    branch: "keep",
    pullRequest: "none",
    held: "human-commit",
  },
  {
    name: "an open pull request without our marker is a person's: not edited or closed",
    state: {
      fingerprint: "",
      remote: remote(base),
      remoteFingerprint: "f1",
      pullRequests: [pr(4, "open", undefined)],
    },
    branch: "keep",
    pullRequest: "none",
    held: "foreign-pull-request",
  },
  {
    name: "closed unmerged with the same fingerprint: declined",
    state: { remote: remote(base), remoteFingerprint: "f1", pullRequests: [pr(1, "closed", "f1")] },
    branch: "keep",
    pullRequest: "none",
    held: "declined",
  },
  {
    name: "closed unmerged, then a newer digest: proposed in a new pull request",
    state: {
      fingerprint: "f2",
      remote: remote(base),
      remoteFingerprint: "f1",
      pullRequests: [pr(1, "closed", "f1")],
    },
    branch: "push",
    expected: "c".repeat(40),
    pullRequest: "create",
  },
  {
    name: "merged with the same fingerprint is not a refusal",
    state: { pullRequests: [pr(1, "merged", "f1")] },
    branch: "push",
    expected: undefined,
    pullRequest: "create",
  },
  {
    name: "nothing left to propose: the open pull request closed, our branch deleted",
    state: {
      fingerprint: "",
      remote: remote(base),
      remoteFingerprint: "f1",
      pullRequests: [pr(3, "open", "f1")],
    },
    branch: "delete",
    expected: "c".repeat(40),
    pullRequest: "close",
  },
  {
    name: "nothing to propose and no branch: nothing",
    state: { fingerprint: "" },
    branch: "keep",
    pullRequest: "none",
  },
];

describe("decidePublish", () => {
  for (const c of cases) {
    it(c.name, () => {
      const state: PublishState = {
        fingerprint: "f1",
        baseSha: base,
        branch: "imagestream-gitops/update",
        ownCommitters: [tool.email],
        remote: undefined,
        remoteFingerprint: undefined,
        remoteBranchTrailer: "imagestream-gitops/update",
        pullRequests: [],
        ...c.state,
      };
      const decision = decidePublish(state);
      assert.equal(decision.branch.kind, c.branch);
      if ("expected" in c) {
        assert.ok(decision.branch.kind === "push" || decision.branch.kind === "delete");
        assert.equal(decision.branch.expected, c.expected);
      }
      assert.equal(decision.pullRequest.kind, c.pullRequest);
      assert.equal(decision.held?.rule, c.held);
    });
  }
});
