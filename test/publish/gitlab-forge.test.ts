import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import type { Forge } from "../../src/publish/forge/forge.ts";
import { createGitLabForge } from "../../src/publish/forge/gitlab.ts";
import { createForgeGitRepo, type ForgeGitRepo } from "../support/forge-git-repo.ts";
import { assertNoToken, recordingSleep, rejection } from "../support/forge-assertions.ts";
import { startGitLabServer, type GitLabServer } from "../support/gitlab-server.ts";

const token = "glpat-secret-0123456789";
const project = "platform/apps/gitops";
const branch = "imagestream-gitops/update";
const draft = {
  title: "Update images",
  body: "## Images\n",
  headBranch: branch,
  baseBranch: "main",
};

interface Setup {
  readonly repo: ForgeGitRepo;
  readonly server: GitLabServer;
  readonly forge: Forge;
  readonly waits: number[];
}

async function setup(t: TestContext, forgeToken = token): Promise<Setup> {
  const repo = await createForgeGitRepo(t, [branch, "other"]);
  const server = await startGitLabServer(t, {
    gitDir: repo.gitDir,
    projectPath: project,
    token,
    users: ["alice", "bob"],
  });
  const settings = {
    kind: "gitlab",
    apiUrl: server.apiUrl,
    repository: project,
    token: forgeToken,
  } as const;
  const { waits, sleep } = recordingSleep();
  return { repo, server, forge: createGitLabForge(settings, { sleep }), waits };
}

describe("GitLab forge", () => {
  it("creates a merge request from the branch, with the head sha GitLab reads from git", async (t) => {
    const { repo, server, forge } = await setup(t);
    const sha = await repo.push(branch);
    const pr = await forge.createPullRequest(draft);
    assert.equal(forge.kind, "gitlab");
    assert.equal(forge.maxBodyLength, 1_000_000);
    assert.deepEqual(pr, {
      number: 1,
      url: `${server.url}/${project}/-/merge_requests/1`,
      state: "open",
      title: "Update images",
      body: "## Images\n",
      headBranch: branch,
      baseBranch: "main",
      headSha: sha,
      labels: [],
    });
    const create = server.requests.at(-1);
    assert.equal(create?.path, "/api/v4/projects/platform%2Fapps%2Fgitops/merge_requests");
    assert.deepEqual(create.body, {
      source_branch: branch,
      target_branch: "main",
      title: "Update images",
      description: "## Images\n",
      remove_source_branch: true,
    });
    assert.deepEqual(server.violations, []);
  });

  it("lists the branch's merge requests newest first, open, closed and merged, without forks' or other branches'", async (t) => {
    const { server, forge } = await setup(t);
    const first = await forge.createPullRequest(draft);
    await forge.closePullRequest(first.number);
    const second = await forge.createPullRequest(draft);
    const merged = server.mergeRequests.find((mr) => mr.iid === second.number);
    assert.ok(merged);
    merged.state = "merged";
    await forge.createPullRequest({ ...draft, headBranch: "other" });
    server.mergeRequests.push({ ...merged, iid: 99, state: "opened", source_project_id: 7 });
    const third = await forge.createPullRequest(draft);
    const list = await forge.listPullRequests(branch);
    assert.deepEqual(
      list.map((pr) => [pr.number, pr.state]),
      [
        [third.number, "open"],
        [second.number, "merged"],
        [first.number, "closed"],
      ],
    );
    const query = new URLSearchParams(server.requests.at(-1)?.query);
    assert.equal(query.get("source_branch"), branch);
    assert.equal(query.get("state"), "all");
    assert.deepEqual(server.violations, []);
  });

  it("updates the title and description", async (t) => {
    const { forge, server } = await setup(t);
    const pr = await forge.createPullRequest(draft);
    const updated = await forge.updatePullRequest(pr.number, { title: "New", body: "new body" });
    assert.equal(updated.title, "New");
    assert.equal(updated.body, "new body");
    assert.deepEqual(server.requests.at(-1)?.body, { title: "New", description: "new body" });
    assert.deepEqual(server.violations, []);
  });

  it("adds labels, keeping the ones it has, and GitLab creates the missing ones", async (t) => {
    const { forge, server } = await setup(t);
    const pr = await forge.createPullRequest(draft);
    await forge.addLabels(pr.number, ["images", "automated"]);
    await forge.addLabels(pr.number, ["automated", "security"]);
    await forge.addLabels(pr.number, []);
    const [listed] = await forge.listPullRequests(branch);
    assert.deepEqual(listed?.labels, ["images", "automated", "security"]);
    assert.deepEqual([...server.labels], ["images", "automated", "security"]);
    assert.deepEqual(server.requests.at(-2)?.body, { add_labels: "automated,security" });
    assert.deepEqual(server.violations, []);
  });

  it("requests reviewers and adds assignees by username, keeping the current ones", async (t) => {
    const { forge, server } = await setup(t);
    const pr = await forge.createPullRequest(draft);
    await forge.requestReviewers(pr.number, ["alice"]);
    await forge.requestReviewers(pr.number, ["bob", "alice"]);
    await forge.addAssignees(pr.number, ["bob"]);
    await forge.addAssignees(pr.number, ["alice"]);
    const mr = server.mergeRequests[0];
    assert.deepEqual(mr?.reviewer_ids, [100, 101]);
    assert.deepEqual(mr.assignee_ids, [101, 100]);
    assert.ok(
      server.requests.some((r) => r.path === "/api/v4/users" && r.query === "username=alice"),
    );
    const err = await rejection(forge.requestReviewers(pr.number, ["mallory"]));
    assert.match(err.message, /no user named "mallory"/);
    assert.equal(err.transient, false);
    assert.deepEqual(server.violations, []);
  });

  it("comments, closes and turns on auto-merge", async (t) => {
    const { forge, server } = await setup(t);
    const pr = await forge.createPullRequest(draft);
    await forge.comment(pr.number, "rebased on main");
    await forge.enableAutoMerge(pr.number, "squash");
    const mr = server.mergeRequests[0];
    assert.deepEqual(mr?.notes, ["rebased on main"]);
    assert.equal(mr.merge_when_pipeline_succeeds, true);
    assert.equal(mr.squash, true);
    assert.deepEqual(server.requests.at(-1)?.body, {
      merge_when_pipeline_succeeds: true,
      auto_merge: true,
      squash: true,
    });
    await forge.closePullRequest(pr.number);
    assert.equal(mr.state, "closed");
    const [listed] = await forge.listPullRequests(branch);
    assert.equal(listed?.state, "closed");
    assert.deepEqual(server.violations, []);
  });

  it("retries a 502 with backoff and a 429 after its Retry-After", async (t) => {
    const { forge, server, waits } = await setup(t);
    server.fail("POST", "/projects/:id/merge_requests", { status: 502 });
    server.fail("GET", "/projects/:id/merge_requests", { status: 429, retryAfter: 7 }, 2);
    const pr = await forge.createPullRequest(draft);
    const list = await forge.listPullRequests(branch);
    assert.deepEqual(list, [pr]);
    assert.deepEqual(waits, [500, 7000, 7000]);
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${String(r.status)}`),
      ["POST 502", "POST 201", "GET 429", "GET 429", "GET 200"],
    );
    assert.deepEqual(server.violations, []);
  });

  it("fails after the last attempt with a transient ForgeError", async (t) => {
    const { forge, server, waits } = await setup(t);
    server.fail("GET", "/projects/:id/merge_requests", { status: 502 }, 4);
    const err = await rejection(forge.listPullRequests(branch));
    assert.equal(err.status, 502);
    assert.equal(err.transient, true);
    assert.equal(waits.length, 3);
    assert.deepEqual(server.violations, []);
  });

  it("surfaces a duplicate open merge request as GitLab's 409 message", async (t) => {
    const { forge, server } = await setup(t);
    await forge.createPullRequest(draft);
    const err = await rejection(forge.createPullRequest(draft));
    assert.equal(err.code, "FORGE");
    assert.equal(err.status, 409);
    assert.equal(err.transient, false);
    assert.match(
      err.message,
      /Another open merge request already exists for this source branch: !1/,
    );
    assertNoToken(err, token);
    assert.deepEqual(server.violations, []);
  });

  it("surfaces a missing source branch as GitLab's validation error", async (t) => {
    const { forge, repo, server } = await setup(t);
    await repo.deleteBranch(branch);
    const err = await rejection(forge.createPullRequest(draft));
    assert.equal(err.status, 400);
    assert.match(err.message, /source_branch.*does not exist/);
    assert.deepEqual(server.violations, []);
  });

  it("never puts the token in an error, even a 401 for a wrong one", async (t) => {
    const { forge, server } = await setup(t, "glpat-wrong-token");
    const err = await rejection(forge.listPullRequests(branch));
    assert.equal(err.status, 401);
    assert.match(err.message, /401 Unauthorized/);
    assert.ok(!err.message.includes("glpat-wrong-token"));
    assertNoToken(err, token);
    assert.deepEqual(server.violations, []);
  });

  it("has a server that refuses an unknown or wrongly typed field and records it", async (t) => {
    const { server } = await setup(t);
    const res = await fetch(
      `${server.apiUrl}/projects/${encodeURIComponent(project)}/merge_requests`,
      {
        method: "POST",
        headers: { "private-token": token, "content-type": "application/json" },
        body: JSON.stringify({ source_branch: branch, target_branch: "main", title: 5, body: "x" }),
      },
    );
    assert.equal(res.status, 400);
    assert.deepEqual(
      server.violations.map((v) => [v.field, v.problem]),
      [
        ["title", "must be string"],
        ["body", "is not accepted"],
      ],
    );
    assert.equal(server.mergeRequests.length, 0);
  });
});
