/**
 * New values as YAML text that looks like its surroundings: block or flow as
 * the sibling in the same place is, keys in the sibling's order, indentation
 * measured from the sibling (else the document's {@link Layout}), scalars
 * quoted as {@link renderScalar} decides. Lines carry no line break; the
 * caller joins them with the file's own.
 */
import { isMap, isScalar, isSeq, type ParsedNode } from "yaml";
import { measureItemOffset, measureSeqOffset, measureStep, type Layout } from "./indentation.ts";
import { orderKeys, type FieldOrder } from "./field-order.ts";
import { isScalarValue, renderScalar } from "./render-scalar.ts";
import { spaces } from "./text-lines.ts";
import { asMap, asSeq, dashOffsets, type MapNode } from "./yaml-nodes.ts";

/** What rendering measures against. */
export interface RenderContext {
  /** The text the sibling nodes were parsed from. */
  readonly text: string;
  readonly layout: Layout;
}

/**
 * The node in the same place of a sibling, whose style new text copies.
 * `at` is the offset of its key, or of its `-` for a sequence item.
 */
export interface Sibling {
  readonly at: number;
  readonly node: ParsedNode | null;
}

/** A value under its key: on the key's line, or as block lines below it. */
export type Rendered = { readonly inline: string } | { readonly lines: readonly string[] };

type Entries = [string, unknown][];

function entriesOf(value: unknown): Entries | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return Object.entries(value).filter(([, v]) => v !== undefined);
}

function isFlowCollection(node: ParsedNode | null | undefined): boolean {
  return (isMap(node) || isSeq(node)) && node.flow === true && node.items.length > 0;
}

function isEmptyCollection(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : entriesOf(value)?.length === 0;
}

function keysOf(map: MapNode | undefined): string[] {
  return (map?.items ?? []).map((pair) => (isScalar(pair.key) ? String(pair.key.value) : ""));
}

function childSibling(map: MapNode | undefined, key: string): Sibling | undefined {
  const pair = map?.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair === undefined ? undefined : { at: pair.key.range[0], node: pair.value };
}

/** The first item of the block sequence `node`, as the sibling of new items. */
export function firstItem(node: ParsedNode | null | undefined): Sibling | undefined {
  const seq = asSeq(node);
  const item = seq?.items[0];
  if (seq === undefined || seq.flow === true || item === undefined) return undefined;
  const dash = dashOffsets(seq)[0];
  return dash === undefined ? undefined : { at: dash, node: item };
}

/** A mapping key: plain when it reads back as itself, else double-quoted. */
export function renderKey(key: string, flow: boolean): string {
  return renderScalar(key, undefined, { flow, key: true });
}

/** `value` in flow style: `{a: b, c: [d]}`, spaced inside braces as the sibling is. */
export function renderFlow(
  context: RenderContext,
  value: unknown,
  like: ParsedNode | null | undefined,
  order: FieldOrder | undefined,
): string {
  if (Array.isArray(value)) {
    const item = asSeq(like)?.items[0];
    return `[${value.map((v) => renderFlow(context, v, item, order?.items)).join(", ")}]`;
  }
  const entries = entriesOf(value);
  if (entries === undefined) return renderScalar(value, like, { flow: true, key: false });
  const map = asMap(like);
  const keys = orderKeys(
    entries.map(([key]) => key),
    order,
    keysOf(map),
  );
  if (keys.length === 0) return "{}";
  const values = new Map(entries);
  const body = keys.map((key) => {
    const child = childSibling(map, key)?.node;
    return `${renderKey(key, true)}: ${renderFlow(context, values.get(key), child, order?.fields?.[key])}`;
  });
  const pad = map?.flow === true && context.text[map.range[0] + 1] === " " ? " " : "";
  return `{${pad}${body.join(", ")}${pad}}`;
}

/**
 * `value` as the value of a key at column `keyColumn`, in a flow collection
 * when `flow`. `sibling` is the same key's value in a sibling object.
 */
export function renderValue(
  context: RenderContext,
  value: unknown,
  keyColumn: number,
  sibling: Sibling | undefined,
  order: FieldOrder | undefined,
  flow: boolean,
): Rendered {
  const like = sibling?.node;
  if (isScalarValue(value)) return { inline: renderScalar(value, like, { flow, key: false }) };
  if (flow || isFlowCollection(like) || isEmptyCollection(value)) {
    return { inline: renderFlow(context, value, like, order) };
  }
  const { text, layout } = context;
  if (Array.isArray(value)) {
    const offset =
      (sibling && measureSeqOffset(text, sibling.at, sibling.node)) ?? layout.seqOffset;
    return {
      lines: renderSeq(context, value, keyColumn + offset, firstItem(like), order?.items),
    };
  }
  const step = (sibling && measureStep(text, sibling.at, sibling.node)) ?? layout.step;
  return { lines: renderMap(context, value, keyColumn + step, asMap(like), order) };
}

/** The lines of `key: value` with the key at column `column`. */
export function renderPair(
  context: RenderContext,
  key: string,
  value: unknown,
  column: number,
  sibling: Sibling | undefined,
  order: FieldOrder | undefined,
): string[] {
  const head = `${spaces(column)}${renderKey(key, false)}:`;
  const rendered = renderValue(context, value, column, sibling, order, false);
  return "inline" in rendered ? [`${head} ${rendered.inline}`] : [head, ...rendered.lines];
}

/** The lines of the object `value` as a block mapping with its keys at `column`. */
export function renderMap(
  context: RenderContext,
  value: unknown,
  column: number,
  like: MapNode | undefined,
  order: FieldOrder | undefined,
): string[] {
  const entries = entriesOf(value) ?? [];
  const values = new Map(entries);
  const keys = orderKeys(
    entries.map(([key]) => key),
    order,
    keysOf(like),
  );
  return keys.flatMap((key) =>
    renderPair(
      context,
      key,
      values.get(key),
      column,
      childSibling(like, key),
      order?.fields?.[key],
    ),
  );
}

function renderSeq(
  context: RenderContext,
  items: readonly unknown[],
  dashColumn: number,
  sibling: Sibling | undefined,
  order: FieldOrder | undefined,
): string[] {
  return items.flatMap((item) => renderItem(context, item, dashColumn, sibling, order));
}

/**
 * The lines of one block sequence item with its `-` at `dashColumn`: a block
 * mapping, unless the sibling item is a flow collection.
 */
export function renderItem(
  context: RenderContext,
  value: unknown,
  dashColumn: number,
  sibling: Sibling | undefined,
  order: FieldOrder | undefined,
): string[] {
  const like = sibling?.node;
  const entries = entriesOf(value);
  if (entries === undefined || entries.length === 0 || isFlowCollection(like)) {
    const text = isScalarValue(value)
      ? renderScalar(value, like)
      : renderFlow(context, value, like, order);
    return [`${spaces(dashColumn)}- ${text}`];
  }
  const offset =
    (sibling && measureItemOffset(context.text, sibling.at, sibling.node)) ??
    context.layout.itemOffset;
  const lines = renderMap(context, value, dashColumn + offset, asMap(like), order);
  const [first = "", ...rest] = lines;
  return [
    `${spaces(dashColumn)}-${spaces(offset - 1)}${first.slice(dashColumn + offset)}`,
    ...rest,
  ];
}
