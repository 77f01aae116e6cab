/**
 * `reconcile` when the forge fails, with the forge token a canary.
 *
 * Tokens: on GitLab and Gitea, the forge canary as `GITLAB_TOKEN`, as
 * `ISG_FORGE_TOKEN` (which also goes to git over http-backend, as
 * `oauth2:TOKEN`, for a `--repo URL`) and as `GITEA_TOKEN` (`Authorization:
 * token X`), in success and in failure (GitLab answering 502 to merge
 * request creation until the fault is cleared, a wrong token answered 401
 * by each forge). The scanner looks in
 * stdout, stderr, `--json` output, the merge and pull requests' titles,
 * descriptions and notes, the requests each forge saw (all but their auth
 * header, which the servers do not record), every commit message and
 * trailer in the remote and every file of the checkout.
 *
 * Unreachable: GitHub's and GitLab's API at a name that cannot resolve
 * (`forge.invalid`, RFC 2606) and at a refused port. The forge is first
 * asked when publishing starts (the pull requests of the branch, before
 * any push), after the registry work: each run must end, exit 1 naming the
 * forge's host without a stack trace, push no branch and leave the checkout
 * as it was; once the refused port answers again (the same port, forwarded
 * to the test forge) a re-run opens exactly one pull request.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { localConfig, push } from "../support/examples-registry.ts";
import { examplesRemote, tick, type ExamplesRemote } from "../support/examples-remote.ts";
import { startGitHttpServer, type GitHttpServer } from "../support/git-http-server.ts";
import { branchTip, cloneRepo, commitAsHuman, git } from "../support/git-repos.ts";
import { startGiteaServer, type GiteaServer } from "../support/gitea-server.ts";
import { GitHubServer } from "../support/github-server.ts";
import { startGitLabServer, type GitLabServer } from "../support/gitlab-server.ts";
import { runInProcess, type CliResult } from "../support/run-cli.ts";
import { closedPort, reopenPort } from "../support/tcp-ports.ts";
import { assertNoCanary, canaries, type Exhibit } from "./canaries.ts";
import { checkoutState, runExhibits } from "./run-exhibits.ts";

interface World {
  readonly f: ExamplesRemote;
  readonly gitlab: GitLabServer;
  readonly gitea: GiteaServer;
  readonly gh: GitHubServer;
  readonly http: GitHttpServer;
  /** A config file beside the checkout sending pull requests to Gitea. */
  readonly giteaConfig: string;
}

interface Case {
  readonly name: string;
  /** Breaks or changes something before the run; returns how to mend it. */
  readonly prepare?: (w: World, t: TestContext) => Promise<() => void>;
  readonly run: (w: World) => Promise<CliResult>;
  readonly wantCode: number;
  readonly want: RegExp;
  /** Checked after the run, with the forges' state. */
  readonly then?: (w: World) => Promise<void>;
}

const gitlabBranch = "imagestream-gitops/update";
const giteaBranch = "imagestream-gitops/gitea";
const createMergeRequest = ["POST", "/projects/:id/merge_requests"] as const;

const newDigest =
  (seed: string) =>
  async (w: World, t: TestContext): Promise<() => void> => {
    await push(t, w.f.registry, "docker.io/library/postgres:15", seed);
    return () => undefined;
  };

/** `reconcile` of the checkout with only `env`'s tokens. */
function reconcile(w: World, args: readonly string[], env: Record<string, string>) {
  return runInProcess(
    ["reconcile", "--repo", w.f.clone, ...args],
    { ...w.f.genv.env, ...env },
    {
      now: tick(),
    },
  );
}

const cases: readonly Case[] = [
  {
    name: "gitlab, GITLAB_TOKEN: merge request creation answered 502 until cleared",
    prepare: async (w, t) => {
      await newDigest("pg15-tokens-a")(w, t);
      const [method, route] = createMergeRequest;
      w.gitlab.fail(method, route, { status: 502 }, 100);
      return () => {
        w.gitlab.clearFaults();
      };
    },
    run: (w) => reconcile(w, ["--forge", "gitlab"], { GITLAB_TOKEN: canaries.forge }),
    wantCode: 1,
    want: /gitlab POST http:\/\/127\.0\.0\.1:\d+\/api\/v4\/projects\/acme%2Fgitops\/merge_requests: 502/,
    then: async (w) => {
      assert.equal(w.gitlab.mergeRequests.length, 0);
      assert.ok(
        (await branchTip(w.f.bare, gitlabBranch, w.f.genv.env)) !== undefined,
        "the branch was pushed before the forge failed",
      );
    },
  },
  {
    name: "gitlab, GITLAB_TOKEN: the fault cleared, the merge request opened for the branch pushed",
    run: (w) => reconcile(w, ["--forge", "gitlab"], { GITLAB_TOKEN: canaries.forge }),
    wantCode: 0,
    want: /Pull request #1 created/,
  },
  {
    name: "gitlab --repo URL, ISG_FORGE_TOKEN (also git's, over http-backend) --json",
    run: (w) =>
      runInProcess(
        ["reconcile", "--repo", `${w.http.origin}/remote.git`, "--forge", "gitlab", "--json"],
        { ...w.f.genv.env, ISG_FORGE_TOKEN: canaries.forge },
        { now: tick() },
      ),
    wantCode: 0,
    want: /"action": "unchanged"/,
    then: (w) => {
      assert.ok(w.http.requests.length > 0 && w.http.requests.every((r) => r.authorized));
      return Promise.resolve();
    },
  },
  {
    name: "gitlab: a wrong ISG_FORGE_TOKEN wins over a right GITLAB_TOKEN (401)",
    prepare: newDigest("pg15-tokens-b"),
    run: (w) =>
      reconcile(w, ["--forge", "gitlab"], {
        ISG_FORGE_TOKEN: `${canaries.forge}-wrong`,
        GITLAB_TOKEN: canaries.forge,
      }),
    wantCode: 1,
    want: /gitlab GET http:\/\/127\.0\.0\.1:\d+\/api\/v4\/projects\/acme%2Fgitops\/merge_requests: 401 401 Unauthorized/,
  },
  {
    name: "gitea, GITEA_TOKEN (Authorization: token X)",
    run: (w) =>
      reconcile(w, ["--forge", "gitea", "--config", w.giteaConfig], {
        GITEA_TOKEN: canaries.forge,
      }),
    wantCode: 0,
    want: /Pull request #1 created/,
    then: (w) => {
      assert.equal(w.gitea.pulls.length, 1);
      assert.equal(w.gitea.pulls[0]?.head, giteaBranch);
      return Promise.resolve();
    },
  },
  {
    name: "gitea: a wrong GITEA_TOKEN (401)",
    prepare: newDigest("pg15-tokens-c"),
    run: (w) =>
      reconcile(w, ["--forge", "gitea", "--config", w.giteaConfig], {
        GITEA_TOKEN: `${canaries.forge}-wrong`,
      }),
    wantCode: 1,
    want: /gitea GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/repos\/acme\/gitops\/pulls: 401 token is required/,
  },
];

/** The examples on a bare remote whose config sends merge requests to the GitLab server. */
async function world(t: TestContext): Promise<World> {
  const f = await examplesRemote(t);
  const common = { gitDir: f.bare, token: canaries.forge };
  const gitlab = await startGitLabServer(t, { ...common, projectPath: "acme/gitops" });
  const gitea = await startGiteaServer(t, { ...common, repository: "acme/gitops" });
  const gh = await GitHubServer.start({ ...common, owner: "acme", repo: "gitops" });
  t.after(() => gh.close());
  const file = path.join(f.clone, "imagestream-gitops.yaml");
  const gitlabSettings = `pullRequest:
  forge: gitlab
  apiUrl: ${gitlab.apiUrl}
  repository: acme/gitops
  labels: [dependencies]
`;
  await commitAsHuman(
    f.clone,
    { "imagestream-gitops.yaml": (await readFile(file, "utf8")) + gitlabSettings },
    "configure merge requests",
    f.genv.env,
  );
  await git(f.clone, ["push", "-q", "origin", "HEAD:main"], f.genv.env);
  const giteaConfig = path.join(f.genv.root, "gitea.yaml");
  await writeFile(
    giteaConfig,
    `${localConfig(f.registry)}pullRequest:
  forge: gitea
  apiUrl: ${gitea.apiUrl}
  repository: acme/gitops
  branch: ${giteaBranch}
  labels: [dependencies]
`,
  );
  const http = await startGitHttpServer(t, f.genv.root, canaries.forge);
  return { f, gitlab, gitea, gh, http, giteaConfig };
}

/** Everything the run and the forges hold that a person or a log could read. */
async function exhibits(w: World, result: CliResult, checkout = w.f.clone): Promise<Exhibit[]> {
  return [
    ...(await runExhibits(w.f, result, checkout)),
    ...w.gitlab.mergeRequests.map((mr) => ({
      where: `merge request !${String(mr.iid)}`,
      text: [mr.title, mr.description, ...mr.labels, ...mr.notes].join("\n"),
    })),
    ...w.gitea.pulls.map((p) => ({
      where: `gitea pull request #${String(p.number)}`,
      text: [p.title, p.body, ...p.comments].join("\n"),
    })),
    { where: "gitlab requests", text: JSON.stringify(w.gitlab.requests) },
    { where: "gitea requests", text: JSON.stringify(w.gitea.requests) },
    ...w.gh.pulls.map((p) => ({
      where: `github pull request #${String(p.number)}`,
      text: [p.title, p.body ?? "", ...p.comments].join("\n"),
    })),
    { where: "github requests", text: JSON.stringify(w.gh.requests) },
    { where: "git http requests", text: JSON.stringify(w.http.requests) },
  ];
}

/** Git's Basic credential for GitLab, `oauth2:TOKEN`, as base64: the scanner's own forms use `x-access-token`. */
const gitlabBasic = Buffer.from(`oauth2:${canaries.forge}`).toString("base64").replace(/=+$/, "");

/** One forge API that does not answer, on a branch of its own. */
interface Unreachable {
  readonly name: string;
  readonly forge: "github" | "gitlab";
  readonly apiUrl: string;
  readonly branch: string;
  /** What stderr must say: the forge, the request and the host. */
  readonly want: RegExp;
}

function unreachables(githubPort: number, gitlabPort: number): readonly Unreachable[] {
  return [
    {
      name: "github at a name that cannot resolve",
      forge: "github",
      apiUrl: "http://forge.invalid",
      branch: "imagestream-gitops/dns-github",
      want: /^imagestream-gitops reconcile: github GET http:\/\/forge\.invalid\/repos\/acme\/gitops\/pulls: (ENOTFOUND|EAI_AGAIN): getaddrinfo \1 forge\.invalid$/m,
    },
    {
      name: "github at a refused port",
      forge: "github",
      apiUrl: `http://127.0.0.1:${String(githubPort)}`,
      branch: "imagestream-gitops/refused-github",
      want: new RegExp(
        `^imagestream-gitops reconcile: github GET http://127\\.0\\.0\\.1:${String(githubPort)}/repos/acme/gitops/pulls: ECONNREFUSED: connect ECONNREFUSED 127\\.0\\.0\\.1:${String(githubPort)}$`,
        "m",
      ),
    },
    {
      name: "gitlab at a name that cannot resolve",
      forge: "gitlab",
      apiUrl: "http://forge.invalid/api/v4",
      branch: "imagestream-gitops/dns-gitlab",
      want: /^imagestream-gitops reconcile: gitlab GET http:\/\/forge\.invalid\/api\/v4\/projects\/acme%2Fgitops\/merge_requests: (ENOTFOUND|EAI_AGAIN): getaddrinfo \1 forge\.invalid$/m,
    },
    {
      name: "gitlab at a refused port",
      forge: "gitlab",
      apiUrl: `http://127.0.0.1:${String(gitlabPort)}/api/v4`,
      branch: "imagestream-gitops/refused-gitlab",
      want: new RegExp(
        `^imagestream-gitops reconcile: gitlab GET http://127\\.0\\.0\\.1:${String(gitlabPort)}/api/v4/projects/acme%2Fgitops/merge_requests: ECONNREFUSED: connect ECONNREFUSED 127\\.0\\.0\\.1:${String(gitlabPort)}$`,
        "m",
      ),
    },
  ];
}

/** `reconcile` of `checkout` with a config file naming `u`'s forge and branch. */
async function reconcileUnreachable(
  w: World,
  u: Unreachable,
  checkout: string,
): Promise<CliResult> {
  const config = path.join(w.f.genv.root, `${u.branch.replace(/\//g, "-")}.yaml`);
  await writeFile(
    config,
    `${localConfig(w.f.registry)}pullRequest:
  forge: ${u.forge}
  apiUrl: ${u.apiUrl}
  repository: acme/gitops
  branch: ${u.branch}
`,
  );
  return runInProcess(
    ["reconcile", "--repo", checkout, "--config", config],
    { ...w.f.genv.env, ISG_FORGE_TOKEN: canaries.forge },
    { now: tick() },
  );
}

/** The commits `branch` of the remote holds above main; undefined when there is no branch. */
async function commitsAboveMain(w: World, branch: string): Promise<number | undefined> {
  if ((await branchTip(w.f.bare, branch, w.f.genv.env)) === undefined) return undefined;
  const count = await git(w.f.bare, ["rev-list", "--count", `main..${branch}`], w.f.genv.env);
  return Number(count.trim());
}

describe("reconcile when the forge fails, the forge token a canary", () => {
  it("GitLab and Gitea: every (forge, token, mode) exits as expected and leaks no canary; an unreachable forge ends the run cleanly", async (outer) => {
    const w = await world(outer);
    for (const c of cases)
      await outer.test(`${c.name}: exit ${String(c.wantCode)}`, async (t) => {
        const mend = await c.prepare?.(w, t);
        let result: CliResult;
        try {
          result = await c.run(w);
        } finally {
          mend?.();
        }
        const output = `${result.stdout}\n${result.stderr}`;
        assert.equal(result.code, c.wantCode, output);
        assert.match(output, c.want);
        assert.doesNotMatch(output, /\n\s+at |internal error/, "no stack trace");
        await c.then?.(w);
        assertNoCanary(await exhibits(w, result), [gitlabBasic]);
      });
    assert.equal(w.gitlab.mergeRequests.length, 1, "one merge request throughout");
    assert.equal(w.gitea.pulls.length, 1, "one Gitea pull request throughout");

    const ports = [await closedPort(), await closedPort()] as const;
    // Each run in a checkout of its own, as separate jobs have.
    const forges = await Promise.all(
      unreachables(...ports).map(async (u) => ({
        ...u,
        checkout: await cloneRepo(w.f.genv, w.f.bare),
      })),
    );
    const state = (checkout: string): Promise<string> => checkoutState(checkout, w.f.genv.env);
    // A hang guard, not a timing: four attempts, 0.5 + 1 + 2 s apart.
    const guard = { timeout: 60_000 };
    await outer.test(
      "the forge unreachable: each run ends, exit 1, naming the host",
      guard,
      async () => {
        await Promise.all(
          forges.map(async (u) => {
            const before = await state(u.checkout);
            const result = await reconcileUnreachable(w, u, u.checkout);
            assert.equal(result.code, 1, `${u.name}: ${result.stdout}${result.stderr}`);
            assert.match(result.stderr, u.want, u.name);
            assert.doesNotMatch(result.stderr, /\n\s+at |internal error/, "no stack trace");
            const pushed = await commitsAboveMain(w, u.branch);
            assert.equal(pushed, undefined, `${u.name}: no branch pushed`);
            assert.equal(await state(u.checkout), before, `${u.name}: the checkout as it was`);
            assertNoCanary(await exhibits(w, result, u.checkout));
          }),
        );
      },
    );

    await outer.test("the refused ports answer again: one pull request each", guard, async (t) => {
      await reopenPort(t, ports[0], w.gh.url);
      await reopenPort(t, ports[1], w.gitlab.url);
      const back = forges.filter((u) => u.name.includes("refused"));
      await Promise.all(
        back.map(async (u) => {
          const before = await state(u.checkout);
          const result = await reconcileUnreachable(w, u, u.checkout);
          assert.equal(result.code, 0, `${u.name}: ${result.stdout}${result.stderr}`);
          assert.match(result.stdout, /Pull request #\d+ created/);
          assert.equal(await commitsAboveMain(w, u.branch), 1, `${u.name}: one commit`);
          assert.equal(await state(u.checkout), before, `${u.name}: the checkout as it was`);
          assertNoCanary(await exhibits(w, result, u.checkout));
        }),
      );
      const github = w.gh.pulls.filter((p) => p.head === back[0]?.branch);
      const gitlab = w.gitlab.mergeRequests.filter((mr) => mr.source_branch === back[1]?.branch);
      assert.deepEqual([github.length, gitlab.length], [1, 1], "one pull request each");
    });
    assert.deepEqual([...w.gitlab.violations, ...w.gitea.violations, ...w.gh.violations], []);
  });
});
