/**
 * Parses one file's text into YAML documents and positioned diagnostics.
 * Pure: the caller reads the file. Documents with syntax errors are kept (for
 * their diagnostics) but carry no value, so later checks skip them.
 */
import { LineCounter, parseAllDocuments, type Document, type YAMLError } from "yaml";
import type { Diagnostic } from "../model/diagnostic.ts";
import type { SourceDocument, SourceFile } from "../model/source.ts";
import { diagnoseSpan } from "./diagnose.ts";
import { spanOf } from "./positions.ts";

/**
 * Aliases a document may expand, relative to its size (yaml's own measure).
 * An alias bomb ("billion laughs") is an error, not a hang.
 */
const maxAliasCount = 100;

/** The result of parsing one file. */
export interface ParsedFile {
  readonly file: SourceFile;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses `text`, the contents of the repository-relative `path`. */
export function parseYamlFile(path: string, text: string): ParsedFile {
  const lines = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  let parsed: Document.Parsed[];
  try {
    parsed = parseAllDocuments(text, {
      lineCounter: lines,
      keepSourceTokens: true,
      prettyErrors: false,
      uniqueKeys: true,
    }) as Document.Parsed[];
  } catch (err) {
    // The parser recurses on nesting; a pathological file can exhaust the stack.
    const span = { line: 1, col: 1, endLine: 1, endCol: 1 };
    const message = `cannot parse YAML: ${err instanceof Error ? err.message : String(err)}`;
    diagnostics.push(diagnoseSpan(path, span, "YAML_SYNTAX", message));
    return { file: { path, text, lines, documents: [] }, diagnostics };
  }
  const documents = parsed.map((document, index): SourceDocument => {
    const problems = [...document.errors, ...document.warnings];
    diagnostics.push(...problems.map((e) => yamlDiagnostic(path, lines, e, index)));
    const value = document.errors.length > 0 ? undefined : toValue(document);
    if (value instanceof Error) {
      diagnostics.push(aliasDiagnostic(path, lines, document, index, value));
      return { index, document, value: undefined };
    }
    return { index, document, value };
  });
  return { file: { path, text, lines, documents }, diagnostics };
}

function toValue(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount });
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function yamlDiagnostic(path: string, lines: LineCounter, e: YAMLError, doc: number): Diagnostic {
  const severity = e.name === "YAMLWarning" ? "warning" : "error";
  const message = firstLine(e.message);
  const hint = e.code === "DUPLICATE_KEY" ? "remove or rename one of the keys" : undefined;
  return diagnoseSpan(path, spanOf(lines, e.pos[0], e.pos[1]), "YAML_SYNTAX", message, {
    severity,
    hint,
    doc,
  });
}

function aliasDiagnostic(
  path: string,
  lines: LineCounter,
  doc: Document.Parsed,
  index: number,
  err: Error,
): Diagnostic {
  const limit = /alias count|resource exhaustion/i.test(err.message);
  const span = spanOf(lines, doc.range[0], doc.range[0]);
  if (!limit) {
    return diagnoseSpan(path, span, "YAML_SYNTAX", firstLine(err.message), { doc: index });
  }
  return diagnoseSpan(path, span, "YAML_ALIAS_LIMIT", "YAML aliases expand too far (alias bomb)", {
    doc: index,
    hint: `a document may expand at most ${maxAliasCount} aliases; write the values out instead`,
  });
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, "");
}
