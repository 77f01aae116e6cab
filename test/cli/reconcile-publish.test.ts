/**
 * `reconcile` end to end: a copy of examples/ pushed to a bare git remote
 * and cloned, every registry served by the real docker-registry, digests
 * checked with skopeo, and the pull requests opened on a local GitHub API
 * server that validates every request and response against GitHub's
 * OpenAPI description, with its branches read from the same bare remote.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import planSchema from "../../schemas/plan.schema.json" with { type: "json" };
import { push, served } from "../support/examples-registry.ts";
import { startGitHttpServer } from "../support/git-http-server.ts";
import { startGitLabServer } from "../support/gitlab-server.ts";
import { branchTip, commitAsHuman, git, pushAsSomeoneElse } from "../support/git-repos.ts";
import { runInProcess, type CliResult } from "../support/run-cli.ts";
import {
  examplesOnGitHub,
  examplesRemote,
  tick,
  type ExamplesOnGitHub,
  type ExamplesRemote,
} from "../support/examples-remote.ts";
import { inspectDigest } from "../support/skopeo.ts";

const branch = "imagestream-gitops/update";
const token = "ghs_canaryTOKEN0123456789abcdef";
type Fixture = ExamplesRemote;
const fixture = examplesRemote;

async function reconcile(f: Fixture, ...args: string[]): Promise<CliResult> {
  return runInProcess(
    ["reconcile", "--repo", f.clone, ...args],
    { ...f.genv.env, ISG_FORGE_TOKEN: token },
    { now: tick() },
  );
}

/** The remote branch's commits above main. */
async function branchLog(f: Fixture): Promise<string[]> {
  const out = await git(f.bare, ["log", "--format=%H %s", `main..${branch}`], f.genv.env);
  return out.trim() === "" ? [] : out.trim().split("\n");
}

async function rev(dir: string, ref: string, f: Fixture): Promise<string> {
  return (await git(dir, ["rev-parse", ref], f.genv.env)).trim();
}

async function show(f: Fixture, file: string): Promise<string> {
  return git(f.bare, ["show", `${branch}:${file}`], f.genv.env);
}

function noSecret(...results: CliResult[]): void {
  for (const r of results) {
    assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token), "the token never printed");
  }
}

describe("reconcile --forge local", () => {
  it("pushes one commit on the branch, prints the pull request, and a second run changes nothing", async (t) => {
    const f = await fixture(t);
    const headBefore = await rev(f.clone, "HEAD", f);
    const moved = await push(t, f.registry, "docker.io/library/postgres:15", "pg15-b");

    const first = await reconcile(f, "--forge", "local");
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(
      first.stdout,
      /Branch imagestream-gitops\/update \(into main\): pushed [0-9a-f]{12}: a new branch\./,
    );
    assert.match(first.stdout, /Title: Update shared\/postgresql:15 to sha256:[0-9a-f]{8}/);
    assert.match(first.stdout, /<!-- imagestream-gitops: fingerprint=[0-9a-f]{64} -->/);
    const log = await branchLog(f);
    assert.equal(log.length, 1, "one commit above main");
    const image = `docker.io/library/postgres@${moved}`;
    assert.equal(await inspectDigest(served(f.registry, "docker.io/library/postgres:15")), moved);
    assert.match(await show(f, "apps/payments/ledger-db.yaml"), new RegExp(`image: ${image}`));
    const parent = await rev(f.bare, `${branch}~1`, f);
    assert.equal(parent, await rev(f.bare, "main", f), "built on main");

    const second = await reconcile(f, "--forge", "local");
    assert.equal(second.code, 0, second.stderr);
    assert.match(
      second.stdout,
      /unchanged: the branch already holds this change on the current base/,
    );
    assert.deepEqual(await branchLog(f), log, "no new commit");

    assert.equal(await rev(f.clone, "HEAD", f), headBefore);
    assert.equal(
      await git(f.clone, ["status", "--porcelain"], f.genv.env),
      "",
      "checkout untouched",
    );
    noSecret(first, second);
  });

  it("--dry-run prints the branch, title, body and diff, and pushes nothing", async (t) => {
    const f = await fixture(t);
    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-b");
    const dry = await reconcile(f, "--forge", "local", "--dry-run");
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /would push: a new branch/);
    assert.match(dry.stdout, /\+\+\+ b?\/?apps\/payments\/ledger-db\.yaml/);
    assert.match(dry.stdout, /Title: Update shared\/postgresql:15/);
    assert.equal(await branchTip(f.bare, branch, f.genv.env), undefined);

    const json = await reconcile(f, "--forge", "local", "--dry-run", "--json");
    assert.equal(json.code, 0, json.stderr);
    const document = JSON.parse(json.stdout) as {
      forge: string;
      dryRun: boolean;
      timings: Record<string, number>;
      registries: Record<string, { requests: number }>;
      publish: {
        branch: string;
        decision: { branch: { kind: string } };
        title: string;
        pushed: boolean;
      }[];
    };
    assert.equal(document.forge, "local");
    const facts = Object.entries(document.registries).filter(([host]) => host.startsWith("facts "));
    assert.ok(
      facts.length > 0 && facts.every(([, stats]) => stats.requests > 0),
      "the requests that read the images' details are counted",
    );
    assert.equal(document.dryRun, true);
    assert.deepEqual(
      document.publish.map((p) => [p.branch, p.decision.branch.kind, p.pushed]),
      [[branch, "push", false]],
    );
    assert.match(document.publish[0]?.title ?? "", /^Update shared\/postgresql:15/);
    const validate = new Ajv2020({ strict: false }).compile(planSchema);
    assert.ok(validate(document), JSON.stringify(validate.errors));
    assert.deepEqual(
      Object.keys(document.timings),
      ["load", "plan", "facts", "publish"],
      "a dry run copies and writes nothing",
    );
    assert.equal(await branchTip(f.bare, branch, f.genv.env), undefined);
  });
});

describe("reconcile with pullRequest.perStream", () => {
  it("gives each changed stream its own branch, and deletes the branch of a stream that no longer changes", async (t) => {
    const f = await fixture(t, "pullRequest: { perStream: true }\n");
    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-b");
    await push(t, f.registry, "quay.io/sclorg/ruby-33-c9s:latest", "ruby33-b");
    const postgres = `${branch}-shared/postgresql`;
    const ruby = `${branch}-demo/ruby`;

    const first = await reconcile(f, "--forge", "local");
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const heads = await git(
      f.bare,
      ["for-each-ref", "--format=%(refname:short)", "refs/heads"],
      f.genv.env,
    );
    assert.deepEqual(heads.trim().split("\n").sort(), ["main", ruby, postgres].sort());
    const files = async (b: string): Promise<string[]> =>
      (await git(f.bare, ["diff", "--name-only", `main...${b}`], f.genv.env)).trim().split("\n");
    assert.deepEqual(await files(postgres), [
      "apps/payments/ledger-db.yaml",
      "imagestreams/shared.yaml",
    ]);
    assert.ok((await files(ruby)).includes("imagestreams/ruby.yaml"));
    assert.ok(
      !(await files(ruby)).includes("apps/payments/ledger-db.yaml"),
      "each branch holds only its stream",
    );
    const tips = [
      await branchTip(f.bare, postgres, f.genv.env),
      await branchTip(f.bare, ruby, f.genv.env),
    ];

    const second = await reconcile(f, "--forge", "local");
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(
      [await branchTip(f.bare, postgres, f.genv.env), await branchTip(f.bare, ruby, f.genv.env)],
      tips,
      "a second run pushes nothing",
    );

    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-a");
    const third = await reconcile(f, "--forge", "local");
    assert.equal(third.code, 0, third.stderr);
    assert.equal(
      await branchTip(f.bare, postgres, f.genv.env),
      undefined,
      "postgres no longer changes",
    );
    assert.equal(await branchTip(f.bare, ruby, f.genv.env), tips[1]);
  });
});

describe("reconcile --shard", () => {
  it("gives each shard its own branch, and each changed stream lands in exactly one", async (t) => {
    const f = await fixture(t);
    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-b");
    await push(t, f.registry, "quay.io/sclorg/ruby-33-c9s:latest", "ruby33-b");
    const changed: string[] = [];
    for (const shard of ["1/2", "2/2"]) {
      const run = await reconcile(f, "--forge", "local", "--shard", shard);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const name = `${branch}-shard-${shard.replace("/", "-of-")}`;
      if ((await branchTip(f.bare, name, f.genv.env)) === undefined) continue;
      const files = await git(f.bare, ["diff", "--name-only", `main...${name}`], f.genv.env);
      changed.push(...files.trim().split("\n"));
    }
    assert.deepEqual(changed.sort(), [
      "apps/payments/ledger-db.yaml",
      "imagestreams/ruby.yaml",
      "imagestreams/shared.yaml",
    ]);
    assert.equal(await branchTip(f.bare, branch, f.genv.env), undefined, "no unsharded branch");
    const bad = await reconcile(f, "--forge", "local", "--shard", "3/2");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--shard must be I\/N/);
  });
});

describe("reconcile --forge github", () => {
  function withGitHub(t: TestContext, extra = ""): Promise<ExamplesOnGitHub> {
    return examplesOnGitHub(
      t,
      token,
      `  labels: [dependencies]\n  reviewers: [mkowalski, acme/platform]\n${extra}`,
    );
  }

  it("ten runs give one branch, one pull request and one commit; a new digest updates the same pull request", async (t) => {
    const { f, gh } = await withGitHub(t);
    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-b");
    const runs: CliResult[] = [];
    for (let i = 0; i < 10; i++) runs.push(await reconcile(f));
    for (const r of runs) assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(runs[0]?.stdout ?? "", /Pull request #1 created: /);
    assert.match(runs[9]?.stdout ?? "", /Pull request #1 unchanged/);
    assert.equal(gh.pulls.length, 1);
    assert.equal((await branchLog(f)).length, 1);
    const pr = gh.pulls[0];
    assert.ok(pr !== undefined);
    assert.deepEqual(pr.labels, ["dependencies"]);
    assert.deepEqual(pr.reviewers, ["mkowalski"]);
    assert.deepEqual(pr.teamReviewers, ["platform"]);
    const firstTip = await branchTip(f.bare, branch, f.genv.env);

    const newer = await push(t, f.registry, "docker.io/library/postgres:15", "pg15-c");
    const update = await reconcile(f);
    assert.equal(update.code, 0, update.stderr);
    assert.match(update.stdout, /pushed [0-9a-f]{12}: the change is different/);
    assert.match(update.stdout, /Pull request #1 updated/);
    assert.equal(gh.pulls.length, 1, "the same pull request");
    assert.notEqual(await branchTip(f.bare, branch, f.genv.env), firstTip);
    assert.ok(gh.pulls[0]?.body?.includes(newer.slice(7, 19)), "the body names the new digest");
    assert.equal((await branchLog(f)).length, 1, "still one commit: rebuilt, not stacked");
    const log = await git(f.bare, ["log", "--format=%B", "--all"], f.genv.env);
    for (const text of [log, ...gh.pulls.map((p) => `${p.title} ${p.body ?? ""}`)]) {
      assert.ok(!text.includes(token), "no token in a commit message or a pull request");
    }
    assert.deepEqual(gh.violations, []);
    noSecret(...runs, update);
  });

  it("pullRequest.commitVia api: the commit is made by GitHub's API, signed by GitHub, and a second run changes nothing", async (t) => {
    const { f, gh } = await withGitHub(t, "  commitVia: api\n");
    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-b");
    const first = await reconcile(f);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /pushed [0-9a-f]{12}: a new branch/);
    const committer = await git(f.bare, ["log", "-1", "--format=%cn <%ce>", branch], f.genv.env);
    assert.equal(committer.trim(), "GitHub <noreply@github.com>", "made by the API, not by git");
    assert.ok(gh.requests.some((r) => r.operationId === "git/create-commit"));
    assert.match(await show(f, "apps/payments/ledger-db.yaml"), /postgres@sha256:/);
    assert.match(
      await git(f.bare, ["log", "-1", "--format=%B", branch], f.genv.env),
      /Imagestream-Gitops-Fingerprint: [0-9a-f]{64}/,
    );

    const second = await reconcile(f);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /unchanged: the branch already holds this change/);
    assert.match(second.stdout, /Pull request #1 unchanged/);
    assert.deepEqual(gh.violations, []);
  });

  it("a pull request closed without merging is not proposed again; a newer digest is", async (t) => {
    const { f, gh } = await withGitHub(t);
    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-b");
    assert.equal((await reconcile(f)).code, 0);
    const closed = await fetch(`${gh.url}/repos/acme/gitops/pulls/1`, {
      method: "PATCH",
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        "user-agent": "a-human",
      },
      body: JSON.stringify({ state: "closed" }),
    });
    assert.equal(closed.status, 200);

    const again = await reconcile(f);
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stderr,
      /held: pull request #1 proposed these images and was closed without merging/,
    );
    assert.equal(gh.pulls.length, 1);

    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-c");
    const newer = await reconcile(f);
    assert.equal(newer.code, 0, newer.stderr);
    assert.match(newer.stdout, /Pull request #2 created/);
    assert.deepEqual(gh.violations, []);
  });

  it("a person's commit on the branch is never force-pushed over, and is reported", async (t) => {
    const { f, gh } = await withGitHub(t);
    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-b");
    assert.equal((await reconcile(f)).code, 0);
    const human = await pushAsSomeoneElse(f.genv, f.bare, branch, {
      "NOTES.md": "a fix by hand\n",
    });
    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-c");

    const held = await reconcile(f);
    assert.equal(held.code, 0, held.stderr);
    assert.match(
      held.stderr,
      /held: the branch's tip [0-9a-f]{12} \(A Human\) is not a commit of this tool/,
    );
    assert.equal(await branchTip(f.bare, branch, f.genv.env), human, "the person's commit stays");
    assert.deepEqual(gh.violations, []);
  });

  it("a moved base rebuilds the branch on it; a change no longer needed closes the pull request and deletes the branch", async (t) => {
    const { f, gh } = await withGitHub(t);
    const original = await inspectDigest(served(f.registry, "docker.io/library/postgres:15"));
    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-b");
    assert.equal((await reconcile(f)).code, 0);
    const main = await pushAsSomeoneElse(f.genv, f.bare, "main", {
      "README-ops.md": "unrelated\n",
    });

    const rebuilt = await reconcile(f);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stdout, /pushed [0-9a-f]{12}: the base moved/);
    assert.equal(await rev(f.bare, `${branch}~1`, f), main);
    // The rebuilt commit stamps its status items anew, so the body's diff follows it.
    assert.match(rebuilt.stdout, /Pull request #1 updated/);
    const again = await reconcile(f);
    assert.match(again.stdout, /unchanged: the branch already holds this change/);
    assert.match(again.stdout, /Pull request #1 unchanged/);

    // The registry goes back to the image main already records: nothing is left to propose.
    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-a");
    assert.equal(
      await inspectDigest(served(f.registry, "docker.io/library/postgres:15")),
      original,
    );
    const stale = await reconcile(f);
    assert.equal(stale.code, 0, stale.stderr);
    assert.match(stale.stdout, /deleted: nothing left to propose/);
    assert.match(stale.stdout, /Pull request #1 closed/);
    const closed = gh.pulls[0];
    assert.ok(closed !== undefined);
    assert.equal(closed.state, "closed");
    assert.equal(closed.comments.length, 1);
    assert.equal(await branchTip(f.bare, branch, f.genv.env), undefined);
    assert.deepEqual(gh.violations, []);
  });
});

describe("reconcile --repo URL --forge gitlab", () => {
  it("clones over HTTP with the token in a header only, opens the merge request with labels, reviewers and auto-merge, and a second run changes nothing", async (t) => {
    const f = await fixture(t);
    const gitlab = await startGitLabServer(t, {
      gitDir: f.bare,
      projectPath: "platform/gitops",
      token,
      users: ["alice"],
    });
    const config = `pullRequest:
  forge: gitlab
  apiUrl: ${gitlab.apiUrl}
  repository: platform/gitops
  labels: [dependencies]
  reviewers: [alice]
  autoMerge: squash
`;
    const current = await readFile(path.join(f.clone, "imagestream-gitops.yaml"), "utf8");
    await commitAsHuman(
      f.clone,
      { "imagestream-gitops.yaml": current + config },
      "mr settings",
      f.genv.env,
    );
    await git(f.clone, ["push", "-q", "origin", "HEAD:main"], f.genv.env);
    const http = await startGitHttpServer(t, f.genv.root, token);
    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-b");

    const runUrl = (): Promise<CliResult> =>
      runInProcess(
        // A URL is cloned before its config is read: --forge says whose token git sends.
        ["reconcile", "--repo", `${http.origin}/remote.git`, "--forge", "gitlab"],
        { ...f.genv.env, GITLAB_TOKEN: token },
        { now: tick() },
      );
    const first = await runUrl();
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /Pull request #1 created: /);
    const mr = gitlab.mergeRequests[0];
    assert.ok(mr !== undefined);
    assert.equal(mr.source_branch, branch);
    assert.deepEqual(mr.labels, ["dependencies"]);
    assert.equal(mr.reviewer_ids.length, 1);
    assert.equal(mr.merge_when_pipeline_succeeds, true);
    assert.equal(mr.squash, true);
    assert.match(mr.description, /shared\/postgresql/);
    const tip = await branchTip(f.bare, branch, f.genv.env);
    assert.ok(tip !== undefined);

    const second = await runUrl();
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Pull request #1 unchanged/);
    assert.equal(await branchTip(f.bare, branch, f.genv.env), tip);
    assert.equal(gitlab.mergeRequests.length, 1);

    assert.ok(http.requests.length > 0);
    assert.ok(
      http.requests.every((r) => r.authorized),
      "every git request carried the token",
    );
    assert.ok(
      http.requests.every((r) => !r.url.includes(token)),
      "never in a URL",
    );
    assert.deepEqual(gitlab.violations, []);
    noSecret(first, second);
  });
});
