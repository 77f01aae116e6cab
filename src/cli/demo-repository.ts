/**
 * The demo's sandbox: a copy of the shipped examples/ as a git checkout of
 * a bare remote, and a copy of examples/offline (the config and the OCI
 * layouts that serve every registry the examples name), all in one
 * temporary directory. The package's own files are only read.
 */
import { access, cp, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ReconcilerError } from "../errors.ts";
import { runGit, type GitCommandContext } from "../publish/git/git-command.ts";
import { buildGitEnvironment, type GitEnvironment } from "../publish/git/git-environment.ts";

/** Where the demo's parts are, all under `root`. */
export interface DemoRepository {
  /** The temporary directory holding everything below. */
  readonly root: string;
  /** The GitOps checkout: examples/ without offline/, committed on main. */
  readonly repo: string;
  /** The checkout's `origin`, a bare repository. */
  readonly remote: string;
  /** The offline config (a copy of examples/offline/imagestream-gitops.yaml). */
  readonly config: string;
  /** The OCI layouts that serve the registries, and receive the mirror copies. */
  readonly registries: string;
  /** The environment every git command of the demo runs with. */
  readonly gitEnv: GitEnvironment;
}

/** The offline folder inside examples/, and its config file. */
const offlineDir = "offline";
const offlineConfig = path.join(offlineDir, "imagestream-gitops.yaml");

/**
 * The examples/ folder of this package, found by walking up from `from` (the
 * command's own directory, under src/cli or build/src/cli).
 *
 * @throws ReconcilerError INPUT_INVALID when no examples/ with an offline
 *   config is above `from` (an install that ships without them).
 */
export async function findExamples(from: string): Promise<string> {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const examples = path.join(dir, "examples");
    try {
      await access(path.join(examples, offlineConfig));
      return examples;
    } catch {
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new ReconcilerError(
    "INPUT_INVALID",
    `no examples/${offlineConfig.split(path.sep).join("/")} above ${from}: this install has no demo`,
  );
}

/** A new empty directory for the sandbox under `tempRoot`; the caller removes it. */
export function makeDemoRoot(tempRoot: string): Promise<string> {
  return mkdtemp(path.join(tempRoot, "isg-demo-"));
}

/**
 * Builds the sandbox in the empty directory `root`: copies the examples,
 * commits them on `main` as one commit, clones that into a bare
 * `remote.git` and makes it the checkout's `origin`. Runs git with
 * {@link gitEnvironment}.
 *
 * @throws GitError (GIT) when git fails; file system errors as thrown.
 */
export async function createDemoRepository(
  examples: string,
  root: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<DemoRepository> {
  const demo = {
    root,
    repo: path.join(root, "repo"),
    remote: path.join(root, "remote.git"),
    config: path.join(root, offlineConfig),
    registries: path.join(root, offlineDir, "registries"),
    gitEnv: gitEnvironment(env, root),
  };
  const offline = path.join(examples, offlineDir);
  await cp(examples, demo.repo, { recursive: true, filter: (source) => source !== offline });
  await cp(offline, path.join(root, offlineDir), { recursive: true });
  await writeFile(path.join(root, "gitconfig"), "");
  const context: GitCommandContext = { env: demo.gitEnv, secrets: [] };
  await runGit(demo.repo, ["init", "--quiet", "--initial-branch=main"], context);
  await runGit(demo.repo, ["add", "--all"], context);
  await runGit(demo.repo, ["commit", "--quiet", "--message", "The examples"], context);
  await runGit(root, ["clone", "--quiet", "--bare", "--", demo.repo, demo.remote], context);
  await runGit(demo.repo, ["remote", "add", "origin", "--", demo.remote], context);
  return demo;
}

/** The system's temporary directory, or `TMPDIR` of `env` (which tests set). */
export function demoTempRoot(env: Readonly<Record<string, string | undefined>>): string {
  return env["TMPDIR"] ?? tmpdir();
}

/**
 * `env` without GIT_* and ISG_* variables, reading no global or system git
 * config: the user's `commit.gpgsign`, hooks, templates or a token must not
 * reach a sandbox of made-up content. Commits are by a demo identity; editor
 * and pager variables are dropped and prompts are off, as for every git
 * command of the tool.
 */
export function gitEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  root: string,
): GitEnvironment {
  const kept = Object.entries(env).filter(
    (e): e is [string, string] =>
      e[1] !== undefined && !e[0].startsWith("GIT_") && !e[0].startsWith("ISG_"),
  );
  return buildGitEnvironment(
    {
      ...Object.fromEntries(kept),
      GIT_CONFIG_GLOBAL: path.join(root, "gitconfig"),
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_AUTHOR_NAME: "imagestream-gitops demo",
      GIT_AUTHOR_EMAIL: "demo@example.com",
      GIT_COMMITTER_NAME: "imagestream-gitops demo",
      GIT_COMMITTER_EMAIL: "demo@example.com",
    },
    undefined,
  );
}
