/**
 * Real git repositories for tests, made with the git binary itself (not
 * the code under test): a bare remote seeded on `main`, clones of it,
 * commits as "a human", branch tips. Every directory is temporary and
 * removed when the test ends; git never reads the developer's config.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestContext } from "node:test";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** The identity the helpers commit as. */
export const human = { name: "A Human", email: "human@example.com" } as const;

/** An environment for git: a temporary HOME and global config, no system config. */
export interface GitTestEnv {
  readonly env: Readonly<Record<string, string>>;
  /** The global config file git reads (GIT_CONFIG_GLOBAL), empty at first. */
  readonly globalConfig: string;
  /** A temporary directory for the test's own files. */
  readonly root: string;
}

/** A new temporary directory, removed when `t` ends. */
export async function tempDir(t: TestContext, prefix = "isg-git-test-"): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** An isolated git environment: only PATH is inherited. */
export async function gitTestEnv(t: TestContext): Promise<GitTestEnv> {
  const root = await tempDir(t);
  const home = path.join(root, "home");
  await mkdir(home);
  const globalConfig = path.join(home, ".gitconfig");
  await writeFile(globalConfig, "");
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    LANG: "C",
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: "1",
  };
  return { env, globalConfig, root };
}

/** Runs `git <args>` in `cwd`; resolves with stdout, rejects with git's stderr in the message. */
export async function git(
  cwd: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<string> {
  const humanEnv = {
    GIT_AUTHOR_NAME: human.name,
    GIT_AUTHOR_EMAIL: human.email,
    GIT_COMMITTER_NAME: human.name,
    GIT_COMMITTER_EMAIL: human.email,
    ...env,
  };
  const { stdout } = await execFileAsync("git", args, { cwd, env: humanEnv });
  return stdout;
}

/** Writes `files` (relative path → contents) under `dir`. */
export async function writeFiles(
  dir: string,
  files: Readonly<Record<string, string>>,
): Promise<void> {
  for (const [relative, contents] of Object.entries(files)) {
    const file = path.join(dir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, contents);
  }
}

/** Writes `files` in the checkout `dir`, commits them as the human, returns the sha. */
export async function commitAsHuman(
  dir: string,
  files: Readonly<Record<string, string>>,
  message: string,
  env: Readonly<Record<string, string>>,
): Promise<string> {
  await writeFiles(dir, files);
  await git(dir, ["add", "--all"], env);
  await git(dir, ["commit", "--quiet", "--no-gpg-sign", "-m", message], env);
  return (await git(dir, ["rev-parse", "HEAD"], env)).trim();
}

/** A bare repository under `genv.root` whose `main` holds `files` in one commit. */
export async function bareRepo(
  genv: GitTestEnv,
  files: Readonly<Record<string, string>>,
): Promise<string> {
  const bare = await mkdtemp(path.join(genv.root, "remote-"));
  await git(bare, ["init", "--quiet", "--bare", "--initial-branch=main"], genv.env);
  const seed = await mkdtemp(path.join(genv.root, "seed-"));
  await git(seed, ["init", "--quiet", "--initial-branch=main"], genv.env);
  await commitAsHuman(seed, files, "seed", genv.env);
  await git(seed, ["push", "--quiet", bare, "main"], genv.env);
  return bare;
}

/** A full clone of `remote` under `genv.root`, on `main`. */
export async function cloneRepo(genv: GitTestEnv, remote: string): Promise<string> {
  const dir = await mkdtemp(path.join(genv.root, "clone-"));
  await git(genv.root, ["clone", "--quiet", remote, dir], genv.env);
  return dir;
}

/** The sha `branch` points at in the repository `repo`, or undefined when it does not exist. */
export async function branchTip(
  repo: string,
  branch: string,
  env: Readonly<Record<string, string>>,
): Promise<string | undefined> {
  const out = await git(
    repo,
    ["for-each-ref", "--format=%(objectname)", `refs/heads/${branch}`],
    env,
  );
  return out.trim() === "" ? undefined : out.trim();
}

/** Pushes a new commit with `files` on `branch` of `remote` as someone else; returns its sha. */
export async function pushAsSomeoneElse(
  genv: GitTestEnv,
  remote: string,
  branch: string,
  files: Readonly<Record<string, string>>,
): Promise<string> {
  const dir = await cloneRepo(genv, remote);
  const exists = (await branchTip(remote, branch, genv.env)) !== undefined;
  if (exists) await git(dir, ["checkout", "--quiet", branch], genv.env);
  const sha = await commitAsHuman(dir, files, `someone else on ${branch}`, genv.env);
  await git(dir, ["push", "--quiet", "--force", "origin", `HEAD:refs/heads/${branch}`], genv.env);
  return sha;
}
