/**
 * JSON held in a YAML string (the image.openshift.io/triggers annotation):
 * maps positions inside the JSON text back to the file, so a diagnostic about
 * the third trigger lands on the third trigger's line. Block literals (`|`)
 * and single-line scalars map exactly; anything else falls back to the start
 * of the scalar. Pure.
 */
import { isScalar, LineCounter, parseDocument, Scalar } from "yaml";
import type { SourceDocument, SourceFile } from "../model/source.ts";
import { parsePointer } from "./pointer.ts";
import { locate, spanOf, type Span } from "./positions.ts";

/** JSON text embedded in a YAML scalar, able to place its own positions in the file. */
export class EmbeddedJson {
  readonly text: string;
  readonly #file: SourceFile;
  readonly #scalar: Scalar | undefined;
  readonly #fallback: Span;

  constructor(file: SourceFile, doc: SourceDocument, pointer: string, text: string) {
    this.text = text;
    this.#file = file;
    const node = doc.document.getIn(parsePointer(pointer), true);
    this.#scalar = isScalar(node) ? node : undefined;
    this.#fallback = locate(doc.document, file.lines, pointer);
  }

  /** The file span of the JSON value at `pointer` (RFC 6901, into the JSON). */
  spanOfPointer(pointer: string): Span {
    const lines = new LineCounter();
    const json = parseDocument(this.text, { lineCounter: lines });
    const inner = locate(json, lines, pointer);
    const start = (lines.lineStarts[inner.line - 1] ?? 0) + inner.col - 1;
    return this.spanOfOffset(start);
  }

  /** The file span of character `offset` of the JSON text. */
  spanOfOffset(offset: number): Span {
    const scalar = this.#scalar;
    const range = scalar?.range;
    if (scalar === undefined || range === undefined || range === null) return this.#fallback;
    const source = this.#file.text.slice(range[0], range[1]);
    if (scalar.type === Scalar.BLOCK_LITERAL) return this.#inBlock(range[0], source, offset);
    if (!source.includes("\n")) return this.#inLine(range[0], source, scalar.type, offset);
    return this.#fallback;
  }

  #inBlock(start: number, source: string, offset: number): Span {
    const header = this.#file.lines.linePos(start).line;
    const body = source.slice(source.indexOf("\n") + 1);
    const indent = /^( *)\S/m.exec(body)?.[1]?.length ?? 0;
    const before = this.text.slice(0, offset).split("\n");
    const line = header + before.length;
    const col = indent + (before.at(-1)?.length ?? 0) + 1;
    return { line, col, endLine: line, endCol: col };
  }

  #inLine(start: number, source: string, type: Scalar["type"], offset: number): Span {
    let i = type === Scalar.QUOTE_SINGLE || type === Scalar.QUOTE_DOUBLE ? 1 : 0;
    for (let consumed = 0; consumed < offset && i < source.length; consumed++) {
      const escaped =
        (type === Scalar.QUOTE_SINGLE && source.startsWith("''", i)) ||
        (type === Scalar.QUOTE_DOUBLE && source[i] === "\\");
      i += escaped ? 2 : 1;
    }
    return spanOf(this.#file.lines, start + i, start + i);
  }
}

/** The character offset a JSON.parse error names, if it names one. */
export function jsonErrorOffset(message: string, text: string): number | undefined {
  const position = /at position (\d+)/.exec(message);
  if (position?.[1] !== undefined) return Number(position[1]);
  const lineCol = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineCol?.[1] !== undefined && lineCol[2] !== undefined) {
    const lines = text.split("\n").slice(0, Number(lineCol[1]) - 1);
    return lines.reduce((n, l) => n + l.length + 1, 0) + Number(lineCol[2]) - 1;
  }
  if (/end of (JSON )?input/i.test(message)) return text.length;
  return undefined;
}
