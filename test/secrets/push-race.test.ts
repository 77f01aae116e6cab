/**
 * A person pushing to the tool's branch while `reconcile` runs, after the
 * run read the branch and before its own write lands, against the GitHub
 * test server with the forge canary as the token.
 *
 * With git (the default) the person's commit lands twice: from the
 * checkout's `remote.origin.receivepack`, just before the run's push is
 * told where the branch is (git's `--force-with-lease` refuses: stale
 * info), and from the remote's pre-receive hook while the run's push is in
 * flight (the remote's own compare-and-swap refuses). Each time the run
 * exits 1 (PUBLISH_BLOCKED, saying the branch is now held), the person's
 * commit stays, and the next run holds.
 *
 * With `pullRequest.commitVia: api`, a proxy in front of the server lands
 * the push just before a chosen request: before `git/create-commit`, and
 * after the commit is made, just before the GraphQL requests that move the
 * branch. `updateRefs` is a compare-and-swap (`beforeOid`): both times the
 * run exits 1 with the person's commit kept. (With the REST API's forced
 * ref update, which this replaced, the second case overwrote it.)
 */
import assert from "node:assert/strict";
import { chmod, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { Agent } from "undici";
import { localConfig, push } from "../support/examples-registry.ts";
import { tick } from "../support/examples-remote.ts";
import { forwardTo, readAll } from "../support/forward.ts";
import { branchTip, cloneRepo, commitAsHuman, git } from "../support/git-repos.ts";
import { runInProcess, type CliResult } from "../support/run-cli.ts";
import { assertNoCanary, canaries, type Exhibit } from "./canaries.ts";
import { githubRemote, type GitHubRemote } from "./github-remote.ts";
import { runExhibits } from "./run-exhibits.ts";

/** A proxy to the GitHub server that runs an action once, before a chosen request is forwarded. */
interface RaceProxy {
  readonly url: string;
  /** Before the next `method` request whose path ends with `suffix`, runs `action`. */
  before(method: string, suffix: string, action: () => Promise<void>): void;
}

async function raceProxy(t: TestContext, upstream: string): Promise<RaceProxy> {
  const agent = new Agent({ keepAliveTimeout: 500 });
  const armed: { method: string; suffix: string; action: () => Promise<void> }[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const url = req.url ?? "/";
      const pathname = url.split("?")[0] ?? "";
      const at = armed.findIndex((a) => a.method === req.method && pathname.endsWith(a.suffix));
      if (at >= 0) await armed.splice(at, 1)[0]?.action();
      const answer = await forwardTo(agent, upstream, {
        method: req.method ?? "GET",
        path: url,
        headers: req.headers,
        body,
      });
      res.writeHead(answer.status, answer.headers).end(answer.body);
    })().catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(async () => {
    server.closeAllConnections();
    server.close();
    await agent.close();
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${String(port)}`,
    before(method, suffix, action) {
      armed.push({ method, suffix, action });
    },
  };
}

const gitBranch = "imagestream-gitops/update";
const apiBranch = "imagestream-gitops/api";

interface World extends GitHubRemote {
  readonly proxy: RaceProxy;
  /** A config file beside the checkout: API commits on {@link apiBranch}, through the proxy. */
  readonly apiConfig: string;
}

async function world(t: TestContext): Promise<World> {
  const { f, gh } = await githubRemote(t);
  const proxy = await raceProxy(t, gh.url);
  const apiConfig = path.join(f.genv.root, "api.yaml");
  await writeFile(
    apiConfig,
    `${localConfig(f.registry)}pullRequest:
  forge: github
  apiUrl: ${proxy.url}
  repository: acme/gitops
  branch: ${apiBranch}
  commitVia: api
`,
  );
  return { f, gh, proxy, apiConfig };
}

function reconcile(w: World, ...args: string[]): Promise<CliResult> {
  return runInProcess(
    ["reconcile", "--repo", w.f.clone, ...args],
    { ...w.f.genv.env, ISG_FORGE_TOKEN: canaries.forge },
    { now: tick() },
  );
}

/**
 * A person's commit on top of `branch`'s tip, made in a clone of their own
 * and kept aside (`refs/human/...`) until the race lands it; its sha.
 */
async function humanCommit(w: World, branch: string, note: string): Promise<string> {
  const { genv, bare } = w.f;
  const dir = await cloneRepo(genv, bare);
  await git(dir, ["checkout", "-q", branch], genv.env);
  const sha = await commitAsHuman(dir, { "NOTES.md": `${note}\n` }, note, genv.env);
  await git(dir, ["push", "-q", "--force", "origin", `HEAD:refs/human/${branch}`], genv.env);
  return sha;
}

/** Moves `branch` of the remote to `sha`, as the person's push does. */
function land(w: World, branch: string, sha: string): Promise<void> {
  return git(w.f.bare, ["update-ref", `refs/heads/${branch}`, sha], w.f.genv.env).then(() => {});
}

async function exhibits(w: World, result: CliResult): Promise<Exhibit[]> {
  return [
    ...(await runExhibits(w.f, result)),
    ...w.gh.pulls.map((p) => ({
      where: `pull request #${String(p.number)}`,
      text: [p.title, p.body ?? "", ...p.comments].join("\n"),
    })),
    { where: "forge requests", text: JSON.stringify(w.gh.requests) },
  ];
}

function succeeded(result: CliResult): void {
  assert.equal(result.code, 0, result.stdout + result.stderr);
}

/** PUBLISH_BLOCKED, saying the next run holds the branch: a person's commit is its tip now. */
const blocked = (branch: string, detail: string): RegExp =>
  new RegExp(
    `^imagestream-gitops reconcile: branch ${branch} moved on the remote while this run worked \\(someone else pushed\\): ${detail}; nothing was overwritten, and it is held: the branch's tip [0-9a-f]{12} \\(A Human\\) is not a commit of this tool`,
    "m",
  );

describe("a person pushing to the branch while reconcile runs", () => {
  it("git's lease and the API commit's emulated lease, the forge token a canary", async (outer) => {
    const w = await world(outer);
    const { f, gh } = w;
    const run = async (...args: string[]): Promise<CliResult> => {
      const result = await reconcile(w, ...args);
      assertNoCanary(await exhibits(w, result));
      return result;
    };

    await outer.test("git: the push lands just before the run's push connects", async (t) => {
      await push(t, f.registry, "docker.io/library/postgres:15", "pg15-race-a");
      succeeded(await run());
      const ours = await branchTip(f.bare, gitBranch, f.genv.env);
      assert.ok(ours !== undefined);
      const human = await humanCommit(w, gitBranch, "a fix on the bot's branch");
      await push(t, f.registry, "docker.io/library/postgres:15", "pg15-race-b");
      const body = gh.pulls[0]?.body;
      // The checkout's receive-pack, started by the run's push: the branch
      // moves after the run read it, before git advertises it to the push.
      const wrapper = path.join(f.genv.root, "racing-receive-pack");
      await writeFile(
        wrapper,
        `#!/bin/sh
git --git-dir="$1" update-ref refs/heads/${gitBranch} ${human} || exit 1
exec git-receive-pack "$@"
`,
      );
      await chmod(wrapper, 0o755);
      await git(f.clone, ["config", "remote.origin.receivepack", wrapper], f.genv.env);
      let raced: CliResult;
      try {
        raced = await run();
      } finally {
        await git(f.clone, ["config", "--unset", "remote.origin.receivepack"], f.genv.env);
      }
      assert.equal(raced.code, 1, raced.stdout + raced.stderr);
      assert.match(raced.stderr, blocked(gitBranch, `.*\\(stale info\\)`));
      const tip = await branchTip(f.bare, gitBranch, f.genv.env);
      assert.equal(tip, human, "the person's commit stays");
      assert.equal(gh.pulls[0]?.body, body, "the pull request untouched");
      // The person takes it back: the branch is the tool's again for the next case.
      await land(w, gitBranch, ours);
    });

    await outer.test("git: the push lands while the run's push is in flight", async () => {
      const human = await humanCommit(w, gitBranch, "another fix on the bot's branch");
      const body = gh.pulls[0]?.body;
      // Once, while the run's push waits for the hook: the ref moves under it,
      // after git advertised it, and the remote's own compare-and-swap refuses.
      const hook = path.join(f.bare, "hooks", "pre-receive");
      await writeFile(path.join(f.bare, "race-sha"), `${human}\n`);
      await writeFile(
        hook,
        `#!/bin/sh
if [ -e race-sha ]; then
  env -u GIT_QUARANTINE_PATH git update-ref refs/heads/${gitBranch} "$(cat race-sha)" || exit 1
  rm race-sha
fi
exit 0
`,
      );
      await chmod(hook, 0o755);
      let raced: CliResult;
      try {
        raced = await run();
      } finally {
        await rm(hook);
      }
      assert.equal(raced.code, 1, raced.stdout + raced.stderr);
      const refused = `error: cannot lock ref 'refs/heads/${gitBranch}': is at ${human} but expected [0-9a-f]{40}`;
      assert.match(raced.stderr, blocked(gitBranch, refused));
      const tip = await branchTip(f.bare, gitBranch, f.genv.env);
      assert.equal(tip, human, "the person's commit stays");
      assert.equal(gh.pulls[0]?.body, body, "the pull request untouched");

      const next = await run();
      succeeded(next);
      assert.match(
        next.stderr,
        /held: the branch's tip [0-9a-f]{12} \(A Human\) is not a commit of this tool/,
      );
      assert.equal(await branchTip(f.bare, gitBranch, f.genv.env), human);
    });

    /** A person's commit lands on the API branch just before the POST to `suffix`: refused, kept. */
    const apiRaceRefused = async (ours: string, note: string, suffix: string): Promise<void> => {
      const human = await humanCommit(w, apiBranch, note);
      const body = gh.pulls[1]?.body;
      w.proxy.before("POST", suffix, () => land(w, apiBranch, human));
      const raced = await run("--config", w.apiConfig);
      assert.equal(raced.code, 1, raced.stdout + raced.stderr);
      const seen = `branch "${apiBranch}" is ${human}, the lease expected ${ours}`;
      assert.match(raced.stderr, blocked(apiBranch, seen));
      const tip = await branchTip(f.bare, apiBranch, f.genv.env);
      assert.equal(tip, human, "the person's commit stays");
      assert.equal(gh.pulls[1]?.body, body, "the pull request untouched");
    };

    await outer.test("api: the push lands before git/create-commit: the lease holds", async (t) => {
      await push(t, f.registry, "docker.io/library/postgres:15", "pg15-race-c");
      succeeded(await run("--config", w.apiConfig));
      const ours = await branchTip(f.bare, apiBranch, f.genv.env);
      assert.ok(ours !== undefined);
      await push(t, f.registry, "docker.io/library/postgres:15", "pg15-race-d");
      await apiRaceRefused(ours, "a fix on the API branch", "/git/commits");
      // The person takes it back: the branch is the tool's again for the next case.
      await land(w, apiBranch, ours);
    });

    await outer.test(
      "api: the push lands after the commit is made, just before the ref update: the swap refuses",
      async () => {
        const ours = await branchTip(f.bare, apiBranch, f.genv.env);
        assert.ok(ours !== undefined);
        // The first GraphQL request of the commit asks the repository's id; updateRefs follows.
        await apiRaceRefused(ours, "a fix in the window", "/graphql");
      },
    );

    assert.equal(gh.pulls.length, 2, "one pull request per branch");
    assert.deepEqual(gh.violations, []);
  });
});
