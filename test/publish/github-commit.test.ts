/**
 * Commits through GitHub's Git database API against the OpenAPI-validated
 * test GitHub server, which serves those operations on a real bare
 * repository with git plumbing: what lands is read back with plain git.
 * Every test ends by asserting the server saw nothing outside GitHub's description.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Agent, request, type Dispatcher } from "undici";
import { ForgeError } from "../../src/publish/forge/forge.ts";
import {
  createGitHubCommitter,
  type ApiCommitRequest,
  type GitHubCommitter,
} from "../../src/publish/forge/github-commit.ts";
import { assertNoToken, rejection } from "../support/forge-assertions.ts";
import { tokenIdentity } from "../support/github-git-store.ts";
import { GitHubServer } from "../support/github-server.ts";

const token = "ghp_TESTSECRETtoken0123456789";
const owner = "acme";
const repo = "app";
let root: string;
let gitDir: string;
let work: string;
let mainSha: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args],
    { cwd, encoding: "utf8", stdio: "pipe" },
  );
}

const bare = (...args: string[]): string => git(root, "--git-dir", gitDir, ...args);
const shaOf = (ref: string): string => bare("rev-parse", ref).trim();

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), "isg-github-commit-"));
  gitDir = path.join(root, "remote.git");
  work = path.join(root, "work");
  git(root, "init", "--quiet", "--bare", "--initial-branch=main", gitDir);
  git(root, "clone", "--quiet", gitDir, work);
  writeFile("apps/web/images.yaml", "image: web@sha256:old\n");
  writeFile("docs/README.md", "# app\n");
  writeFile("imagestreams.yaml", "streams: []\n");
  git(work, "add", ".");
  git(work, "commit", "--quiet", "-m", "initial");
  git(work, "push", "--quiet", "origin", "HEAD:main");
  mainSha = shaOf("refs/heads/main");
});

after(() => rm(root, { recursive: true, force: true }));

function writeFile(relative: string, content: string): void {
  const file = path.join(work, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

interface Setup {
  readonly server: GitHubServer;
  readonly committer: GitHubCommitter;
}

/** Runs `body` against a fresh server, then asserts GitHub's description held throughout. */
async function withGitHub(
  body: (s: Setup) => Promise<void>,
  options: { readonly token?: string; readonly dispatcher?: Dispatcher } = {},
): Promise<void> {
  const server = await GitHubServer.start({ owner, repo, token, gitDir });
  const committer = createGitHubCommitter(
    {
      kind: "github",
      apiUrl: server.url,
      repository: `${owner}/${repo}`,
      token: options.token ?? token,
    },
    {
      sleep: () => Promise.resolve(),
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    },
  );
  try {
    await body({ server, committer });
    assert.deepEqual(server.violations, []);
  } finally {
    await committer.close();
    await options.dispatcher?.close();
    await server.close();
  }
}

const message = "Update web to sha256:new\n\nImagestream-Gitops-Fingerprint: abc";

function commitRequest(branch: string, expected: string | undefined): ApiCommitRequest {
  return {
    branch,
    baseSha: mainSha,
    expected,
    message,
    files: [
      { path: "apps/web/images.yaml", content: "image: web@sha256:new\n" },
      { path: "apps/api/images.yaml", content: "image: api@sha256:first\n" },
    ],
  };
}

/** GitHub's `verification` of `sha`, as git/get-commit answers it. */
async function verificationOf(server: GitHubServer, sha: string): Promise<Record<string, unknown>> {
  const res = await request(`${server.url}/repos/${owner}/${repo}/git/commits/${sha}`, {
    headers: {
      authorization: `Bearer ${token}`,
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
      "user-agent": "test",
    },
  });
  return ((await res.body.json()) as { verification: Record<string, unknown> }).verification;
}

describe("GitHub commits through the Git database API", () => {
  it("commits files on top of the base into a new branch, verified", () =>
    withGitHub(async ({ server, committer }) => {
      const branch = "imagestream-gitops/new";
      const result = await committer.commitFiles(commitRequest(branch, undefined));
      assert.ok(result.pushed);
      assert.equal(shaOf(`refs/heads/${branch}`), result.sha);
      assert.equal(bare("show", `${branch}:apps/web/images.yaml`), "image: web@sha256:new\n");
      assert.equal(bare("show", `${branch}:apps/api/images.yaml`), "image: api@sha256:first\n");
      assert.equal(bare("show", `${branch}:docs/README.md`), "# app\n");
      assert.equal(bare("show", `${branch}:imagestreams.yaml`), "streams: []\n");
      const raw = bare("cat-file", "-p", result.sha);
      assert.equal(raw.slice(raw.indexOf("\n\n") + 2), message);
      assert.match(raw, new RegExp(`^parent ${mainSha}$`, "m"));
      assert.equal(raw.match(/^parent /gm)?.length, 1);
      assert.match(raw, /^committer GitHub <noreply@github\.com> /m);
      assert.ok(raw.includes(`author ${tokenIdentity.name} <${tokenIdentity.email}> `));
      assert.deepEqual(
        server.requests.map((r) => `${r.method} ${r.operationId ?? ""}`),
        [
          "GET git/get-commit",
          "POST git/create-tree",
          "POST git/create-commit",
          "POST graphql", // repository { id }
          "POST graphql", // updateRefs
        ],
      );
      assert.deepEqual(
        { ...(await verificationOf(server, result.sha)), verified_at: "-" },
        {
          verified: true,
          reason: "valid",
          signature: "-----BEGIN PGP SIGNATURE-----\n(test server)\n-----END PGP SIGNATURE-----",
          payload: `tree ${shaOf(`${result.sha}^{tree}`)}`,
          verified_at: "-",
        },
      );
    }));

  it("updates an existing branch when the lease holds", () =>
    withGitHub(async ({ server, committer }) => {
      const branch = "imagestream-gitops/lease-holds";
      const first = await committer.commitFiles(commitRequest(branch, undefined));
      assert.ok(first.pushed);
      const second = await committer.commitFiles({
        ...commitRequest(branch, first.sha),
        files: [{ path: "apps/web/images.yaml", content: "image: web@sha256:newer\n" }],
      });
      assert.ok(second.pushed);
      assert.notEqual(second.sha, first.sha);
      assert.equal(shaOf(`refs/heads/${branch}`), second.sha);
      assert.equal(shaOf(`${second.sha}^`), mainSha, "rebuilt on the base, not on the old head");
      assert.equal(bare("show", `${branch}:apps/web/images.yaml`), "image: web@sha256:newer\n");
      // The repository's id is asked once per committer; each commit is one updateRefs.
      assert.equal(server.requests.filter((r) => r.operationId === "graphql").length, 3);
      assert.ok(
        !server.requests.some((r) => /^git\/(create|update)-ref$/.test(r.operationId ?? "")),
      );
    }));

  it("leaves the branch alone when someone pushed since the lease was taken", () =>
    withGitHub(async ({ server, committer }) => {
      const branch = "imagestream-gitops/stale";
      const first = await committer.commitFiles(commitRequest(branch, undefined));
      assert.ok(first.pushed);
      git(work, "fetch", "--quiet", "origin", branch);
      git(work, "checkout", "--quiet", "--detach", "FETCH_HEAD");
      git(work, "commit", "--quiet", "--allow-empty", "-m", "someone else");
      git(work, "push", "--quiet", "origin", `HEAD:refs/heads/${branch}`);
      const theirs = shaOf(`refs/heads/${branch}`);
      const result = await committer.commitFiles(commitRequest(branch, first.sha));
      assert.equal(result.pushed, false);
      assert.equal(result.reason, "stale-lease");
      assert.match(result.detail, new RegExp(`is ${theirs}, the lease expected ${first.sha}`));
      assert.equal(shaOf(`refs/heads/${branch}`), theirs);
      assert.ok(!server.requests.some((r) => r.operationId === "git/update-ref"));
      assert.equal(server.requests.at(-1)?.operationId, "git/get-ref", "read to say why");
    }));

  it("reports a stale lease when the branch exists but was expected absent", () =>
    withGitHub(async ({ server, committer }) => {
      const branch = "imagestream-gitops/exists";
      bare("update-ref", `refs/heads/${branch}`, mainSha);
      const result = await committer.commitFiles(commitRequest(branch, undefined));
      assert.deepEqual(result, {
        pushed: false,
        reason: "stale-lease",
        detail: `branch "${branch}" is ${mainSha}, the lease expected absent`,
      });
      assert.equal(shaOf(`refs/heads/${branch}`), mainSha);
      assert.ok(!server.requests.some((r) => r.operationId === "git/create-ref"));
    }));

  /** A dispatcher that runs `race` once, just before the request that carries `updateRefs`. */
  const beforeUpdateRefs = (race: () => void) => {
    let raced = false;
    return new Agent().compose((dispatch) => (opts, handler) => {
      const body = typeof opts.body === "string" ? opts.body : "";
      if (!raced && opts.method === "POST" && body.includes("updateRefs")) {
        raced = true;
        race();
      }
      return dispatch(opts, handler);
    });
  };

  it("reports a stale lease when the branch is created just before the ref update", () => {
    const branch = "imagestream-gitops/race";
    return withGitHub(
      async ({ committer }) => {
        const result = await committer.commitFiles(commitRequest(branch, undefined));
        assert.deepEqual(result, {
          pushed: false,
          reason: "stale-lease",
          detail: `branch "${branch}" is ${mainSha}, the lease expected absent`,
        });
        assert.equal(shaOf(`refs/heads/${branch}`), mainSha);
      },
      { dispatcher: beforeUpdateRefs(() => bare("update-ref", `refs/heads/${branch}`, mainSha)) },
    );
  });

  it("never overwrites a push that lands just before the ref update (a compare-and-swap)", async () => {
    const branch = "imagestream-gitops/window";
    let first = "";
    let theirs = "";
    // Someone pushes on top of the tool's commit after the run read nothing more, right
    // before the update reaches GitHub: the REST API's forced PATCH would overwrite it.
    const someoneElse = (): void => {
      const tree = shaOf(`${first}^{tree}`);
      theirs = bare("commit-tree", tree, "-p", first, "-m", "someone else").trim();
      bare("update-ref", `refs/heads/${branch}`, theirs, first);
    };
    await withGitHub(async ({ committer }) => {
      const made = await committer.commitFiles(commitRequest(branch, undefined));
      assert.ok(made.pushed);
      first = made.sha;
    });
    await withGitHub(
      async ({ committer }) => {
        const result = await committer.commitFiles(commitRequest(branch, first));
        assert.deepEqual(result, {
          pushed: false,
          reason: "stale-lease",
          detail: `branch "${branch}" is ${theirs}, the lease expected ${first}`,
        });
        assert.equal(shaOf(`refs/heads/${branch}`), theirs, "their commit stays");
      },
      { dispatcher: beforeUpdateRefs(someoneElse) },
    );
  });

  it("the test server holds updateRefs to GitHub's schema", async () => {
    const server = await GitHubServer.start({ owner, repo, token, gitDir });
    try {
      const ask = async (query: string, variables: object): Promise<unknown> => {
        const res = await request(`${server.url}/graphql`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            accept: "application/vnd.github+json",
            "x-github-api-version": "2022-11-28",
            "user-agent": "test",
          },
          body: JSON.stringify({ query, variables }),
        });
        return res.body.json();
      };
      const update = { name: "refs/heads/x", afterOid: mainSha, beforeOid: "0".repeat(40) };
      const answer = (await ask(
        `mutation($id: ID!, $u: [RefUpdate]) { updateRefs(input: {repositoryId: $id, refUpdates: $u}) { clientMutationId } }`,
        { id: server.repositoryNodeId, u: [{ ...update, sha: mainSha }] },
      )) as { errors?: { message: string }[] };
      const messages = (answer.errors ?? []).map((e) => e.message);
      assert.ok(
        messages.includes("$u is [RefUpdate]; refUpdates takes [RefUpdate!]!"),
        messages.join("; "),
      );
      assert.ok(messages.includes('RefUpdate has no field "sha"'), messages.join("; "));
      assert.equal(server.violations.length, 1);
      assert.equal(bare("branch", "--list", "x"), "", "nothing moved");
    } finally {
      await server.close();
    }
  });

  it("reports a stale lease when the branch was expected but is gone", () =>
    withGitHub(async ({ committer }) => {
      const result = await committer.commitFiles(commitRequest("imagestream-gitops/gone", mainSha));
      assert.equal(result.pushed, false);
      assert.equal(bare("branch", "--list", "imagestream-gitops/gone"), "");
    }));

  it("fails with a ForgeError that does not carry the token", () =>
    withGitHub(async ({ committer }) => {
      const unknownBase = "0".repeat(40);
      const err = await rejection(
        committer.commitFiles({
          ...commitRequest("imagestream-gitops/x", undefined),
          baseSha: unknownBase,
        }),
      );
      assert.equal(err.code, "FORGE");
      assert.equal(err.forge, "github");
      assert.equal(err.status, 404);
      assert.equal(err.transient, false);
      assertNoToken(err, token);
    }));

  it("answers 401 for a wrong token without naming it", () =>
    withGitHub(
      async ({ committer }) => {
        const err = await rejection(
          committer.commitFiles(commitRequest("imagestream-gitops/y", undefined)),
        );
        assert.equal(err.status, 401);
        assertNoToken(err, "ghp_WRONGtoken");
      },
      { token: "ghp_WRONGtoken" },
    ));

  it("refuses a repository that is not owner/name", () => {
    assert.throws(
      () =>
        createGitHubCommitter({ kind: "github", apiUrl: "http://x", repository: "acme", token }),
      (err: unknown) => err instanceof ForgeError && !err.message.includes(token),
    );
  });
});
