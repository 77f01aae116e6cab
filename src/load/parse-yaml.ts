/**
 * Parses one file's text into YAML documents and positioned diagnostics.
 * Pure: the caller reads the file. Documents with syntax errors are kept (for
 * their diagnostics) but carry no value, so later checks skip them.
 */
import {
  LineCounter,
  parseAllDocuments,
  visit,
  type Alias,
  type Document,
  type YAMLError,
} from "yaml";
import type { Diagnostic } from "../model/diagnostic.ts";
import { kubernetesYamlOptions } from "../model/yaml-options.ts";
import type { SourceDocument, SourceFile } from "../model/source.ts";
import { diagnoseSpan } from "./diagnose.ts";
import { spanOf } from "./positions.ts";

/**
 * yaml's measure of alias expansion (uses of an alias times the aliases under
 * its anchor). An alias bomb ("billion laughs") is an error, not a hang; a
 * file that reuses one anchor a few hundred times is not a bomb.
 */
const maxAliasCount = 10_000;

const options = kubernetesYamlOptions;

/** The result of parsing one file. */
export interface ParsedFile {
  readonly file: SourceFile;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses `content`, the contents of the repository-relative `path`. A leading
 * byte-order mark is set aside (`bom`) so columns on line 1 are not off by one.
 */
export function parseYamlFile(path: string, content: string): ParsedFile {
  const bom = content.startsWith("\uFEFF");
  const text = bom ? content.slice(1) : content;
  const lines = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  let parsed: Document.Parsed[];
  try {
    parsed = parseAllDocuments(text, { ...options, lineCounter: lines }) as Document.Parsed[];
  } catch (err) {
    // The parser recurses on nesting; a pathological file can exhaust the stack.
    const span = { line: 1, col: 1, endLine: 1, endCol: 1 };
    const message = `cannot parse YAML: ${tooDeep(err instanceof Error ? err.message : String(err))}`;
    diagnostics.push(diagnoseSpan(path, span, "YAML_SYNTAX", message));
    return { file: { path, text, bom, lines, documents: [] }, diagnostics };
  }
  const last = Math.max(0, text.trimEnd().length - 1);
  const seen = new Set<string>();
  const control = controlCharacter(path, lines, text);
  if (control !== undefined) diagnostics.push(control);
  const documents = parsed.map((document, index): SourceDocument => {
    for (const problem of [...document.errors, ...document.warnings]) {
      const d = yamlDiagnostic(path, lines, problem, index, last);
      // A broken flow collection repeats one error per nesting level; say it once.
      const id = `${String(d.line)}:${String(d.col)}:${d.message}`;
      if (!seen.has(id)) diagnostics.push(d);
      seen.add(id);
    }
    const value = document.errors.length > 0 ? undefined : toValue(document);
    if (value instanceof Error) {
      diagnostics.push(conversionDiagnostic(path, lines, document, index, value));
      return { index, document, value: undefined };
    }
    return { index, document, value };
  });
  return { file: { path, text, bom, lines, documents }, diagnostics };
}

/**
 * YAML allows no control character but tab, line feed and carriage return
 * (plus NEL), and Kubernetes' reader refuses a file holding one ("control
 * characters are not allowed"); yaml reads it. The first one is an error, at
 * its position; the file's other problems are still reported.
 */
const notPrintable =
  // eslint-disable-next-line no-control-regex -- control characters are what it finds
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

function controlCharacter(path: string, lines: LineCounter, text: string): Diagnostic | undefined {
  const found = notPrintable.exec(text);
  if (found === null) return undefined;
  const code = (found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
  const span = spanOf(lines, found.index, found.index + 1);
  return diagnoseSpan(
    path,
    span,
    "YAML_SYNTAX",
    `control character U+${code} is not allowed in YAML`,
    {
      hint: `remove it, or write it as an escape (\\u${code}) inside a double-quoted string`,
    },
  );
}

function toValue(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount });
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** A parser error; positions past the last character (an unclosed collection) move onto it. */
function yamlDiagnostic(
  path: string,
  lines: LineCounter,
  e: YAMLError,
  doc: number,
  last: number,
): Diagnostic {
  const severity = e.name === "YAMLWarning" ? "warning" : "error";
  const message = tooDeep(firstLine(e.message));
  const hint = e.code === "DUPLICATE_KEY" ? "remove or rename one of the keys" : undefined;
  const start = Math.min(e.pos[0], last);
  const span = spanOf(lines, start, Math.max(start, Math.min(e.pos[1], last + 1)));
  return diagnoseSpan(path, span, "YAML_SYNTAX", message, {
    severity,
    hint,
    doc,
  });
}

/** An error converting a parsed document to data: an alias bomb or an alias with no anchor. */
function conversionDiagnostic(
  path: string,
  lines: LineCounter,
  doc: Document.Parsed,
  index: number,
  err: Error,
): Diagnostic {
  if (/alias count|resource exhaustion/i.test(err.message)) {
    const span = spanOf(lines, doc.range[0], doc.range[0]);
    return diagnoseSpan(
      path,
      span,
      "YAML_ALIAS_LIMIT",
      "YAML aliases expand too far (alias bomb)",
      {
        doc: index,
        hint: `a document may expand at most ${String(maxAliasCount)} aliases; write the values out instead`,
      },
    );
  }
  const alias = unresolvedAlias(doc);
  const at = alias?.range?.[0] ?? doc.range[0];
  return diagnoseSpan(path, spanOf(lines, at, at), "YAML_SYNTAX", firstLine(err.message), {
    doc: index,
    ...(alias === undefined
      ? {}
      : { hint: `define the anchor &${alias.source} before this alias` }),
  });
}

/** The first alias of `doc` whose anchor is not defined before it. */
function unresolvedAlias(doc: Document.Parsed): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) !== undefined) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** V8's stack overflow, said as what it is in the file: nesting too deep. */
function tooDeep(message: string): string {
  return /call stack size exceeded/i.test(message)
    ? `collections nested too deep to parse (${message})`
    : message;
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, "");
}
