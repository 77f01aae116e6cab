/**
 * The examples as a GitOps repository on a remote: a copy of examples/
 * whose registries are served by the real docker-registry, applied once,
 * committed on main of a bare git repository, and a clone of it to run
 * `reconcile` (or the Action, or `serve`) in.
 */
import assert from "node:assert/strict";
import path from "node:path";
import type { TestContext } from "node:test";
import { appendFile, readFile } from "node:fs/promises";
import { examplesCopy, pushExampleImages } from "./examples-registry.ts";
import { cloneRepo, commitAsHuman, git, gitTestEnv, type GitTestEnv } from "./git-repos.ts";
import { GitHubServer } from "./github-server.ts";
import { startRegistry, type Registry } from "./registry-server.ts";
import { runInProcess } from "./run-cli.ts";

/** The registry, the git environment, the bare remote and the clone. */
export interface ExamplesRemote {
  readonly registry: Registry;
  readonly genv: GitTestEnv;
  readonly bare: string;
  readonly clone: string;
}

let minute = 0;

/** A clock fixed at a new minute per call: every run gets its own time, as timestamps must not make commits. */
export function tick(): () => Date {
  const at = new Date(Date.UTC(2026, 10, 23, 12, minute++));
  return () => at;
}

/** The examples after a first apply (with `pullRequest` appended to the config), on main of a bare remote, and a clone. */
export async function examplesRemote(t: TestContext, pullRequest = ""): Promise<ExamplesRemote> {
  const genv = await gitTestEnv(t);
  const registry = await startRegistry(t);
  await pushExampleImages(t, registry);
  const root = await examplesCopy(t, registry);
  if (pullRequest !== "") await appendFile(path.join(root, "imagestream-gitops.yaml"), pullRequest);
  const applied = await runInProcess(["apply", "--repo", root], {}, { now: tick() });
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  await git(root, ["init", "-q", "-b", "main"], genv.env);
  await git(root, ["add", "-A"], genv.env);
  await git(root, ["commit", "-q", "-m", "baseline"], genv.env);
  const bare = path.join(genv.root, "remote.git");
  await git(genv.root, ["clone", "-q", "--bare", root, bare], genv.env);
  return { registry, genv, bare, clone: await cloneRepo(genv, bare) };
}

/** The remote, its clone, and the GitHub test server its pull requests go to. */
export interface ExamplesOnGitHub {
  readonly f: ExamplesRemote;
  readonly gh: GitHubServer;
}

/**
 * {@link examplesRemote} with the GitHub test server (accepting `token`)
 * started, and a `pullRequest` config naming it (plus `more`, lines of
 * that mapping) pushed to main by a person: the server's URL is known only
 * once it listens, so the config is committed afterwards.
 */
export async function examplesOnGitHub(
  t: TestContext,
  token: string,
  more = "",
): Promise<ExamplesOnGitHub> {
  const f = await examplesRemote(t);
  const gh = await GitHubServer.start({ owner: "acme", repo: "gitops", token, gitDir: f.bare });
  t.after(() => gh.close());
  const config = `pullRequest:
  forge: github
  apiUrl: ${gh.url}
  repository: acme/gitops
${more}`;
  const file = path.join(f.clone, "imagestream-gitops.yaml");
  await commitAsHuman(
    f.clone,
    { "imagestream-gitops.yaml": (await readFile(file, "utf8")) + config },
    "configure pull requests",
    f.genv.env,
  );
  await git(f.clone, ["push", "-q", "origin", "HEAD:main"], f.genv.env);
  return { f, gh };
}
