/**
 * Diagnostics as workflow annotations: GitHub shows each on its file and
 * line in the run and, for the files a pull request changes, inline in the
 * pull request. Pure.
 */
import path from "node:path";
import type { Diagnostic } from "../model/diagnostic.ts";
import { plural } from "../publish/markdown.ts";
import type { AnnotationProperties } from "./toolkit.ts";

/** One annotation: `core.error` or `core.warning` with where it points. */
export interface Annotation {
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly properties: AnnotationProperties;
}

/**
 * The annotation of `d`. GitHub resolves `file` from the workspace root:
 * `prefix` is the repository root relative to it (`working-directory`); a
 * file outside the repository (a config named by path) has an absolute
 * `file`, made relative to `workspace`.
 */
export function annotationOf(d: Diagnostic, prefix: string, workspace = "/"): Annotation {
  const file = path.isAbsolute(d.file)
    ? path.relative(workspace, d.file).split(path.sep).join("/")
    : path.posix.normalize(path.posix.join(prefix.split(path.sep).join("/"), d.file));
  const endLine = d.endLine ?? d.line;
  // GitHub keeps columns only for an annotation on one line.
  const columns =
    endLine === d.line
      ? { startColumn: d.col, ...(d.endCol === undefined ? {} : { endColumn: d.endCol }) }
      : {};
  return {
    severity: d.severity,
    message: d.hint === undefined ? d.message : `${d.message}\nhint: ${d.hint}`,
    properties: { title: d.code, file, startLine: d.line, endLine, ...columns },
  };
}

/** `3 errors and 1 warning in 2 files`, for the step's failure message. */
export function countDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const files = new Set(diagnostics.map((d) => d.file)).size;
  const parts = [plural(errors, "error"), ...(warnings > 0 ? [plural(warnings, "warning")] : [])];
  return `${parts.join(" and ")} in ${plural(files, "file")}`;
}
