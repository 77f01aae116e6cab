/**
 * publishProposal through its two ports, with in-memory implementations of
 * them: the failure paths that are hard to time against real servers (a
 * lease lost between the read and the push, a create whose answer was lost,
 * a forge that refuses a reviewer or fails the create), and dry runs.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ForgeError,
  type Forge,
  type PullRequest,
  type PullRequestDraft,
} from "../../src/publish/forge/forge.ts";
import type {
  CommitRequest,
  PushResult,
  RemoteBranch,
  Workspace,
} from "../../src/publish/git/workspace.ts";
import { renderCommitMessage } from "../../src/publish/commit-message.ts";
import { renderFingerprintTrailer } from "../../src/publish/marker.ts";
import type { Proposal } from "../../src/publish/proposal.ts";
import { publishProposal, type PublishSettings } from "../../src/publish/publish.ts";

const baseSha = "b".repeat(40);
const fingerprint = "f".repeat(64);

const proposal: Proposal = {
  branch: "imagestream-gitops/update",
  base: "main",
  tags: [
    {
      namespace: "demo",
      stream: "app",
      tag: "1",
      action: "import",
      rule: "scheduled",
      reason: "scheduled import",
      newImage: `sha256:${"1".repeat(64)}`,
      newPullSpec: `quay.io/acme/app@sha256:${"1".repeat(64)}`,
      file: "app.yaml",
      line: 1,
    },
  ],
  mirrors: [],
  triggers: [],
  files: [{ path: "app.yaml", before: "a: 1\n", after: "a: 2\n" }],
  skips: [],
  failures: [],
  fingerprint,
  reproduce: "imagestream-gitops plan --repo .",
};

const settings: PublishSettings = {
  author: { name: "bot", email: "bot@example.invalid" },
  labels: ["dependencies"],
  reviewers: ["nobody"],
  assignees: [],
  autoMerge: false,
};

/** A remote with one branch slot, and a work tree that commits on the base. */
class MemoryWorkspace implements Workspace {
  readonly dir = "/nonexistent";
  readonly baseSha = baseSha;
  readonly remoteUrl = "memory://remote";
  readonly leftovers = [];
  remote: RemoteBranch | undefined;
  /** Someone else's push that lands between the run's read and its push. */
  racer: RemoteBranch | undefined;
  commits = 0;

  remoteBranch(): Promise<RemoteBranch | undefined> {
    const seen = this.remote;
    if (this.racer !== undefined) this.remote = this.racer;
    return Promise.resolve(seen);
  }
  readFile(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }
  commit(request: CommitRequest): Promise<{ sha: string; tree: string }> {
    this.commits++;
    this.#pending = { message: request.message };
    return Promise.resolve({ sha: String(this.commits).repeat(40).slice(0, 40), tree: "t" });
  }
  #pending: { message: string } | undefined;
  push(_branch: string, sha: string, expected: string | undefined): Promise<PushResult> {
    if (this.remote?.sha !== expected) {
      return Promise.resolve({ pushed: false, reason: "stale-lease", detail: "stale info" });
    }
    const message = this.#pending?.message ?? "";
    this.remote = {
      sha,
      parents: [baseSha],
      message,
      author: settings.author,
      committer: settings.author,
      tree: "t",
    };
    return Promise.resolve({ pushed: true });
  }
  deleteBranch(): Promise<PushResult> {
    this.remote = undefined;
    return Promise.resolve({ pushed: true });
  }
  remoteBranches(): Promise<string[]> {
    return Promise.resolve([]);
  }
  reset(): Promise<void> {
    return Promise.resolve();
  }
  dispose(): Promise<void> {
    return Promise.resolve();
  }
}

/** A forge holding pull requests in memory; `failNext` makes one operation fail once. */
class MemoryForge implements Forge {
  readonly kind = "github" as const;
  readonly maxBodyLength = 65_536;
  readonly pulls: PullRequest[] = [];
  readonly calls: string[] = [];
  failNext = new Map<string, { status: number; createAnyway?: boolean }>();

  #fail(operation: string): void {
    const failure = this.failNext.get(operation);
    if (failure === undefined) return;
    this.failNext.delete(operation);
    throw new ForgeError(
      "github",
      { method: "POST", url: `https://forge/${operation}` },
      failure.status,
      "refused",
    );
  }
  listPullRequests(): Promise<readonly PullRequest[]> {
    this.calls.push("list");
    return Promise.resolve([...this.pulls].reverse());
  }
  createPullRequest(draft: PullRequestDraft): Promise<PullRequest> {
    this.calls.push("create");
    const failure = this.failNext.get("create");
    const pr: PullRequest = {
      number: this.pulls.length + 1,
      url: `https://forge/pr/${String(this.pulls.length + 1)}`,
      state: "open",
      title: draft.title,
      body: draft.body,
      headBranch: draft.headBranch,
      baseBranch: draft.baseBranch,
      labels: [],
    };
    if (failure?.createAnyway === true) this.pulls.push(pr);
    this.#fail("create");
    if (failure === undefined) this.pulls.push(pr);
    return Promise.resolve(pr);
  }
  updatePullRequest(number: number, change: { title: string; body: string }): Promise<PullRequest> {
    this.calls.push("update");
    const index = this.pulls.findIndex((p) => p.number === number);
    const pr = { ...(this.pulls[index] as PullRequest), ...change };
    this.pulls[index] = pr;
    return Promise.resolve(pr);
  }
  addLabels(): Promise<void> {
    this.calls.push("labels");
    return Promise.resolve();
  }
  requestReviewers(): Promise<void> {
    this.calls.push("reviewers");
    this.#fail("reviewers");
    return Promise.resolve();
  }
  addAssignees(): Promise<void> {
    this.calls.push("assignees");
    return Promise.resolve();
  }
  enableAutoMerge(): Promise<void> {
    this.calls.push("auto-merge");
    return Promise.resolve();
  }
  closePullRequest(): Promise<void> {
    this.calls.push("close");
    return Promise.resolve();
  }
  comment(): Promise<void> {
    this.calls.push("comment");
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe("publishProposal", () => {
  it("a push that loses its lease overwrites nothing and fails with PUBLISH_BLOCKED", async () => {
    const workspace = new MemoryWorkspace();
    const someone: RemoteBranch = {
      sha: "9".repeat(40),
      parents: [baseSha],
      message: "theirs",
      author: settings.author,
      committer: settings.author,
      tree: "x",
    };
    workspace.racer = someone;
    await assert.rejects(publishProposal(proposal, workspace, new MemoryForge(), settings, false), {
      code: "PUBLISH_BLOCKED",
      // A person's commit: the next run holds the branch rather than rebuild it.
      message:
        /moved on the remote while this run worked \(someone else pushed\): stale info; nothing was overwritten, and it is held: the branch's tip 999999999999 \(bot\) is not a commit of this tool/,
    });
    assert.equal(workspace.remote, someone, "their commit stays");
  });

  it("a push that loses its lease to a run pushing another change says the next run rebuilds it", async () => {
    const workspace = new MemoryWorkspace();
    const other = { ...proposal, fingerprint: "e".repeat(64) };
    workspace.racer = {
      sha: "7".repeat(40),
      parents: [baseSha],
      message: renderCommitMessage(other),
      author: settings.author,
      committer: settings.author,
      tree: "o",
    };
    await assert.rejects(publishProposal(proposal, workspace, new MemoryForge(), settings, false), {
      code: "PUBLISH_BLOCKED",
      message: /: stale info; nothing was overwritten, the next run rebuilds it$/,
    });
    assert.equal(workspace.remote, workspace.racer, "the other run's commit stays");
  });

  it("a push that loses its lease to a run pushing this very change goes on to the pull request", async () => {
    const workspace = new MemoryWorkspace();
    // Another run at the same moment committed the same files on the same base.
    const twin: RemoteBranch = {
      sha: "8".repeat(40),
      parents: [baseSha],
      message: renderCommitMessage(proposal),
      author: settings.author,
      committer: settings.author,
      tree: "t",
    };
    workspace.racer = twin;
    const forge = new MemoryForge();
    const result = await publishProposal(proposal, workspace, forge, settings, false);
    assert.equal(result.decision.branch.kind, "keep");
    assert.equal(result.pushed, false, "this run pushed nothing");
    assert.equal(workspace.remote, twin, "the twin's commit stays");
    assert.equal(forge.pulls.length, 1, "the pull request is opened");
  });

  it("a create whose answer was lost (422 on the retry) adopts the open pull request", async () => {
    const forge = new MemoryForge();
    forge.failNext.set("create", { status: 422, createAnyway: true });
    const result = await publishProposal(proposal, new MemoryWorkspace(), forge, settings, false);
    assert.equal(forge.pulls.length, 1);
    assert.equal(result.pullRequest?.number, 1);
    assert.equal(result.pullRequest.action, "unchanged");
    assert.ok(forge.calls.includes("labels"), "the adopted pull request still gets its labels");
  });

  it("a refused reviewer is a warning: the pull request is opened and labelled", async () => {
    const forge = new MemoryForge();
    forge.failNext.set("reviewers", { status: 422 });
    const result = await publishProposal(proposal, new MemoryWorkspace(), forge, settings, false);
    assert.equal(result.pullRequest?.action, "created");
    assert.deepEqual(forge.calls, ["list", "create", "labels", "reviewers"]);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0] ?? "", /pull request #1: reviewers not set: github POST/);
  });

  it("a forge that fails the create fails the run after the push; the next run opens the pull request without a new commit", async () => {
    const workspace = new MemoryWorkspace();
    const forge = new MemoryForge();
    forge.failNext.set("create", { status: 502 });
    await assert.rejects(publishProposal(proposal, workspace, forge, settings, false), {
      code: "FORGE",
      transient: true,
    });
    assert.equal(workspace.commits, 1);
    assert.match(
      workspace.remote?.message ?? "",
      new RegExp(renderFingerprintTrailer(fingerprint)),
    );

    const again = await publishProposal(proposal, workspace, forge, settings, false);
    assert.equal(again.decision.branch.kind, "keep");
    assert.equal(again.pullRequest?.action, "created");
    assert.equal(workspace.commits, 1, "no second commit");
  });

  it("a dry run commits, pushes and opens nothing, and says what it would do", async () => {
    const workspace = new MemoryWorkspace();
    const forge = new MemoryForge();
    const result = await publishProposal(proposal, workspace, forge, settings, true);
    assert.equal(result.decision.branch.kind, "push");
    assert.equal(result.decision.pullRequest.kind, "create");
    assert.match(result.title, /^Update demo\/app:1 to sha256:11111111$/);
    assert.match(result.body, /imagestream-gitops: fingerprint=f{64}/);
    assert.equal(workspace.commits, 0);
    assert.equal(workspace.remote, undefined);
    assert.deepEqual(forge.calls, ["list"]);
  });
});
