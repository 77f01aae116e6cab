/**
 * The GitHub forge against the OpenAPI-validated test GitHub server, with a
 * real bare repository as the source of branches and shas. Every test ends
 * by asserting the server saw no request or response outside GitHub's description.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import type { Forge } from "../../src/publish/forge/forge.ts";
import { createGitHubForge, parsePullRequest } from "../../src/publish/forge/github.ts";
import { graphqlRoot } from "../../src/publish/forge/github-api.ts";
import { rejection } from "../support/forge-assertions.ts";
import { GitHubServer } from "../support/github-server.ts";

const token = "ghp_TESTSECRETtoken0123456789";
const owner = "acme";
const repo = "app";
let root: string;
let gitDir: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args],
    { cwd, encoding: "utf8", stdio: "pipe" },
  ).trim();
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), "isg-github-"));
  gitDir = path.join(root, "remote.git");
  const work = path.join(root, "work");
  git(root, "init", "--quiet", "--bare", "--initial-branch=main", gitDir);
  git(root, "clone", "--quiet", gitDir, work);
  git(work, "commit", "--quiet", "--allow-empty", "-m", "initial");
  git(work, "push", "--quiet", "origin", "HEAD:main");
  git(work, "commit", "--quiet", "--allow-empty", "-m", "update images");
  git(work, "push", "--quiet", "origin", "HEAD:imagestream-gitops/update");
});

after(() => rm(root, { recursive: true, force: true }));

interface Setup {
  readonly server: GitHubServer;
  readonly forge: Forge;
  readonly sleeps: number[];
}

/** Runs `body` against a fresh server, then asserts GitHub's description held throughout. */
async function withGitHub(
  body: (s: Setup) => Promise<void>,
  options: { readonly prefix?: string; readonly token?: string; readonly now?: () => number } = {},
): Promise<void> {
  const server = await GitHubServer.start({ owner, repo, token, gitDir });
  const sleeps: number[] = [];
  const forge = createGitHubForge(
    {
      kind: "github",
      apiUrl: server.url + (options.prefix ?? ""),
      repository: `${owner}/${repo}`,
      token: options.token ?? token,
    },
    {
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      ...(options.now === undefined ? {} : { now: options.now }),
    },
  );
  try {
    await body({ server, forge, sleeps });
    assert.deepEqual(server.violations, []);
  } finally {
    await server.close();
  }
}

const draft = {
  title: "Update images",
  body: "digests",
  headBranch: "imagestream-gitops/update",
  baseBranch: "main",
};

describe("GitHub forge", () => {
  it("creates a pull request whose head sha is the branch's in git", () =>
    withGitHub(async ({ server, forge }) => {
      const pull = await forge.createPullRequest(draft);
      const sha = git(
        root,
        "--git-dir",
        gitDir,
        "rev-parse",
        "refs/heads/imagestream-gitops/update",
      );
      assert.deepEqual(pull, {
        number: 1,
        url: `https://github.com/${owner}/${repo}/pull/1`,
        state: "open",
        title: "Update images",
        body: "digests",
        headBranch: "imagestream-gitops/update",
        baseBranch: "main",
        headSha: sha,
        labels: [],
      });
      assert.equal(forge.maxBodyLength, 65_536);
      assert.deepEqual(
        server.requests.map((r) => `${r.method} ${r.path} ${r.operationId ?? ""}`),
        [`POST /repos/${owner}/${repo}/pulls pulls/create`],
      );
    }));

  it("gets 422 for a branch git does not have", () =>
    withGitHub(async ({ forge }) => {
      const err = await rejection(
        forge.createPullRequest({ ...draft, headBranch: "no-such-branch" }),
      );
      assert.equal(err.status, 422);
      assert.equal(err.transient, false);
    }));

  it("surfaces a duplicate pull request as GitHub's 422 message", () =>
    withGitHub(async ({ forge }) => {
      await forge.createPullRequest(draft);
      const err = await rejection(forge.createPullRequest(draft));
      assert.equal(err.status, 422);
      assert.match(
        err.message,
        /A pull request already exists for acme:imagestream-gitops\/update\./,
      );
      assert.ok(!err.message.includes(token));
    }));

  it("lists open, closed and merged pull requests of a head, newest first", () =>
    withGitHub(async ({ server, forge }) => {
      await forge.createPullRequest(draft);
      await forge.closePullRequest(1);
      await forge.createPullRequest(draft);
      server.merge(2);
      await forge.createPullRequest(draft);
      const pulls = await forge.listPullRequests("imagestream-gitops/update");
      assert.deepEqual(
        pulls.map((p) => [p.number, p.state]),
        [
          [3, "open"],
          [2, "merged"],
          [1, "closed"],
        ],
      );
      assert.deepEqual(await forge.listPullRequests("other"), []);
      const list = server.requests.find((r) => r.operationId === "pulls/list");
      assert.deepEqual(list?.query, {
        state: "all",
        head: "acme:imagestream-gitops/update",
        sort: "created",
        direction: "desc",
        per_page: "100",
      });
    }));

  it("updates the title and body", () =>
    withGitHub(async ({ server, forge }) => {
      await forge.createPullRequest(draft);
      const pull = await forge.updatePullRequest(1, { title: "New title", body: "new body" });
      assert.equal(pull.title, "New title");
      assert.equal(pull.body, "new body");
      assert.equal(server.pulls[0]?.title, "New title");
    }));

  it("adds labels, user and team reviewers, assignees and a comment", () =>
    withGitHub(async ({ server, forge }) => {
      await forge.createPullRequest(draft);
      await forge.addLabels(1, ["images", "automated"]);
      await forge.requestReviewers(1, ["alice", "acme/platform"]);
      await forge.addAssignees(1, ["bob"]);
      await forge.comment(1, "mirrored 3 images");
      await forge.addLabels(1, []);
      const stored = server.pulls[0];
      assert.deepEqual(stored?.labels, ["images", "automated"]);
      assert.deepEqual(stored.reviewers, ["alice"]);
      assert.deepEqual(stored.teamReviewers, ["platform"]);
      assert.deepEqual(stored.assignees, ["bob"]);
      assert.deepEqual(stored.comments, ["mirrored 3 images"]);
      assert.equal(server.requests.length, 5);
      const [listed] = await forge.listPullRequests(draft.headBranch);
      assert.deepEqual(listed?.labels, ["images", "automated"]);
    }));

  it("closes a pull request", () =>
    withGitHub(async ({ server, forge }) => {
      await forge.createPullRequest(draft);
      await forge.closePullRequest(1);
      assert.equal(server.pulls[0]?.state, "closed");
      assert.equal((await forge.listPullRequests(draft.headBranch))[0]?.state, "closed");
    }));

  it("enables auto-merge over GraphQL with the pull request's node id", () =>
    withGitHub(async ({ server, forge }) => {
      await forge.createPullRequest(draft);
      await forge.enableAutoMerge(1, "squash");
      assert.equal(server.pulls[0]?.autoMerge, "SQUASH");
      assert.deepEqual(
        server.requests.slice(1).map((r) => r.operationId),
        ["pulls/get", "graphql"],
      );
    }));

  it("serves GitHub Enterprise's /api/v3 and /api/graphql roots", () =>
    withGitHub(
      async ({ server, forge }) => {
        await forge.createPullRequest(draft);
        await forge.enableAutoMerge(1, "rebase");
        assert.deepEqual(
          server.requests.map((r) => r.rawPath),
          [
            `/api/v3/repos/${owner}/${repo}/pulls`,
            `/api/v3/repos/${owner}/${repo}/pulls/1`,
            "/api/graphql",
          ],
        );
        assert.equal(server.pulls[0]?.autoMerge, "REBASE");
      },
      { prefix: "/api/v3" },
    ));

  it("retries a 502, then succeeds", () =>
    withGitHub(async ({ server, forge, sleeps }) => {
      server.injectFault("pulls/create", { kind: "bad-gateway" });
      assert.equal((await forge.createPullRequest(draft)).number, 1);
      assert.deepEqual(sleeps, [500]);
      assert.equal(server.requests.filter((r) => r.operationId === "pulls/create").length, 2);
    }));

  it("never sends a comment twice: a 502 on it fails without a retry", () =>
    withGitHub(async ({ server, forge, sleeps }) => {
      await forge.createPullRequest(draft);
      server.injectFault("issues/create-comment", { kind: "bad-gateway" });
      const err = await rejection(forge.comment(1, "closing"));
      assert.equal(err.status, 502);
      assert.equal(err.transient, true);
      assert.deepEqual(sleeps, []);
      const comments = server.requests.filter((r) => r.operationId === "issues/create-comment");
      assert.equal(comments.length, 1);
    }));

  it("waits the Retry-After of a 429, and backs off from one without it", () =>
    withGitHub(async ({ server, forge, sleeps }) => {
      server.injectFault("pulls/list", { kind: "too-many-requests", retryAfterSeconds: 1 });
      server.injectFault("issues/create-comment", { kind: "too-many-requests" });
      await forge.listPullRequests(draft.headBranch);
      await forge.createPullRequest(draft);
      await forge.comment(1, "hi");
      assert.deepEqual(sleeps, [1000, 500]);
    }));

  it("waits out a secondary rate limit (403 with Retry-After)", () =>
    withGitHub(async ({ server, forge, sleeps }) => {
      server.injectFault("graphql", { kind: "secondary-rate-limit", retryAfterSeconds: 3 });
      await forge.createPullRequest(draft);
      await forge.enableAutoMerge(1, "merge");
      assert.deepEqual(sleeps, [3000]);
      assert.equal(server.pulls[0]?.autoMerge, "MERGE");
    }));

  it("waits until x-ratelimit-reset of a primary rate limit (403, remaining 0)", () => {
    const now = 1_700_000_000_000;
    return withGitHub(
      async ({ server, forge, sleeps }) => {
        server.injectFault("pulls/create", {
          kind: "primary-rate-limit",
          resetEpochSeconds: now / 1000 + 42,
        });
        await forge.createPullRequest(draft);
        assert.deepEqual(sleeps, [42_000]);
      },
      { now: () => now },
    );
  });

  it("gives up after the attempts and never names the token", () =>
    withGitHub(async ({ server, forge }) => {
      server.injectFault("pulls/update", { kind: "bad-gateway" }, 4);
      await forge.createPullRequest(draft);
      const err = await rejection(forge.updatePullRequest(1, { title: "t", body: "b" }));
      assert.equal(err.status, 502);
      assert.equal(err.transient, true);
      assert.ok(!err.message.includes(token) && !JSON.stringify(err).includes(token));
    }));

  it("rejects a wrong token with 401 and keeps the token out of the error", () =>
    withGitHub(
      async ({ forge }) => {
        const err = await rejection(forge.listPullRequests("x"));
        assert.equal(err.status, 401);
        assert.match(err.message, /Bad credentials/);
        assert.ok(!err.message.includes("ghp_WRONG"));
      },
      { token: "ghp_WRONGtoken" },
    ));

  it("fails auto-merge of a pull request GitHub does not have with 404", () =>
    withGitHub(async ({ forge }) => {
      assert.equal((await rejection(forge.enableAutoMerge(7, "merge"))).status, 404);
    }));
});

describe("the test GitHub server's validation", () => {
  it("records a wrong field type, an unknown route, a misspelt query and a bad GraphQL input", async () => {
    const server = await GitHubServer.start({ owner, repo, token, gitDir });
    try {
      const headers = {
        authorization: `Bearer ${token}`,
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        "user-agent": "t",
        "content-type": "application/json",
      };
      const send = async (method: "GET" | "POST", p: string, body?: unknown): Promise<number> => {
        const res = await request(server.url + p, {
          method,
          headers,
          body: body === undefined ? null : JSON.stringify(body),
        });
        await res.body.text();
        return res.statusCode;
      };
      assert.equal(
        await send("POST", `/repos/${owner}/${repo}/issues/1/labels`, { labels: "x" }),
        400,
      );
      assert.equal(await send("GET", `/repos/${owner}/${repo}/pullz`), 404);
      assert.equal(await send("GET", `/repos/${owner}/${repo}/pulls?stat=all`), 400);
      assert.equal(
        await send("POST", `/repos/${owner}/${repo}/pulls`, {
          title: "t",
          head: "h",
          base: "main",
          draft: "yes",
        }),
        400,
      );
      const mutation =
        "mutation($id: ID!, $m: String!) { enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: $m}) { clientMutationId } }";
      assert.equal(
        await send("POST", "/graphql", { query: mutation, variables: { id: "PR_1", m: "FAST" } }),
        200,
      );
      assert.deepEqual(
        server.violations.map((v) => [v.kind, v.path]),
        [
          ["request", `/repos/${owner}/${repo}/issues/1/labels`],
          ["request", `/repos/${owner}/${repo}/pullz`],
          ["request", `/repos/${owner}/${repo}/pulls`],
          ["request", `/repos/${owner}/${repo}/pulls`],
          ["request", "/graphql"],
        ],
      );
      assert.match(server.violations[2]?.problems.join() ?? "", /query parameter "stat"/);
      assert.match(
        server.violations[4]?.problems.join() ?? "",
        /\$m is String!; mergeMethod takes PullRequestMergeMethod/,
      );
      assert.ok(server.specLoadMs > 0);
    } finally {
      await server.close();
    }
  });
});

describe("parsePullRequest", () => {
  const base = {
    number: 5,
    html_url: "https://github.com/a/b/pull/5",
    state: "closed",
    title: "t",
    body: null,
    head: { ref: "h", sha: "abc" },
    base: { ref: "main" },
    labels: [{ name: "x" }],
  };
  const cases = [
    {
      name: "merged when merged_at is set",
      input: { ...base, merged_at: "2024-01-01T00:00:00Z" },
      want: { state: "merged", body: "" },
    },
    {
      name: "closed when merged_at is null",
      input: { ...base, merged_at: null },
      want: { state: "closed", body: "" },
    },
    { name: "undefined without a number", input: { ...base, number: "5" }, want: undefined },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const got = parsePullRequest(c.input);
      if (c.want === undefined) assert.equal(got, undefined);
      else
        assert.deepEqual(
          { state: got?.state, body: got?.body, labels: got?.labels },
          { ...c.want, labels: ["x"] },
        );
    });
  }

  it("finds GraphQL below GitHub Enterprise's /api", () => {
    assert.equal(graphqlRoot("https://ghe.example/api/v3/"), "https://ghe.example/api");
    assert.equal(graphqlRoot("https://api.github.com"), "https://api.github.com");
  });
});
