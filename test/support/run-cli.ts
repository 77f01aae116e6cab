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
  const code = await run(argv, out, { env, debug: false, ...context });
  return { code, stdout, stderr };
}
