/**
 * The steps of the `status.tags` edits: prepend a history item (creating the
 * tag entry, and `status` itself, when missing), trim the history, replace
 * the head item in place, remove a tag entry.
 */
import type { ParsedNode } from "yaml";
import type { TagEvent } from "../model/generated/imagestream.ts";
import type { EditContext, Step } from "./edit-context.ts";
import { listOf, statusOrder, statusTagOrder, tagEventOrder } from "./field-order.ts";
import { removePair, setPairValue } from "./map-edits.ts";
import { insertItem, removeItems } from "./seq-edits.ts";
import type { Splice } from "./text-lines.ts";
import {
  asMap,
  asSeq,
  internal,
  isEmptyValue,
  keyStart,
  namedIndex,
  pairOf,
  stringAt,
  type MapNode,
  type SeqNode,
} from "./yaml-nodes.ts";

/** A status tag entry and where it sits. */
interface StatusEntry {
  readonly status: MapNode;
  readonly tags: SeqNode;
  readonly index: number;
  readonly entry: MapNode;
}

function findEntry(stream: MapNode, tag: string): StatusEntry | undefined {
  const status = asMap(pairOf(stream, "status")?.value);
  const tags = status === undefined ? undefined : asSeq(pairOf(status, "tags")?.value);
  const index = tags === undefined ? -1 : namedIndex(tags, "tag", tag);
  const entry = asMap(tags?.items[index]);
  if (status === undefined || tags === undefined || entry === undefined) return undefined;
  return { status, tags, index, entry };
}

function requireEntry(stream: MapNode, tag: string): StatusEntry {
  const found = findEntry(stream, tag);
  if (found === undefined) throw internal(`status tag "${tag}" not found`);
  return found;
}

function requireEmpty(value: ParsedNode | null | undefined, what: string): void {
  if (!isEmptyValue(value)) throw internal(`${what} is neither a collection nor empty`);
}

/** The entry whose style new entries copy: the first with history, else the first. */
function templateIndex(tags: SeqNode): number {
  const index = tags.items.findIndex((item) => {
    const map = asMap(item);
    return map !== undefined && !isEmptyValue(pairOf(map, "items")?.value);
  });
  return Math.max(0, index);
}

/** Where a new entry for `tag` goes: before the first entry that sorts after it. */
function sortedIndex(tags: SeqNode, tag: string): number {
  const index = tags.items.findIndex((item) => (stringAt(item, "tag") ?? "") > tag);
  return index < 0 ? tags.items.length : index;
}

function prependItem(
  context: EditContext,
  stream: MapNode,
  tag: string,
  item: TagEvent,
): Splice | undefined {
  const entry = { tag, items: [item] };
  const statusPair = pairOf(stream, "status");
  const status = asMap(statusPair?.value);
  if (status === undefined || status.items.length === 0) {
    requireEmpty(statusPair?.value, "status");
    return setPairValue(context, stream, "status", { tags: [entry] }, undefined, statusOrder);
  }
  const tagsPair = pairOf(status, "tags");
  const tags = asSeq(tagsPair?.value);
  if (tags === undefined || tags.items.length === 0) {
    requireEmpty(tagsPair?.value, "status.tags");
    return setPairValue(context, status, "tags", [entry], undefined, listOf(statusTagOrder));
  }
  const index = namedIndex(tags, "tag", tag);
  const found = asMap(tags.items[index]);
  if (found === undefined) {
    const at = sortedIndex(tags, tag);
    return insertItem(context, tags, at, entry, templateIndex(tags), statusTagOrder);
  }
  return prependToEntry(context, tags, found, item);
}

function prependToEntry(
  context: EditContext,
  tags: SeqNode,
  entry: MapNode,
  item: TagEvent,
): Splice | undefined {
  const itemsPair = pairOf(entry, "items");
  const items = asSeq(itemsPair?.value);
  if (items !== undefined && items.items.length > 0) {
    return insertItem(context, items, 0, item, 0, tagEventOrder);
  }
  requireEmpty(itemsPair?.value, "status tag items");
  // `items: []` has no style of its own; another entry's history has.
  const template = asMap(tags.items[templateIndex(tags)]);
  const like = template === undefined ? undefined : pairOf(template, "items");
  const sibling =
    like === undefined || isEmptyValue(like.value)
      ? undefined
      : { at: keyStart(like), node: like.value };
  return setPairValue(context, entry, "items", [item], sibling, listOf(tagEventOrder));
}

function trimItems(
  context: EditContext,
  stream: MapNode,
  tag: string,
  keep: number,
): Splice | undefined {
  if (keep <= 0) return undefined;
  const { entry } = requireEntry(stream, tag);
  const count = asSeq(pairOf(entry, "items")?.value)?.items.length ?? 0;
  return count > keep ? removeItems(context, entry, "items", keep, count) : undefined;
}

/** H7/H8/D5: prepend `item` to the tag's history, clear its conditions, cut it to `keep`. */
export function prependStatusItemSteps(tag: string, item: TagEvent, keep: number): Step[] {
  return [
    (context, stream) => prependItem(context, stream, tag, item),
    (context, stream) => removePair(context, requireEntry(stream, tag).entry, "conditions"),
    (context, stream) => trimItems(context, stream, tag, keep),
  ];
}

/** H5/H6: the fields of the tag's `items[0]` that differ are replaced in place. */
export function replaceStatusHeadSteps(tag: string, item: TagEvent): Step[] {
  const fields = Object.entries(item).filter(([, value]) => value !== undefined);
  return fields.map(([key, value]): Step => (context, stream) => {
    const { entry } = requireEntry(stream, tag);
    const head = asMap(asSeq(pairOf(entry, "items")?.value)?.items[0]);
    if (head === undefined) throw internal(`status tag "${tag}" has no items[0] to replace`);
    return setPairValue(context, head, key, value);
  });
}

/** D7: the tag's status entry is removed; `tags: []` is left when it was the last. */
export function removeStatusTagSteps(tag: string): Step[] {
  return [
    (context, stream) => {
      const { status, index } = requireEntry(stream, tag);
      return removeItems(context, status, "tags", index, index + 1);
    },
  ];
}
