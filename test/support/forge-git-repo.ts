/**
 * Real bare git repositories for the forge test servers: one made with
 * `git init --bare` and filled from a temporary clone (main plus branches),
 * and the head commit of a branch read with `git rev-parse`, as a forge reads
 * its own repository. Git runs with HOME and GIT_CONFIG_GLOBAL in a temporary
 * directory so the developer's configuration is not read.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestContext } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A bare repository and the clone that pushes to it. */
export interface ForgeGitRepo {
  /** The bare repository, as the forge stores it. */
  readonly gitDir: string;
  /** Commits a file on `branch` (made from main when new) and pushes it; resolves to the new head. */
  push(branch: string, file?: string): Promise<string>;
  /** Deletes `branch` on the bare repository. */
  deleteBranch(branch: string): Promise<void>;
}

/** Makes a bare repository with one commit on main and pushes `branches` (one commit each) to it. */
export async function createForgeGitRepo(
  t: TestContext,
  branches: readonly string[] = [],
): Promise<ForgeGitRepo> {
  const root = await mkdtemp(path.join(tmpdir(), "isg-forge-git-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const home = path.join(root, "home");
  const gitDir = path.join(root, "remote.git");
  const work = path.join(root, "work");
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    GIT_CONFIG_GLOBAL: path.join(root, "gitconfig"),
    GIT_CONFIG_NOSYSTEM: "1",
  };
  const git: Git = async (cwd, ...args) => (await run("git", args, { cwd, env })).stdout.trim();
  await writeFile(env.GIT_CONFIG_GLOBAL, "");
  await git(root, "init", "--bare", "--initial-branch=main", gitDir);
  await git(root, "clone", "--quiet", gitDir, work);
  await git(work, "config", "user.name", "Forge Test");
  await git(work, "config", "user.email", "forge-test@example.com");
  await git(work, "checkout", "--quiet", "-b", "main");
  const push = (branch: string, file?: string) => pushBranch(git, work, branch, file);
  await writeFile(path.join(work, "README.md"), "# gitops\n");
  await git(work, "add", "README.md");
  await git(work, "commit", "--quiet", "-m", "first commit");
  await git(work, "push", "--quiet", "origin", "main");
  for (const branch of branches) await push(branch);
  return {
    gitDir,
    push,
    deleteBranch: async (branch) => {
      await git(gitDir, "update-ref", "-d", `refs/heads/${branch}`);
    },
  };
}

/** The head commit of `branch` in the repository at `gitDir`; undefined when there is no such branch. */
export async function readBranchSha(gitDir: string, branch: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(
      "git",
      ["-C", gitDir, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`],
      {
        env: {
          PATH: process.env.PATH ?? "",
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_CONFIG_GLOBAL: "/dev/null",
        },
      },
    );
    return stdout.trim();
  } catch {
    return undefined;
  }
}

type Git = (cwd: string, ...args: string[]) => Promise<string>;

/** Commits `file` on `branch` of the clone `work` (made from main when new) and pushes it. */
async function pushBranch(
  git: Git,
  work: string,
  branch: string,
  file = `${branch.replaceAll("/", "-")}.txt`,
): Promise<string> {
  const exists = (await git(work, "branch", "--list", branch)) !== "";
  await git(work, "checkout", "--quiet", ...(exists ? [branch] : ["-b", branch, "main"]));
  await writeFile(path.join(work, file), `${branch} ${String(Date.now())}\n`);
  await git(work, "add", file);
  await git(work, "commit", "--quiet", "-m", `change ${file} on ${branch}`);
  await git(work, "push", "--quiet", "origin", branch);
  return git(work, "rev-parse", "HEAD");
}
