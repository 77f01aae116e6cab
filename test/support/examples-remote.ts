/**
 * The examples as a GitOps repository on a remote: a copy of examples/
 * whose registries are served by the real docker-registry, applied once,
 * committed on main of a bare git repository, and a clone of it to run
 * `reconcile` (or the Action, or `serve`) in.
 */
import assert from "node:assert/strict";
import { appendFile } from "node:fs/promises";
import path from "node:path";
import type { TestContext } from "node:test";
import { examplesCopy, pushExampleImages } from "./examples-registry.ts";
import { cloneRepo, git, gitTestEnv, type GitTestEnv } from "./git-repos.ts";
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
