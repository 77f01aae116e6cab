/**
 * Runs the CLI in this process with captured output: what the real binary
 * does, minus the process (its `run` turns any throw into "internal error").
 */
import { run, type RunContext } from "../../src/cli/run.ts";

/** Exit code and everything written to each stream. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `argv` (a command and its arguments) with `env` as the environment. */
export async function runInProcess(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
  context: Partial<RunContext> = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const out = { stdout: (s: string) => (stdout += s), stderr: (s: string) => (stderr += s) };
  // The test process is the run's process, as main.ts makes it for the binary: worktrees are
  // locked as its own, and those of runs that ended (killed children) are removed.
  const runProcess = { pid: process.pid, signalZero: (pid: number) => process.kill(pid, 0) };
  const code = await run(argv, out, { env, debug: false, runProcess, ...context });
  return { code, stdout, stderr };
}
