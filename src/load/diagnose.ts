/**
 * Builds positioned diagnostics from a location and a pointer, so checks say
 * what is wrong and the position comes from the YAML nodes themselves.
 */
import type { Diagnostic, DiagnosticCode, Severity } from "../model/diagnostic.ts";
import type { ObjectLocation, SourceDocument, SourceFile } from "../model/source.ts";
import { locate, type Span } from "./positions.ts";

/** Optional parts of a diagnostic. */
export interface DiagnoseOptions {
  readonly severity?: Severity;
  readonly hint?: string | undefined;
  /** Point at this key of the map at the pointer rather than at the value. */
  readonly key?: string;
  /** Added to the column of a single-line node, to put the caret on a character. */
  readonly colOffset?: number;
}

/** A diagnostic at `pointer`, relative to the object at `where`. */
export function diagnoseAt(
  where: ObjectLocation,
  pointer: string,
  code: DiagnosticCode,
  message: string,
  options: DiagnoseOptions = {},
): Diagnostic {
  return diagnoseInDocument(where.file, where.doc, where.pointer + pointer, code, message, options);
}

/** A diagnostic at an absolute pointer of one document. */
export function diagnoseInDocument(
  file: SourceFile,
  doc: SourceDocument,
  pointer: string,
  code: DiagnosticCode,
  message: string,
  options: DiagnoseOptions = {},
): Diagnostic {
  const span = locate(doc.document, file.lines, pointer, options.key);
  const shifted =
    options.colOffset !== undefined && span.line === span.endLine
      ? { ...span, col: span.col + options.colOffset + quoteWidth(file, span) }
      : span;
  return diagnoseSpan(file.path, shifted, code, message, { ...options, pointer, doc: doc.index });
}

/** A diagnostic at a known span. */
export function diagnoseSpan(
  path: string,
  span: Span,
  code: DiagnosticCode,
  message: string,
  options: DiagnoseOptions & { readonly pointer?: string; readonly doc?: number } = {},
): Diagnostic {
  return {
    severity: options.severity ?? "error",
    code,
    message: printable(message),
    file: path,
    line: span.line,
    col: span.col,
    endLine: span.endLine,
    endCol: span.endCol,
    pointer: options.pointer ?? "",
    ...(options.hint === undefined ? {} : { hint: printable(options.hint) }),
    ...(options.doc === undefined ? {} : { doc: options.doc }),
  };
}

/** Longer messages are cut: one echoed value (a 5 MB scalar, a 20,000-tag cycle) must not flood a log. */
export const maxMessageLength = 1000;

/**
 * `text` with its control characters written as escapes (`\n`, `\u001b`),
 * cut to `maxMessageLength` characters: messages echo values from the files,
 * and a line break or an escape sequence in one would split the
 * `file:line:col` line, forge a line of its own (a workflow command in a CI
 * log) or drive the terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it finds
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const named: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  if (escaped.length <= maxMessageLength) return escaped;
  const kept = escaped.slice(0, maxMessageLength);
  return `${kept}… (${String(escaped.length - kept.length)} more characters)`;
}

/** 1 when the node at `span` starts with a quote, so offsets into its value skip it. */
function quoteWidth(file: SourceFile, span: Span): number {
  const start = (file.lines.lineStarts[span.line - 1] ?? 0) + span.col - 1;
  const first = file.text[start];
  return first === '"' || first === "'" ? 1 : 0;
}
