/**
 * Maps JSON pointers to line and column in a YAML document, walking up to the
 * deepest node that exists when the pointer names something missing (a
 * required key, say), so every diagnostic lands on real text.
 */
import {
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
} from "yaml";
import { parsePointer } from "./pointer.ts";

/** A 1-based span in a file. */
export interface Span {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** What a pointer resolved to: the node's span, and whether it was found whole. */
export interface Located extends Span {
  readonly exact: boolean;
}

/** Span of a character range [start, end) of the file. */
export function spanOf(lines: LineCounter, start: number, end: number): Span {
  const a = lines.linePos(start);
  const b = lines.linePos(Math.max(start, end));
  return { line: a.line, col: a.col, endLine: b.line, endCol: b.col };
}

/**
 * Locates `pointer` in `doc`. With `key`, locates that key of the map at
 * `pointer` instead of its value (for unknown-field diagnostics).
 */
export function locate(
  doc: Document.Parsed,
  lines: LineCounter,
  pointer: string,
  key?: string,
): Located {
  let node: Node | null = isNode(doc.contents) ? doc.contents : null;
  let exact = true;
  const tokens = key === undefined ? parsePointer(pointer) : [...parsePointer(pointer), key];
  for (const [i, token] of tokens.entries()) {
    const last = i === tokens.length - 1;
    const next = child(node, token, last && key !== undefined);
    if (next === undefined) {
      exact = false;
      break;
    }
    node = next;
  }
  const range = node?.range ?? doc.range;
  return { ...spanOf(lines, range[0], range[1]), exact };
}

/** The child node of `node` at `token`, or the key node itself when `wantKey`. */
function child(node: Node | null, token: string, wantKey: boolean): Node | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === token);
    if (!isPair(pair)) return undefined;
    if (wantKey) return isNode(pair.key) ? pair.key : undefined;
    return isNode(pair.value) ? pair.value : isNode(pair.key) ? pair.key : undefined;
  }
  if (isSeq(node)) {
    const item: unknown = node.items[Number(token)];
    return isNode(item) ? item : undefined;
  }
  return undefined;
}
