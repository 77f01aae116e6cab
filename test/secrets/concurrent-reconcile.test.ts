/**
 * Two `reconcile` processes at once (two overlapping scheduled jobs), as
 * child processes of the built CLI, against one GitHub test server and one
 * bare remote: from one checkout, and from two clones of the remote. Each
 * round a new digest is pushed first, so both runs want to change the
 * branch. After every round: both exited cleanly, exactly one open pull
 * request, one commit above main on the branch, every tip the branch ever
 * had (the remote's reflog) either the tip's ancestor or a commit of the
 * tool's own that it rebuilt, and the checkout's work trees as they were.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import type { TestContext } from "node:test";
import {
  bareRepo,
  cloneRepo,
  commitAsHuman,
  git,
  gitTestEnv,
  type GitTestEnv,
} from "../support/git-repos.ts";
import { GitHubServer } from "../support/github-server.ts";
import { writeImage } from "../support/oci-image.ts";
import { startRegistry, type Registry } from "../support/registry-server.ts";
import { pushLayout } from "../support/skopeo.ts";
import { projectRoot, tempRepo } from "../support/temp-repo.ts";
import { assertNoCanary, canaries } from "./canaries.ts";

/** One stream on a registry, a bare remote with two clones, and the GitHub server. */
interface Race {
  readonly genv: GitTestEnv;
  readonly registry: Registry;
  readonly bare: string;
  readonly clones: readonly [string, string];
  readonly gh: GitHubServer;
  /** Pushes a new image to the stream's source tag. */
  readonly newImage: (seed: string) => Promise<void>;
}

async function race(t: TestContext): Promise<Race> {
  const genv = await gitTestEnv(t);
  const registry = await startRegistry(t);
  const layout = await tempRepo(t, {});
  const newImage = async (seed: string): Promise<void> => {
    await writeImage(layout, { tag: seed, seed });
    await pushLayout(layout, seed, `${registry.host}/team/app:1.0`, { tlsVerify: false });
  };
  await newImage("race-seed");
  const stream = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
    - {name: "1.0", from: {kind: DockerImage, name: "${registry.host}/team/app:1.0"}}
`;
  const bare = await bareRepo(genv, { "app.yaml": stream });
  await git(bare, ["config", "core.logAllRefUpdates", "always"], genv.env);
  const gh = await GitHubServer.start({
    owner: "acme",
    repo: "gitops",
    token: canaries.forge,
    gitDir: bare,
  });
  t.after(() => gh.close());
  const first = await cloneRepo(genv, bare);
  const config = `registries:
  "${registry.host}": {insecure: true}
pullRequest:
  forge: github
  apiUrl: ${gh.url}
  repository: acme/gitops
`;
  await commitAsHuman(first, { "imagestream-gitops.yaml": config }, "configure", genv.env);
  await git(first, ["push", "-q", "origin", "HEAD:main"], genv.env);
  return { genv, registry, bare, clones: [first, await cloneRepo(genv, bare)], gh, newImage };
}

const branch = "imagestream-gitops/update";
const cli = path.join(projectRoot, "build", "src", "cli", "main.js");
const rounds = 2;

interface Exit {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function reconcileProcess(w: Race, checkout: string): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, "reconcile", "--repo", checkout],
      { env: { ...w.genv.env, ISG_FORGE_TOKEN: canaries.forge } },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Every sha `ref` has pointed at in the bare remote, oldest first. */
async function tipsOf(w: Race, ref: string): Promise<string[]> {
  const out = await git(w.bare, ["reflog", "show", "--format=%H", `refs/heads/${ref}`], w.genv.env);
  return [
    ...new Set(
      out
        .trim()
        .split("\n")
        .filter((l) => l !== ""),
    ),
  ].reverse();
}

async function assertEndState(w: Race, checkouts: readonly string[], runs: Exit[]): Promise<void> {
  const { gh } = w;
  const f = { bare: w.bare, genv: w.genv };
  const detail = runs
    .map((r) => `exit ${String(r.code)}\n${r.stdout}\n${r.stderr}`)
    .join("\n---\n");
  // Both runs wanted the same change: the one that lost the push finds the
  // branch holding it and goes on, so neither pages anyone.
  for (const r of runs) assert.equal(r.code, 0, detail);
  assert.equal(gh.pulls.filter((p) => p.state === "open").length, 1, detail);
  assert.deepEqual(gh.violations, []);
  const above = (await git(f.bare, ["rev-list", `main..${branch}`], f.genv.env)).trim().split("\n");
  assert.equal(above.length, 1, `one commit above main\n${detail}`);
  const tip = above[0] ?? "";
  for (const sha of await tipsOf(w, branch)) {
    const kept = await git(f.bare, ["merge-base", "--is-ancestor", sha, tip], f.genv.env).then(
      () => true,
      () => false,
    );
    const message = await git(f.bare, ["log", "-1", "--format=%B", sha], f.genv.env);
    assert.ok(
      kept || /^Imagestream-Gitops-Fingerprint: [0-9a-f]{64}$/m.test(message),
      `${sha} was lost and is not the tool's own: ${message}`,
    );
  }
  for (const checkout of checkouts) {
    const trees = (await git(checkout, ["worktree", "list", "--porcelain"], f.genv.env))
      .split("\n")
      .filter((l) => l.startsWith("worktree "));
    assert.deepEqual(trees, [`worktree ${checkout}`], "no temporary work tree left behind");
    assert.equal(
      await git(checkout, ["status", "--porcelain"], f.genv.env),
      "",
      "checkout untouched",
    );
    await git(checkout, ["fsck", "--no-progress"], f.genv.env);
  }
  assertNoCanary(
    runs.flatMap((r) => [
      { where: "stdout", text: r.stdout },
      { where: "stderr", text: r.stderr },
    ]),
  );
}

describe("two reconcile runs at once", () => {
  it(`from one checkout and from two clones, ${String(rounds)} rounds each: one pull request, one commit, nothing lost`, async (t) => {
    const w = await race(t);
    const layouts: readonly (readonly string[])[] = [
      [w.clones[0], w.clones[0]],
      [w.clones[0], w.clones[1]],
    ];
    let seed = 0;
    for (const checkouts of layouts) {
      for (let round = 0; round < rounds; round++) {
        await w.newImage(`race-${String(seed++)}`);
        for (const c of checkouts) await git(c, ["pull", "-q", "--ff-only"], w.genv.env);
        const runs = await Promise.all(checkouts.map((c) => reconcileProcess(w, c)));
        await assertEndState(w, [...new Set(checkouts)], runs);
      }
    }

    // A person's commit on the branch: both runs hold it, neither loses it.
    const [first, second] = w.clones;
    await git(second, ["fetch", "-q", "origin"], w.genv.env);
    await git(second, ["checkout", "-q", "-b", "fix", `origin/${branch}`], w.genv.env);
    const human = await commitAsHuman(
      second,
      { "NOTES.md": "pinned on purpose\n" },
      "a note",
      w.genv.env,
    );
    await git(second, ["push", "-q", "origin", `HEAD:${branch}`], w.genv.env);
    await git(second, ["checkout", "-q", "main"], w.genv.env);
    await w.newImage("race-human");
    const held = await Promise.all([first, second].map((c) => reconcileProcess(w, c)));
    for (const r of held) {
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(
        r.stderr,
        /held: the branch's tip [0-9a-f]{12} \(A Human\) is not a commit of this tool/,
      );
    }
    assert.equal((await git(w.bare, ["rev-parse", branch], w.genv.env)).trim(), human);
    assert.equal(w.gh.pulls.length, 1);
  });
});
