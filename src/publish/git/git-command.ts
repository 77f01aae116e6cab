/**
 * Runs one git command through simple-git and turns every failure into a
 * GitError (GIT) with the exit code, the stderr tail and no credentials.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { GitError as SimpleGitError, simpleGit, type SimpleGitOptions } from "simple-git";
import { GitError } from "./git-error.ts";
import type { GitEnvironment } from "./git-environment.ts";

/** How a workspace's commands run. */
export interface GitCommandContext {
  readonly env: GitEnvironment;
  /** Strings removed from every message (the token and its encodings). */
  readonly secrets: readonly string[];
}

/**
 * simple-git refuses GIT_* variables and some git settings unless allowed:
 * its guard is for applications that pass untrusted input into git. Here the
 * environment is the operator's own (as trusted as their ~/.gitconfig, which
 * git reads anyway), so every variable in it is allowed, and these
 * categories are opened because environment variables trigger them:
 * GIT_CONFIG_GLOBAL/SYSTEM (config paths), GIT_CONFIG_COUNT (our token
 * header and a CI's own entries), GIT_SSH(_COMMAND) (deploy keys),
 * GIT_ASKPASS/SSH_ASKPASS, and credential helpers or `insteadOf` rewrites a
 * CI sets through GIT_CONFIG_KEY_n. The argv side of those checks is held by
 * construction: this module builds every argument itself, and user values
 * (branch names, URLs) only appear after validation or after `--`.
 * core.hooksPath is opened for the empty directory the workspace sets, so
 * no hook of a checkout runs on the tool's commits. Everything else
 * (aliases, filters, upload/receive-pack, protocol overrides, gpg.program)
 * stays refused.
 */
const trustedEnvironment: NonNullable<SimpleGitOptions["unsafe"]> = {
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeSshCommand: true,
  allowUnsafeAskPass: true,
  allowUnsafeCredentialHelper: true,
  allowUnsafeUrlRewrite: true,
  allowUnsafeHooksPath: true,
};

/** The exit code and stderr, kept on simple-git's own error class so its queue does not re-wrap it. */
interface ExitDetails {
  readonly exitCode?: number;
  readonly stderrText?: string;
}

/**
 * simple-git treats a non-zero exit with an empty stderr as success (`git
 * ls-remote --exit-code`); every non-zero exit is a failure here.
 */
const keepExitDetails: NonNullable<SimpleGitOptions["errors"]> = (error, result) => {
  if (error === undefined && result.exitCode === 0) return undefined;
  const stderrText = Buffer.concat(result.stdErr).toString("utf8");
  const base =
    error instanceof SimpleGitError
      ? error
      : new SimpleGitError(undefined, error instanceof Error ? error.message : stderrText);
  return Object.assign(base, { exitCode: result.exitCode, stderrText });
};

/**
 * Runs `git <args>` in `dir` with the context's environment (plus
 * `extraEnv`); resolves with stdout. Rejects with a GitError (GIT) naming
 * the subcommand (`args[0]`), the exit code and the stderr tail, redacted.
 */
export async function runGit(
  dir: string,
  args: readonly string[],
  context: GitCommandContext,
  extraEnv: GitEnvironment = {},
): Promise<string> {
  const env = { ...context.env, ...extraEnv };
  for (let attempt = 1; ; attempt++) {
    try {
      // Built per command: allowEnvironment must name this command's own variables.
      const git = simpleGit({
        baseDir: dir,
        allowEnvironment: Object.keys(env),
        unsafe: trustedEnvironment,
        errors: keepExitDetails,
      }).env(env);
      return await git.raw([...args]);
    } catch (err) {
      const failure = toGitError(args[0] ?? "", err, context.secrets);
      if (attempt >= worktreeRaceAttempts || !halfMadeWorktree.test(failure.stderr)) throw failure;
      await sleep(100 * attempt);
    }
  }
}

/**
 * `git worktree add` writes a null object id as the new worktree's HEAD
 * before it sets the real one; meanwhile a fetch in any worktree of that
 * repository (another run's, at the same time) walks every worktree's HEAD
 * and fails on it. The window is a few milliseconds: the command is run
 * again.
 */
const halfMadeWorktree = /^fatal: bad object worktrees\/[^/\s]+\/HEAD$/m;
const worktreeRaceAttempts = 4;

function toGitError(subcommand: string, err: unknown, secrets: readonly string[]): GitError {
  const details = err as ExitDetails;
  const message = err instanceof Error ? err.message : String(err);
  return new GitError(
    {
      subcommand,
      exitCode: typeof details.exitCode === "number" ? details.exitCode : undefined,
      stderr: details.stderrText ?? message,
    },
    secrets,
  );
}
