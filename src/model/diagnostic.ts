/**
 * Diagnostics: user-input problems as values, collected, never thrown one at a
 * time (eemeli/yaml's doc.errors, changesets' validateConfig). Every one
 * carries a repository-relative file, a 1-based line and column, a JSON
 * pointer into the document and, where there is one, a hint.
 */

/** How bad a diagnostic is. Errors make `validate` exit 2. */
export type Severity = "error" | "warning";

/** Every stable diagnostic code; docs/errors in the README lists them all. */
export const diagnosticCodes = [
  "YAML_SYNTAX",
  "YAML_ALIAS_LIMIT",
  "FILE_TOO_LARGE",
  "FILE_UNREADABLE",
  "SCHEMA",
  "UNKNOWN_FIELD",
  "INVALID_NAME",
  "INVALID_REFERENCE",
  "INVALID_TAG_NAME",
  "REPOSITORY_HAS_TAG",
  "REPOSITORY_HAS_ID",
  "INVALID_SOURCE_NAME",
  "SCHEDULED_NOT_DOCKER",
  "DUPLICATE_STREAM",
  "DUPLICATE_TAG",
  "MISSING_TAG",
  "MISSING_IMAGE",
  "AMBIGUOUS_IMAGE",
  "TAG_CYCLE",
  "INVALID_STATUS",
  "TRIGGER_JSON",
  "TRIGGER_INVALID",
  "TRIGGER_MISSING_TAG",
  "TRIGGER_DUPLICATE",
  "TRIGGER_FIELD_PATH",
  "TRIGGER_NO_CONTAINER",
  "TRIGGER_UNSUPPORTED_KIND",
  "TRIGGER_ALIASED_IMAGE",
  "CONFIG",
] as const;

/** A stable diagnostic code. */
export type DiagnosticCode = (typeof diagnosticCodes)[number];

/** One user-input problem with its position. */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  /** Repository-relative POSIX path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  readonly endLine?: number;
  readonly endCol?: number;
  /** RFC 6901 pointer into the YAML document ("" for the whole document). */
  readonly pointer: string;
  readonly hint?: string;
  /** 0-based index of the document within a multi-document file. */
  readonly doc?: number;
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Orders diagnostics by file, line, column, then code, for stable output. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.col - b.col || a.code.localeCompare(b.code);
}
