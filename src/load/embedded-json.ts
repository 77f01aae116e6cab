/**
 * JSON held in a YAML string (the image.openshift.io/triggers annotation):
 * maps positions inside the JSON text back to the file, so a diagnostic about
 * the third trigger lands on the third trigger's line, whatever the scalar's
 * style (block `|`, folded `>`, quoted over several lines). Pure.
 */
import { isScalar, LineCounter, parseDocument, Scalar, type Document } from "yaml";
import type { SourceDocument, SourceFile } from "../model/source.ts";
import { parsePointer } from "./pointer.ts";
import { locate, spanOf, type Span } from "./positions.ts";

/** Source characters that may stand in the scalar without being part of its value. */
const decoration = new Set([" ", "\t", "\n", "\r", "'", '"', "\\"]);

/** JSON text embedded in a YAML scalar, able to place its own positions in the file. */
export class EmbeddedJson {
  readonly text: string;
  readonly #file: SourceFile;
  readonly #fallback: Span;
  /** File offset of each character of `text`; undefined when they cannot be aligned. */
  readonly #offsets: readonly number[] | undefined;
  /** The JSON parsed as YAML, for its node positions; parsed on first use. */
  #json: { readonly doc: Document.Parsed; readonly lines: LineCounter } | undefined;

  constructor(file: SourceFile, doc: SourceDocument, pointer: string, text: string) {
    this.text = text;
    this.#file = file;
    this.#fallback = locate(doc.document, file.lines, pointer);
    const node = doc.document.getIn(parsePointer(pointer), true);
    this.#offsets = isScalar(node) ? align(file.text, node, text) : undefined;
  }

  /** The file span of the JSON value at `pointer` (RFC 6901), or of its `key`. */
  spanOfPointer(pointer: string, key?: string): Span {
    this.#json ??= this.#parse();
    const { doc, lines } = this.#json;
    const inner = locate(doc, lines, pointer, key);
    const start = (lines.lineStarts[inner.line - 1] ?? 0) + inner.col - 1;
    return this.spanOfOffset(start);
  }

  #parse(): { doc: Document.Parsed; lines: LineCounter } {
    const lines = new LineCounter();
    return { doc: parseDocument(this.text, { lineCounter: lines }), lines };
  }

  /** The file span of character `offset` of the JSON text. */
  spanOfOffset(offset: number): Span {
    const offsets = this.#offsets;
    if (offsets === undefined || offsets.length === 0) return this.#fallback;
    const at = offsets[Math.min(offset, offsets.length - 1)] ?? 0;
    return spanOf(this.#file.lines, at, at);
  }
}

/**
 * Aligns the scalar's value with its source text: each value character is
 * matched to the next equal source character, skipping only indentation, line
 * breaks, quotes and escape backslashes (what folding and quoting add).
 * Anything else out of step means an escape this walk does not model, and
 * gives up rather than point at the wrong place.
 */
function align(source: string, scalar: Scalar, value: string): number[] | undefined {
  const range = scalar.range;
  if (range === null || range === undefined) return undefined;
  const block = scalar.type === Scalar.BLOCK_LITERAL || scalar.type === Scalar.BLOCK_FOLDED;
  let i = block ? source.indexOf("\n", range[0]) + 1 : range[0];
  if (scalar.type === Scalar.QUOTE_SINGLE || scalar.type === Scalar.QUOTE_DOUBLE) i++;
  const offsets: number[] = [];
  for (const c of value) {
    while (i < range[1] && source[i] !== c && decoration.has(source.charAt(i))) i++;
    if (source[i] !== c) return undefined;
    offsets.push(i);
    i += c.length;
  }
  return offsets;
}
