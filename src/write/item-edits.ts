/**
 * The steps of the sequence item edits any object takes: append, replace
 * and remove one item of the sequence at a path below the object (a
 * DeploymentConfig's `spec.triggers`). New items look like the items around
 * them: block or flow, indentation and key order are copied from the item
 * most like the new one; a value's own key order fills in the rest.
 */
import type { ParsedNode } from "yaml";
import type { Step } from "./edit-context.ts";
import { setPairValue } from "./map-edits.ts";
import type { FieldPath } from "./object-edit.ts";
import { insertItem, removeItems, replaceItem } from "./seq-edits.ts";
import {
  asMap,
  asSeq,
  internal,
  isEmptyValue,
  pairOf,
  stringAt,
  type MapNode,
  type SeqNode,
} from "./yaml-nodes.ts";

/** `spec.triggers[2]`: a path as messages spell it. */
function formatPath(path: FieldPath): string {
  return path
    .map((key, i) => (typeof key === "number" ? `[${String(key)}]` : `${i > 0 ? "." : ""}${key}`))
    .join("");
}

function nodeAt(object: MapNode, path: FieldPath): ParsedNode | null | undefined {
  let node: ParsedNode | null | undefined = object;
  for (const key of path) {
    if (typeof key === "number") {
      node = asSeq(node)?.items[key];
    } else {
      const map = asMap(node);
      node = map === undefined ? undefined : pairOf(map, key)?.value;
    }
  }
  return node;
}

/** The mapping that holds the last key of `path`, and that key. */
function parentOf(object: MapNode, path: FieldPath): { parent: MapNode; key: string } {
  const key = path.at(-1);
  const parent = asMap(nodeAt(object, path.slice(0, -1)));
  if (typeof key !== "string" || parent === undefined) {
    throw internal(`no mapping holds ${formatPath(path)}`);
  }
  return { parent, key };
}

function requireSeq(object: MapNode, path: FieldPath): SeqNode {
  const seq = asSeq(nodeAt(object, path));
  if (seq === undefined) throw internal(`no sequence at ${formatPath(path)}`);
  return seq;
}

/** The keys of `value` when it is a plain object. */
function keysOf(value: unknown): string[] {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? Object.keys(value)
    : [];
}

/**
 * The item whose style a new `value` copies: the one sharing most of its
 * keys (and its `type`, for lists of typed entries), the last of equals.
 */
function likeIndex(seq: SeqNode, value: unknown): number {
  const keys = keysOf(value);
  const type = (value as { type?: unknown } | null)?.type;
  let best = seq.items.length - 1;
  let bestScore = -1;
  seq.items.forEach((item, index) => {
    const map = asMap(item);
    const shared = keys.filter((key) => map !== undefined && pairOf(map, key) !== undefined);
    const sameType = typeof type === "string" && stringAt(item, "type") === type ? 1 : 0;
    const score = shared.length * 2 + sameType;
    if (score >= bestScore) {
      best = index;
      bestScore = score;
    }
  });
  return best;
}

/** Appends `value` to the sequence at `path`, creating the sequence (not its parent) when missing. */
export function appendItemSteps(path: FieldPath, value: unknown): Step[] {
  return [
    (context, object) => {
      const { parent, key } = parentOf(object, path);
      const pair = pairOf(parent, key);
      const seq = asSeq(pair?.value);
      if (seq === undefined || seq.items.length === 0) {
        if (!isEmptyValue(pair?.value)) throw internal(`${formatPath(path)} is not a sequence`);
        return setPairValue(context, parent, key, [value]);
      }
      return insertItem(context, seq, seq.items.length, value, likeIndex(seq, value), undefined);
    },
  ];
}

/** Replaces item `index` of the sequence at `path` with `value`, in the style of the item it replaces. */
export function replaceItemSteps(path: FieldPath, index: number, value: unknown): Step[] {
  return [
    (context, object) => replaceItem(context, requireSeq(object, path), index, value, undefined),
  ];
}

/** Removes item `index` of the sequence at `path`; `[]` is left when it was the last. */
export function removeItemSteps(path: FieldPath, index: number): Step[] {
  return [
    (context, object) => {
      const { parent, key } = parentOf(object, path);
      return removeItems(context, parent, key, index, index + 1);
    },
  ];
}
