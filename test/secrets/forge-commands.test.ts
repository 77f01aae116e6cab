/**
 * Secret hygiene of the commands that publish: `reconcile` (a local
 * checkout, and a `--repo URL` cloned from git http-backend with
 * `ISG_GIT_TOKEN`), `serve --once` and the GitHub Action's bundle, against
 * the GitHub test server, in success and failure (the forge failing on the
 * pull request, a wrong forge token, the push rejected, a wrong git token).
 * Registry credentials (config.json via DOCKER_CONFIG) hold canaries too.
 * The scanner looks in stdout, stderr, serve's JSON lines, the pull
 * requests' titles, bodies and comments, the requests the forge saw, every
 * commit message and trailer in the remote and every file of the checkout
 * (its .git/config included).
 */
import assert from "node:assert/strict";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { runActionBundle, node24 } from "../support/action-runner.ts";
import { push } from "../support/examples-registry.ts";
import { tick, type ExamplesRemote } from "../support/examples-remote.ts";
import { startGitHttpServer, type GitHttpServer } from "../support/git-http-server.ts";
import { git } from "../support/git-repos.ts";
import type { GitHubServer } from "../support/github-server.ts";
import { runInProcess } from "../support/run-cli.ts";
import { assertNoCanary, canaries, filesUnder, type Exhibit } from "./canaries.ts";
import { githubRemote } from "./github-remote.ts";

interface World {
  readonly f: ExamplesRemote;
  readonly gh: GitHubServer;
  readonly http: GitHttpServer;
  readonly dockerConfig: string;
}

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Case {
  readonly name: string;
  /** Breaks or changes something before the run; returns how to mend it. */
  readonly prepare?: (w: World, t: TestContext) => Promise<() => Promise<void>>;
  readonly run: (w: World, t: TestContext) => Promise<Outcome>;
  readonly wantCode: number;
  readonly want?: RegExp;
}

const newDigest =
  (seed: string) =>
  async (w: World, t: TestContext): Promise<() => Promise<void>> => {
    await push(t, w.f.registry, "docker.io/library/postgres:15", seed);
    return () => Promise.resolve();
  };

function reconcileIn(w: World, args: readonly string[], env: Record<string, string> = {}) {
  return runInProcess(
    ["reconcile", "--repo", w.f.clone, ...args],
    {
      ...w.f.genv.env,
      DOCKER_CONFIG: w.dockerConfig,
      ISG_FORGE_TOKEN: canaries.forge,
      ...env,
    },
    { now: tick() },
  );
}

const cases: readonly Case[] = [
  {
    name: "reconcile --forge github: a pull request created",
    prepare: newDigest("pg15-secrets-a"),
    run: (w) => reconcileIn(w, []),
    wantCode: 0,
    want: /Pull request #1 created/,
  },
  {
    name: "reconcile --json: the pull request unchanged",
    run: (w) => reconcileIn(w, ["--json"]),
    wantCode: 0,
    want: /"action": "unchanged"/,
  },
  {
    name: "reconcile: the forge answers 502 to every pull request update",
    prepare: async (w, t) => {
      await newDigest("pg15-secrets-b")(w, t);
      w.gh.injectFault("pulls/update", { kind: "bad-gateway" }, 100);
      return () => {
        w.gh.clearFaults();
        return Promise.resolve();
      };
    },
    run: (w) => reconcileIn(w, ["--json"]),
    wantCode: 1,
  },
  {
    name: "reconcile: a wrong forge token (401)",
    prepare: newDigest("pg15-secrets-c"),
    run: (w) => reconcileIn(w, [], { ISG_FORGE_TOKEN: `${canaries.forge}-wrong` }),
    wantCode: 1,
  },
  {
    name: "reconcile: the push is rejected by the remote",
    prepare: async (w) => {
      const hook = path.join(w.f.bare, "hooks", "pre-receive");
      await mkdir(path.dirname(hook), { recursive: true });
      await writeFile(hook, "#!/bin/sh\necho 'rejected by policy' >&2\nexit 1\n");
      await chmod(hook, 0o755);
      return () => rm(hook);
    },
    run: (w) => reconcileIn(w, ["--json"]),
    wantCode: 1,
    want: /git push exited 1/,
  },
  {
    name: "reconcile --repo URL (git http-backend, ISG_GIT_TOKEN)",
    run: (w) =>
      runInProcess(
        ["reconcile", "--repo", `${w.http.origin}/remote.git`, "--forge", "github"],
        {
          ...w.f.genv.env,
          DOCKER_CONFIG: w.dockerConfig,
          GITHUB_TOKEN: canaries.forge,
          ISG_GIT_TOKEN: canaries.git,
        },
        { now: tick() },
      ),
    wantCode: 0,
    want: /Pull request #1 (updated|unchanged)/,
  },
  {
    name: "reconcile --repo URL: a wrong git token",
    prepare: newDigest("pg15-secrets-d"),
    run: (w) =>
      runInProcess(
        ["reconcile", "--repo", `${w.http.origin}/remote.git`, "--forge", "github"],
        {
          ...w.f.genv.env,
          GITHUB_TOKEN: canaries.forge,
          ISG_GIT_TOKEN: `${canaries.git}-wrong`,
        },
        { now: tick() },
      ),
    wantCode: 1,
  },
  {
    name: "serve --once: JSON log lines",
    run: (w) =>
      runInProcess(
        ["serve", "--once", "--repo", w.f.clone],
        { ...w.f.genv.env, DOCKER_CONFIG: w.dockerConfig, ISG_FORGE_TOKEN: canaries.forge },
        { now: tick() },
      ),
    wantCode: 0,
    want: /"run finished"/,
  },
  {
    name: "serve --once: a wrong forge token",
    prepare: newDigest("pg15-secrets-e"),
    run: (w) =>
      runInProcess(
        ["serve", "--once", "--repo", w.f.clone],
        {
          ...w.f.genv.env,
          DOCKER_CONFIG: w.dockerConfig,
          ISG_FORGE_TOKEN: `${canaries.forge}-wrong`,
        },
        { now: tick() },
      ),
    wantCode: 1,
    want: /"level":"error"/,
  },
  {
    // A process of its own: a retry's wait must keep it alive (it once ended mid-run with exit 13).
    name: "the Action's bundle: reconcile, the forge answering 502 twice first",
    prepare: async (w, t) => {
      await newDigest("pg15-secrets-f")(w, t);
      w.gh.injectFault("pulls/update", { kind: "bad-gateway" }, 2);
      return () => {
        w.gh.clearFaults();
        return Promise.resolve();
      };
    },
    run: async (w, t) => {
      const run = await runActionBundle(
        t,
        node24,
        w.f.clone,
        { command: "reconcile", token: canaries.forge },
        {
          ...w.f.genv.env,
          DOCKER_CONFIG: w.dockerConfig,
          GITHUB_API_URL: w.gh.url,
          GITHUB_REPOSITORY: "acme/gitops",
        },
      );
      // The one place a secret may be named: the command that tells the runner to mask it.
      const unmasked = (text: string): string =>
        text
          .split("\n")
          .filter((l) => !l.startsWith("::add-mask::"))
          .join("\n");
      return {
        code: run.code,
        stdout: unmasked(run.stdout),
        stderr: `${unmasked(run.stderr)}\n${run.summary}\n${JSON.stringify(run.outputs)}`,
      };
    },
    wantCode: 0,
    want: /Pull request #1 updated|pr-number/,
  },
];

describe("secret hygiene: reconcile, serve and the Action", () => {
  it("every (command, mode) of the table exits as expected and leaks no canary", async (outer) => {
    const { f, gh } = await githubRemote(outer);
    const http = await startGitHttpServer(outer, f.genv.root, canaries.git);
    const dockerConfig = path.join(f.genv.root, "docker");
    await mkdir(dockerConfig);
    await writeFile(
      path.join(dockerConfig, "config.json"),
      JSON.stringify({
        auths: {
          [f.registry.host]: {
            auth: Buffer.from(`alice:${canaries.basic}`).toString("base64"),
          },
          "registry.example.com": { identitytoken: canaries.identityToken },
        },
      }),
    );
    const w: World = { f, gh, http, dockerConfig };

    for (const c of cases)
      await outer.test(`${c.name}: exit ${String(c.wantCode)}`, async (t) => {
        const mend = await c.prepare?.(w, t);
        let result: Outcome;
        try {
          result = await c.run(w, t);
        } finally {
          await mend?.();
        }
        const output = `${result.stdout}\n${result.stderr}`;
        assert.equal(result.code, c.wantCode, output);
        if (c.want !== undefined) assert.match(output, c.want);
        const exhibits: Exhibit[] = [
          { where: "stdout", text: result.stdout },
          { where: "stderr", text: result.stderr },
          ...gh.pulls.map((p) => ({
            where: `pull request #${String(p.number)}`,
            text: [p.title, p.body ?? "", ...p.comments].join("\n"),
          })),
          { where: "forge requests", text: JSON.stringify(gh.requests) },
          {
            where: "commit messages",
            text: await git(f.bare, ["log", "--all", "--format=%B%n%an %ae %cn %ce"], f.genv.env),
          },
          ...(await filesUnder(f.clone)),
        ];
        assertNoCanary(exhibits);
      });
    assert.equal(gh.pulls.length, 1, "one pull request throughout");
    assert.ok(
      http.requests.some((r) => r.authorized),
      "the git token was used over http-backend",
    );
  });
});
