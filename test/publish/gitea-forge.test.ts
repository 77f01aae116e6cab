import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import type { Forge } from "../../src/publish/forge/forge.ts";
import { createGiteaForge } from "../../src/publish/forge/gitea.ts";
import { createForgeGitRepo, type ForgeGitRepo } from "../support/forge-git-repo.ts";
import { assertNoToken, recordingSleep, rejection } from "../support/forge-assertions.ts";
import {
  startGiteaServer,
  type GiteaServer,
  type GiteaServerOptions,
} from "../support/gitea-server.ts";

const token = "gitea-secret-0123456789";
const repository = "platform/gitops";
const branch = "imagestream-gitops/update";
const draft = {
  title: "Update images",
  body: "## Images\n",
  headBranch: branch,
  baseBranch: "main",
};

interface Setup {
  readonly repo: ForgeGitRepo;
  readonly server: GiteaServer;
  readonly forge: Forge;
  readonly waits: number[];
}

async function setup(
  t: TestContext,
  options: Partial<GiteaServerOptions> = {},
  forgeToken = token,
): Promise<Setup> {
  const repo = await createForgeGitRepo(t, [branch, "other"]);
  const server = await startGiteaServer(t, {
    gitDir: repo.gitDir,
    repository,
    token,
    users: ["alice", "bob", "carol"],
    ...options,
  });
  const settings = { kind: "gitea", apiUrl: server.apiUrl, repository, token: forgeToken } as const;
  const { waits, sleep } = recordingSleep();
  return { repo, server, forge: createGiteaForge(settings, { sleep }), waits };
}

describe("Gitea forge", () => {
  it("creates a pull request with the head sha Gitea reads from git", async (t) => {
    const { repo, server, forge } = await setup(t);
    const sha = await repo.push(branch);
    const pr = await forge.createPullRequest(draft);
    assert.equal(forge.kind, "gitea");
    assert.equal(forge.maxBodyLength, 1_000_000);
    assert.deepEqual(pr, {
      number: 1,
      url: `${server.url}/${repository}/pulls/1`,
      state: "open",
      title: "Update images",
      body: "## Images\n",
      headBranch: branch,
      baseBranch: "main",
      headSha: sha,
      labels: [],
    });
    const create = server.requests.at(-1);
    assert.equal(create?.path, "/api/v1/repos/platform/gitops/pulls");
    assert.deepEqual(create.body, {
      head: branch,
      base: "main",
      title: "Update images",
      body: "## Images\n",
    });
    assert.deepEqual(server.violations, []);
  });

  it("lists the branch's pull requests across pages, newest first, open, closed and merged, without forks'", async (t) => {
    const { server, forge } = await setup(t, { maxResponseItems: 2 });
    const closed = await forge.createPullRequest(draft);
    await forge.closePullRequest(closed.number);
    const merged = await forge.createPullRequest(draft);
    const record = server.pulls.find((p) => p.number === merged.number);
    assert.ok(record);
    record.merged = true;
    record.state = "closed";
    for (let i = 0; i < 3; i++)
      server.addPull({ head: "other", base: "main", title: `other ${String(i)}` });
    server.addPull({
      head: branch,
      base: "main",
      title: "from a fork",
      headRepo: "someone/gitops",
    });
    const open = await forge.createPullRequest(draft);
    const list = await forge.listPullRequests(branch);
    assert.deepEqual(
      list.map((pr) => [pr.number, pr.state]),
      [
        [open.number, "open"],
        [merged.number, "merged"],
        [closed.number, "closed"],
      ],
    );
    const pages = server.requests.filter((r) => r.method === "GET").map((r) => r.query);
    assert.deepEqual(
      pages,
      [1, 2, 3, 4].map((page) => `state=all&limit=50&page=${String(page)}`),
    );
    assert.deepEqual(server.violations, []);
  });

  it("updates the title and body", async (t) => {
    const { forge, server } = await setup(t);
    const pr = await forge.createPullRequest(draft);
    const updated = await forge.updatePullRequest(pr.number, { title: "New", body: "new body" });
    assert.equal(updated.title, "New");
    assert.equal(updated.body, "new body");
    assert.deepEqual(server.requests.at(-1)?.body, { title: "New", body: "new body" });
    assert.deepEqual(server.violations, []);
  });

  it("adds labels by id: the repository's, the organization's, and a new one it creates", async (t) => {
    const { forge, server } = await setup(t, { labels: ["images"], orgLabels: ["security"] });
    const pr = await forge.createPullRequest(draft);
    await forge.addLabels(pr.number, ["images", "security", "automated"]);
    const created = server.labels.find((label) => label.name === "automated");
    assert.ok(created);
    assert.equal(created.color, "#ededed");
    const [listed] = await forge.listPullRequests(branch);
    assert.deepEqual(listed?.labels.toSorted(), ["automated", "images", "security"]);
    const add = server.requests.find((r) => r.path.endsWith("/issues/1/labels"));
    assert.deepEqual(add?.body, { labels: [1, 2, created.id] });
    assert.ok(server.requests.some((r) => r.path === "/api/v1/orgs/platform/labels"));
    assert.deepEqual(server.violations, []);
  });

  it("looks no further than the repository when it has every label, and copes with a user owner", async (t) => {
    const { forge, server } = await setup(t, { labels: ["images"] });
    const pr = await forge.createPullRequest(draft);
    await forge.addLabels(pr.number, ["images"]);
    assert.ok(!server.requests.some((r) => r.path.includes("/orgs/")));
    await forge.addLabels(pr.number, ["new"]);
    assert.ok(server.requests.some((r) => r.path.includes("/orgs/") && r.status === 404));
    assert.deepEqual(server.pulls[0]?.labelIds, [1, 2]);
    assert.deepEqual(server.violations, []);
  });

  it("requests reviewers and adds assignees by login, keeping the current assignees", async (t) => {
    const { forge, server } = await setup(t);
    const pr = await forge.createPullRequest(draft);
    const record = server.pulls[0];
    assert.ok(record);
    record.assignees = ["carol"];
    await forge.requestReviewers(pr.number, ["alice", "bob"]);
    await forge.addAssignees(pr.number, ["alice", "carol"]);
    assert.deepEqual(record.reviewers, ["alice", "bob"]);
    assert.deepEqual(record.assignees, ["carol", "alice"]);
    assert.deepEqual(server.requests.at(-1)?.body, { assignees: ["carol", "alice"] });
    const err = await rejection(forge.requestReviewers(pr.number, ["mallory"]));
    assert.equal(err.status, 422);
    assert.match(err.message, /user does not exist/);
    assert.deepEqual(server.violations, []);
  });

  it("comments, closes and schedules a merge for when the checks pass", async (t) => {
    const { forge, server } = await setup(t);
    const pr = await forge.createPullRequest(draft);
    await forge.comment(pr.number, "rebased on main");
    await forge.enableAutoMerge(pr.number, "squash");
    const record = server.pulls[0];
    assert.deepEqual(record?.comments, ["rebased on main"]);
    assert.equal(record.autoMerge, "squash");
    assert.deepEqual(server.requests.at(-1)?.body, {
      Do: "squash",
      merge_when_checks_succeed: true,
    });
    await forge.closePullRequest(pr.number);
    const [listed] = await forge.listPullRequests(branch);
    assert.equal(listed?.state, "closed");
    assert.deepEqual(server.violations, []);
  });

  it("still finds a closed pull request whose branch was deleted (head.ref is then refs/pull/N/head)", async (t) => {
    const { forge, repo, server } = await setup(t);
    const pr = await forge.updatePullRequest((await forge.createPullRequest(draft)).number, {
      title: draft.title,
      body: "<!-- marker -->",
    });
    await forge.closePullRequest(pr.number);
    await repo.deleteBranch(branch);
    const listed = await forge.listPullRequests(branch);
    assert.deepEqual(
      listed.map((p) => [p.number, p.state, p.headBranch, p.body]),
      [[pr.number, "closed", branch, "<!-- marker -->"]],
    );
    assert.deepEqual(server.violations, []);
  });

  it("retries a 502 with backoff and a 429 after its Retry-After", async (t) => {
    const { forge, server, waits } = await setup(t);
    server.fail("POST", "/repos/:owner/:repo/pulls", { status: 502 });
    server.fail("GET", "/repos/:owner/:repo/pulls", { status: 429, retryAfter: 3 });
    const pr = await forge.createPullRequest(draft);
    assert.deepEqual(await forge.listPullRequests(branch), [pr]);
    assert.deepEqual(waits, [500, 3000]);
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${String(r.status)}`),
      ["POST 502", "POST 201", "GET 429", "GET 200"],
    );
    assert.deepEqual(server.violations, []);
  });

  it("surfaces a duplicate open pull request as Gitea's 409 message", async (t) => {
    const { forge, server } = await setup(t);
    await forge.createPullRequest(draft);
    const err = await rejection(forge.createPullRequest(draft));
    assert.equal(err.code, "FORGE");
    assert.equal(err.status, 409);
    assert.equal(err.transient, false);
    assert.match(err.message, /pull request already exists for these targets/);
    assertNoToken(err, token);
    assert.deepEqual(server.violations, []);
  });

  it("surfaces a missing head branch as Gitea's 404", async (t) => {
    const { forge, repo, server } = await setup(t);
    await repo.deleteBranch(branch);
    const err = await rejection(forge.createPullRequest(draft));
    assert.equal(err.status, 404);
    assert.match(err.message, /The target couldn't be found/);
    assert.deepEqual(server.violations, []);
  });

  it("never puts the token in an error, even a 401 for a wrong one", async (t) => {
    const { forge, server } = await setup(t, {}, "gitea-wrong-token");
    const err = await rejection(forge.comment(1, "hello"));
    assert.equal(err.status, 401);
    assert.ok(!err.message.includes("gitea-wrong-token"));
    assertNoToken(err, token);
    assert.deepEqual(server.violations, []);
  });

  it("has a server that refuses an unknown or wrongly typed field and records it", async (t) => {
    const { server } = await setup(t);
    const res = await fetch(`${server.apiUrl}/repos/${repository}/pulls`, {
      method: "POST",
      headers: { authorization: `token ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        head: branch,
        base: "main",
        title: "t",
        labels: ["images"],
        draft: true,
      }),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(
      server.violations.map((v) => [v.where, v.field, v.problem]),
      [
        ["body", "labels", "must be integer[]"],
        ["body", "draft", "is not accepted"],
      ],
    );
    assert.equal(server.pulls.length, 0);
  });

  it("has a server that refuses a query parameter outside the swagger enum", async (t) => {
    const { server } = await setup(t);
    const res = await fetch(`${server.apiUrl}/repos/${repository}/pulls?state=all&sort=newest`, {
      headers: { authorization: `token ${token}` },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(
      server.violations.map((v) => [v.where, v.field]),
      [["query", "sort"]],
    );
  });
});
