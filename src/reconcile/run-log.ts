/**
 * Where a run tells people what it is doing. Each entry point decides the
 * form: the CLI writes lines to stderr, the Action writes workflow commands
 * and annotations, the scheduled runner writes JSON lines. Every text the
 * run passes here is masked already.
 */
import type { Diagnostic } from "../model/diagnostic.ts";
import type { SourceFile } from "../model/source.ts";

/** The run's log port. */
export interface RunLog {
  /** Progress: a line for people, without its line break. */
  readonly info: (message: string) => void;
  /** Something that did not stop the run (an image whose facts could not be read). */
  readonly warn: (message: string) => void;
  /**
   * The repository's diagnostics, as soon as it is loaded (before any
   * registry is asked), with the files they point into.
   */
  readonly diagnostics: (
    diagnostics: readonly Diagnostic[],
    files: ReadonlyMap<string, SourceFile>,
  ) => void;
}

/** A log that drops everything. */
export const silentLog: RunLog = {
  info: () => undefined,
  warn: () => undefined,
  diagnostics: () => undefined,
};
