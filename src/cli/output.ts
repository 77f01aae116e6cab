/**
 * Where a command writes: results to stdout, diagnostics and progress to
 * stderr. Commands take this rather than touching the process, so tests can
 * run them in-process.
 */
export { exitCodes } from "../reconcile/exit-codes.ts";

/** The two output streams of a command. */
export interface Output {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}
