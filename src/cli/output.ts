/**
 * Where a command writes: results to stdout, diagnostics and progress to
 * stderr. Commands take this rather than touching the process, so tests can
 * run them in-process.
 */

/** The two output streams of a command. */
export interface Output {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * Exit codes (DESIGN.md): 0 done, 1 failure while working, 2 bad input or
 * usage, 3 changes pending (`plan --detailed-exitcode`).
 */
export const exitCodes = { ok: 0, failure: 1, invalid: 2, changesPending: 3 } as const;
