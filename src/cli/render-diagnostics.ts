/**
 * Renders diagnostics for people (`file:line:col: error CODE: message`, the
 * source line with a caret, the hint) and for machines (one JSON document).
 * Pure: the caller writes the text.
 */
import type { Diagnostic } from "../model/diagnostic.ts";
import type { SourceFile } from "../model/source.ts";

/** Counts for the summary line. */
export interface ValidateSummary {
  readonly files: number;
  readonly streams: number;
  readonly workloads: number;
}

/** One diagnostic, with an excerpt when the file's text is at hand. */
export function renderDiagnostic(d: Diagnostic, source: SourceFile | undefined): string {
  const lines = [`${d.file}:${d.line}:${d.col}: ${d.severity} ${d.code}: ${d.message}`];
  const text = sourceLine(source, d.line);
  if (text !== undefined && text.length <= 240) {
    const number = String(d.line);
    lines.push(`  ${number} | ${visible(text)}`);
    lines.push(`  ${" ".repeat(number.length)} | ${" ".repeat(Math.max(0, d.col - 1))}^`);
  }
  if (d.hint !== undefined) lines.push(`  hint: ${d.hint}`);
  return lines.join("\n");
}

/**
 * The source line with tabs as spaces and each other control character as
 * one visible stand-in (U+2400's control pictures), so the caret stays in
 * its column and no escape sequence from a file reaches the terminal.
 */
function visible(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it finds
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === "\t") return " ";
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? "\u2421" : "\ufffd";
  });
}

/** Line `line` (1-based) of the file, without its line break; cut from the line index, not split per call. */
function sourceLine(source: SourceFile | undefined, line: number): string | undefined {
  const starts = source?.lines.lineStarts;
  const start = starts?.[line - 1];
  if (source === undefined || starts === undefined || start === undefined) return undefined;
  const end = starts[line] ?? source.text.length;
  return source.text.slice(start, end).replace(/\r?\n$/, "");
}

/** The closing line, e.g. "2 errors, 1 warning in 18 files". */
export function renderSummary(
  diagnostics: readonly Diagnostic[],
  summary: ValidateSummary,
): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const scope = `${plural(summary.files, "file")}, ${plural(summary.streams, "image stream")}, ${plural(summary.workloads, "triggered workload")}`;
  if (diagnostics.length === 0) return `validate: ${scope}: no problems`;
  const withProblems = new Set(diagnostics.map((d) => d.file)).size;
  return `validate: ${plural(errors, "error")}, ${plural(warnings, "warning")} in ${plural(withProblems, "file")} (${scope})`;
}

/** The `--json` document. Its shape is stable: fields are added, never renamed. */
export function renderJson(diagnostics: readonly Diagnostic[], summary: ValidateSummary): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const document = {
    ok: errors === 0,
    summary: { ...summary, errors, warnings: diagnostics.length - errors },
    diagnostics,
  };
  return JSON.stringify(document, null, 2);
}

function plural(n: number, noun: string): string {
  return `${String(n)} ${noun}${n === 1 ? "" : "s"}`;
}
