/**
 * Finding things in a parsed document: pairs by key, items by name, the
 * offsets where a node's text ends and where a block sequence's `-`
 * indicators sit. Offsets are into the text the document was parsed from.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type Pair,
  type ParsedNode,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { InternalError } from "../errors.ts";

/** A block or flow mapping as parsed. */
export type MapNode = YAMLMap.Parsed;
/** A block or flow sequence as parsed. */
export type SeqNode = YAMLSeq.Parsed;
/** A key/value pair of a parsed mapping. */
export type PairNode = Pair<ParsedNode, ParsedNode | null>;

/** A planner bug: the edit names something the file does not hold. */
export function internal(message: string): InternalError {
  return new InternalError(message);
}

/** `node` as a mapping, or undefined. */
export function asMap(node: ParsedNode | null | undefined): MapNode | undefined {
  return isMap(node) ? node : undefined;
}

/** `node` as a sequence, or undefined. */
export function asSeq(node: ParsedNode | null | undefined): SeqNode | undefined {
  return isSeq(node) ? node : undefined;
}

/** True for no value at all: a missing or null value, `{}` or `[]`. */
export function isEmptyValue(node: ParsedNode | null | undefined): boolean {
  if (node === null || node === undefined) return true;
  if (isScalar(node)) return node.value === null;
  if (isMap(node) || isSeq(node)) return node.items.length === 0;
  return false;
}

/** The pair of `map` whose key is the string `key`. */
export function pairOf(map: MapNode, key: string): PairNode | undefined {
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === key);
}

/** Index of the pair of `map` whose key is `key`, or -1. */
export function pairIndex(map: MapNode, key: string): number {
  return map.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === key);
}

/** The string value of `map[key]`, when it is a string scalar. */
export function stringAt(node: ParsedNode | null | undefined, key: string): string | undefined {
  const map = asMap(node);
  const value = map === undefined ? undefined : pairOf(map, key)?.value;
  return isScalar(value) && typeof value.value === "string" ? value.value : undefined;
}

/** Index of the item of `seq` whose `field` is the string `name`, or -1. */
export function namedIndex(seq: SeqNode, field: string, name: string): number {
  return seq.items.findIndex((item) => stringAt(item, field) === name);
}

/** Offset where a pair's key starts. */
export function keyStart(pair: PairNode): number {
  return pair.key.range[0];
}

/** Offset just after the `:` of a block or flow pair. */
export function colonEnd(text: string, pair: PairNode): number {
  let at = pair.key.range[1];
  while (text[at] === " " || text[at] === "\t") at += 1;
  if (text[at] !== ":") throw internal(`no ":" after the key at offset ${at}`);
  return at + 1;
}

/**
 * Offset just after the last character of a node's own text: its last value,
 * without the comments, blank lines and line break that follow it.
 */
export function contentEnd(text: string, node: ParsedNode | PairNode): number {
  let end = rawEnd(node);
  const start = isPair(node) ? keyStart(node) : node.range[0];
  while (end > start && /\s/.test(text[end - 1] ?? "")) end -= 1;
  return end;
}

function rawEnd(node: ParsedNode | PairNode): number {
  if (isPair(node)) return node.value === null ? node.key.range[1] : rawEnd(node.value);
  if (isScalar(node) || isAlias(node) || node.flow === true) return node.range[1];
  const last: ParsedNode | PairNode | undefined = node.items.at(-1);
  return last === undefined ? node.range[1] : rawEnd(last);
}

/** Offsets of the `-` indicators of a block sequence, one per item. */
export function dashOffsets(seq: SeqNode): number[] {
  const token = seq.srcToken;
  if (token?.type !== "block-seq") throw internal("not a block sequence");
  const dashes = token.items.flatMap((item) =>
    item.start.filter((t) => t.type === "seq-item-ind").map((t) => t.offset),
  );
  if (dashes.length !== seq.items.length) throw internal("unexpected block sequence layout");
  return dashes;
}

/**
 * The mapping at JSON pointer `pointer` in `document` (RFC 6901, decoded
 * fully). Throws INTERNAL when there is none.
 */
export function mapAtPointer(document: Document.Parsed, pointer: string): MapNode {
  if (pointer !== "" && !pointer.startsWith("/")) throw internal(`bad pointer "${pointer}"`);
  const tokens = pointer === "" ? [] : pointer.slice(1).split("/");
  let node: ParsedNode | null | undefined = document.contents;
  for (const raw of tokens) {
    const token = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    const map = asMap(node);
    const seq = asSeq(node);
    if (map !== undefined) node = pairOf(map, token)?.value;
    else if (seq !== undefined && /^(0|[1-9]\d*)$/.test(token)) node = seq.items[Number(token)];
    else node = undefined;
  }
  const map = asMap(node);
  if (map === undefined) throw internal(`no mapping at "${pointer}"`);
  return map;
}
