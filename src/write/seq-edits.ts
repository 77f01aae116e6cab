/**
 * Splices that change one sequence: insert an item, replace one, remove a
 * run of them. Block items are whole lines from their "-" to their last
 * value; comment lines above an item stay with it.
 */
import type { EditContext } from "./edit-context.ts";
import type { FieldOrder } from "./field-order.ts";
import { replacePairValue } from "./map-edits.ts";
import { renderFlow, renderItem } from "./render-node.ts";
import { sameValue } from "./same-value.ts";
import {
  aboveComments,
  afterLine,
  column,
  insertLines,
  lineStart,
  removeLines,
  replaceLines,
  startsLine,
  type Splice,
} from "./text-lines.ts";
import {
  asSeq,
  contentEnd,
  dashOffsets,
  internal,
  pairOf,
  type MapNode,
  type SeqNode,
} from "./yaml-nodes.ts";

/** Start of the line holding the "-" at `dash`, which must begin its line. */
function itemLineStart(text: string, dash: number): number {
  if (!startsLine(text, dash)) throw internal("a sequence item shares its line with other text");
  return lineStart(text, dash);
}

/**
 * Inserts `value` as item `index` of `seq` (at the end when `index` is its
 * length), styled after item `likeIndex`. `seq` must not be empty.
 */
export function insertItem(
  context: EditContext,
  seq: SeqNode,
  index: number,
  value: unknown,
  likeIndex: number,
  order: FieldOrder | undefined,
): Splice {
  const { text, eol } = context;
  const like = seq.items[likeIndex];
  if (like === undefined) throw internal("no sibling item to copy the style of");
  if (seq.flow === true) {
    return insertFlowItem(context, seq, index, renderFlow(context, value, like, order));
  }
  const dashes = dashOffsets(seq);
  const likeDash = dashes[likeIndex] ?? 0;
  const sibling = { at: likeDash, node: like };
  const lines = renderItem(context, value, column(text, likeDash), sibling, order);
  const before = dashes[index];
  if (before === undefined) {
    return insertLines(text, afterLine(text, contentEnd(text, seq)), lines, eol);
  }
  const at = aboveComments(text, itemLineStart(text, before), column(text, before));
  return insertLines(text, at, lines, eol);
}

function insertFlowItem(context: EditContext, seq: SeqNode, index: number, item: string): Splice {
  const before = seq.items[index];
  if (before !== undefined) {
    return { start: before.range[0], end: before.range[0], text: `${item}, ` };
  }
  const last = seq.items.at(-1);
  if (last === undefined) return { start: seq.range[0], end: seq.range[1], text: `[${item}]` };
  const at = contentEnd(context.text, last);
  return { start: at, end: at, text: `, ${item}` };
}

/** Replaces item `index` of `seq` with `value`, styled after the item it replaces. */
export function replaceItem(
  context: EditContext,
  seq: SeqNode,
  index: number,
  value: unknown,
  order: FieldOrder | undefined,
): Splice | undefined {
  const { text, eol } = context;
  const item = seq.items[index];
  if (item === undefined) throw internal(`no item ${index} to replace`);
  if (sameValue(item.toJS(context.document), value)) return undefined;
  if (seq.flow === true) {
    const rendered = renderFlow(context, value, item, order);
    return { start: item.range[0], end: contentEnd(text, item), text: rendered };
  }
  const dash = dashOffsets(seq)[index] ?? 0;
  const lines = renderItem(context, value, column(text, dash), { at: dash, node: item }, order);
  const end = afterLine(text, contentEnd(text, item));
  return replaceLines(text, itemLineStart(text, dash), end, lines, eol);
}

/**
 * Removes items `from` to `to` (exclusive) of the sequence `map[key]`. A
 * sequence left empty becomes `[]`.
 */
export function removeItems(
  context: EditContext,
  map: MapNode,
  key: string,
  from: number,
  to: number,
): Splice | undefined {
  const { text } = context;
  const pair = pairOf(map, key);
  const seq = asSeq(pair?.value);
  const items = seq?.items ?? [];
  const first = items[from];
  const last = items[to - 1];
  if (pair === undefined || seq === undefined || first === undefined || last === undefined) {
    throw internal(`no items ${from}..${to - 1} of "${key}" to remove`);
  }
  if (from === 0 && to >= items.length) return replacePairValue(context, map, pair, []);
  if (seq.flow === true) {
    const previous = items[from - 1];
    const next = items[to];
    if (previous !== undefined) {
      return { start: contentEnd(text, previous), end: contentEnd(text, last), text: "" };
    }
    return { start: first.range[0], end: next?.range[0] ?? first.range[0], text: "" };
  }
  const dash = dashOffsets(seq)[from] ?? 0;
  return removeLines(text, itemLineStart(text, dash), afterLine(text, contentEnd(text, last)));
}
