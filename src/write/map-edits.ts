/**
 * Splices that change one mapping: set a key's value, add a key, remove a
 * key. A scalar is replaced in place and keeps its quotes; a new key goes
 * after the mapping's last value, before the comments that follow it.
 */
import { isScalar, type Scalar } from "yaml";
import type { EditContext } from "./edit-context.ts";
import type { FieldOrder } from "./field-order.ts";
import { renderFlow, renderKey, renderPair, renderValue, type Sibling } from "./render-node.ts";
import { isScalarValue, renderScalar } from "./render-scalar.ts";
import { sameValue } from "./same-value.ts";
import {
  aboveComments,
  afterLine,
  column,
  insertLines,
  lineEnd,
  lineStart,
  removeLines,
  startsLine,
  type Splice,
} from "./text-lines.ts";
import {
  colonEnd,
  contentEnd,
  internal,
  keyStart,
  pairIndex,
  pairOf,
  type MapNode,
  type PairNode,
} from "./yaml-nodes.ts";

/** Replaces the scalar `node` with `value`, in its own quoting style when `value` allows. */
export function replaceScalar(
  context: EditContext,
  node: Scalar.Parsed,
  value: unknown,
  flow: boolean,
): Splice | undefined {
  if (node.value === value) return undefined;
  const { text } = context;
  const start = node.range[0];
  const rendered = renderScalar(value, node, { flow, key: false }, true);
  // An empty value (`key:`) starts right after the colon.
  if (node.range[1] === start) {
    return { start, end: start, text: (text[start - 1] === ":" ? " " : "") + rendered };
  }
  // A block scalar's range runs on to its line break; that break stays.
  return { start, end: Math.max(start, contentEnd(text, node)), text: rendered };
}

/**
 * Sets `map[key]` to `value`: replaces the value when the key is there (a
 * scalar in place, anything else as a whole), else adds the key at the end.
 * `sibling` is the same key in a sibling object, to copy its style.
 */
export function setPairValue(
  context: EditContext,
  map: MapNode,
  key: string,
  value: unknown,
  sibling?: Sibling,
  order?: FieldOrder,
): Splice | undefined {
  const pair = pairOf(map, key);
  if (pair === undefined) {
    return insertPair(context, map, map.items.length, key, value, sibling, order);
  }
  return replacePairValue(context, map, pair, value, sibling, order);
}

/** Replaces the value of `pair`, a pair of `map`. Block values start on the next line. */
export function replacePairValue(
  context: EditContext,
  map: MapNode,
  pair: PairNode,
  value: unknown,
  sibling?: Sibling,
  order?: FieldOrder,
): Splice | undefined {
  const { text, eol } = context;
  const node = pair.value;
  const flow = map.flow === true;
  if (isScalarValue(value) && isScalar(node)) return replaceScalar(context, node, value, flow);
  if (node !== null && sameValue(node.toJS(context.document), value)) return undefined;
  const keyColumn = column(text, keyStart(pair));
  const rendered = renderValue(context, value, keyColumn, sibling, order, flow);
  const start = colonEnd(text, pair);
  const end = contentEnd(text, pair);
  if ("inline" in rendered) return { start, end, text: ` ${rendered.inline}` };
  // What followed the old value on its line (a comment) stays on the key's line.
  const lineBreak = lineEnd(text, end);
  const block = text.slice(end, lineBreak) + eol + rendered.lines.join(eol);
  return { start, end: lineBreak, text: block };
}

/**
 * Adds `key: value` to `map` before its pair `index` (above that pair's
 * comments), or after its last pair when `index` is past the end or the
 * pair shares its line with a "-".
 */
export function insertPair(
  context: EditContext,
  map: MapNode,
  index: number,
  key: string,
  value: unknown,
  sibling?: Sibling,
  order?: FieldOrder,
): Splice {
  if (map.flow === true) return appendFlowPair(context, map, key, value, sibling, order);
  const { text, eol } = context;
  const first = map.items[0];
  if (first === undefined) throw internal(`cannot add "${key}" to an empty block mapping`);
  const lines = renderPair(context, key, value, column(text, keyStart(first)), sibling, order);
  const before = map.items[index];
  if (before !== undefined && startsLine(text, keyStart(before))) {
    const at = aboveComments(
      text,
      lineStart(text, keyStart(before)),
      column(text, keyStart(before)),
    );
    return insertLines(text, at, lines, eol);
  }
  return insertLines(text, afterLine(text, contentEnd(text, map)), lines, eol);
}

function appendFlowPair(
  context: EditContext,
  map: MapNode,
  key: string,
  value: unknown,
  sibling: Sibling | undefined,
  order: FieldOrder | undefined,
): Splice {
  const pair = `${renderKey(key, true)}: ${renderFlow(context, value, sibling?.node, order)}`;
  const last = map.items.at(-1);
  if (last === undefined) return { start: map.range[0], end: map.range[1], text: `{${pair}}` };
  const at = contentEnd(context.text, last);
  return { start: at, end: at, text: `, ${pair}` };
}

/** Removes `key` and its value from `map`; nothing when there is no such key. */
export function removePair(context: EditContext, map: MapNode, key: string): Splice | undefined {
  const { text } = context;
  const index = pairIndex(map, key);
  const pair = map.items[index];
  if (pair === undefined) return undefined;
  const previous = map.items[index - 1];
  const next = map.items[index + 1];
  if (map.flow === true) {
    if (previous !== undefined) {
      return { start: contentEnd(text, previous), end: contentEnd(text, pair), text: "" };
    }
    if (next !== undefined) return { start: keyStart(pair), end: keyStart(next), text: "" };
    return { start: map.range[0], end: map.range[1], text: "{}" };
  }
  const start = keyStart(pair);
  if (startsLine(text, start)) {
    return removeLines(text, lineStart(text, start), afterLine(text, contentEnd(text, pair)));
  }
  // The first key of a "- " item: the next key moves up onto the "-" line.
  if (next === undefined) throw internal(`cannot remove "${key}", the only key of its item`);
  return { start, end: keyStart(next), text: "" };
}
