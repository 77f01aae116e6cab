/**
 * The indentation a file already uses, measured from its nodes, so that
 * new text lines up with its surroundings and brand-new structure (a
 * `status:` where there was none) looks like the rest of the document.
 */
import type { ParsedNode } from "yaml";
import { column, lineStart } from "./text-lines.ts";
import { asMap, asSeq, dashOffsets, type MapNode, type SeqNode } from "./yaml-nodes.ts";

/** Column offsets of nested block structure. */
export interface Layout {
  /** From a key to the keys of the block mapping under it. */
  readonly step: number;
  /** From a key to the `-` of the block sequence under it (0 when not indented). */
  readonly seqOffset: number;
  /** From a `-` to the first key of the mapping it holds (the width of "- "). */
  readonly itemOffset: number;
}

/** Two spaces, sequences indented under their key, as `oc` and most editors write. */
export const defaultLayout: Layout = { step: 2, seqOffset: 2, itemOffset: 2 };

/** From the key at `keyAt` to the keys of its block mapping value `value`. */
export function measureStep(
  text: string,
  keyAt: number,
  value: ParsedNode | null,
): number | undefined {
  const map = asMap(value);
  const first = map?.flow === true ? undefined : map?.items[0];
  if (first === undefined) return undefined;
  const step = column(text, first.key.range[0]) - column(text, keyAt);
  return step > 0 ? step : undefined;
}

/** From the key at `keyAt` to the `-` of its block sequence value `value`. */
export function measureSeqOffset(
  text: string,
  keyAt: number,
  value: ParsedNode | null,
): number | undefined {
  const seq = asSeq(value);
  if (seq === undefined || seq.flow === true || seq.items.length === 0) return undefined;
  const dash = dashOffsets(seq)[0];
  return dash === undefined ? undefined : Math.max(0, column(text, dash) - column(text, keyAt));
}

/** From the `-` at `dash` to the first key of the block mapping `item` it holds. */
export function measureItemOffset(
  text: string,
  dash: number,
  item: ParsedNode | null,
): number | undefined {
  const map = asMap(item);
  const first = map?.flow === true ? undefined : map?.items[0];
  if (first === undefined) return undefined;
  const key = first.key.range[0];
  // A mapping that starts on the line after its "-" says nothing about "- ".
  if (lineStart(text, dash) !== lineStart(text, key)) return undefined;
  const offset = column(text, key) - column(text, dash);
  return offset > 0 ? offset : undefined;
}

interface Found {
  step?: number | undefined;
  seqOffset?: number | undefined;
  itemOffset?: number | undefined;
}

/** The first example of each offset in `root`, in document order, else the defaults. */
export function detectLayout(text: string, root: ParsedNode | null): Layout {
  const found: Found = {};
  walk(text, root, found);
  return {
    step: found.step ?? defaultLayout.step,
    seqOffset: found.seqOffset ?? found.step ?? defaultLayout.seqOffset,
    itemOffset: found.itemOffset ?? defaultLayout.itemOffset,
  };
}

function walk(text: string, node: ParsedNode | null, found: Found): void {
  const map = asMap(node);
  if (map !== undefined && map.flow !== true) walkMap(text, map, found);
  const seq = asSeq(node);
  if (seq !== undefined && seq.flow !== true) walkSeq(text, seq, found);
}

function walkMap(text: string, map: MapNode, found: Found): void {
  for (const pair of map.items) {
    const keyAt = pair.key.range[0];
    found.step ??= measureStep(text, keyAt, pair.value);
    found.seqOffset ??= measureSeqOffset(text, keyAt, pair.value);
    walk(text, pair.value, found);
  }
}

function walkSeq(text: string, seq: SeqNode, found: Found): void {
  const dashes = dashOffsets(seq);
  seq.items.forEach((item, index) => {
    const dash = dashes[index];
    if (dash !== undefined) found.itemOffset ??= measureItemOffset(text, dash, item);
    walk(text, item, found);
  });
}
