/**
 * The step of the `setString` field edit: the string at a path below an
 * object (a container's `image`, a DeploymentConfig trigger's
 * `lastTriggeredImage`) is replaced in place, or added as the last key of
 * its mapping. The path must lead through existing mappings and sequences:
 * the planner read it from this very file, so anything else is its bug.
 */
import { isScalar, type ParsedNode } from "yaml";
import type { EditContext, Step } from "./edit-context.ts";
import type { FieldPath } from "./object-edit.ts";
import { replaceScalar, setPairValue } from "./map-edits.ts";
import type { Sibling } from "./render-node.ts";
import type { Splice } from "./text-lines.ts";
import { asMap, asSeq, internal, keyStart, pairOf, type MapNode } from "./yaml-nodes.ts";

/** `path` as text for messages: `spec.containers[0].image`. */
function formatPath(path: FieldPath): string {
  return path
    .map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`))
    .join("");
}

/** The node at `step` of `node`: a key of a mapping or an index of a sequence. */
function childOf(node: ParsedNode, step: string | number): ParsedNode | null | undefined {
  const map = asMap(node);
  if (map !== undefined && typeof step === "string") return pairOf(map, step)?.value;
  const seq = asSeq(node);
  if (seq !== undefined && typeof step === "number") return seq.items[step];
  return undefined;
}

/** The node at `path` below `object`; throws INTERNAL when any step of it is missing. */
function requireNode(object: MapNode, path: FieldPath, where: FieldPath): ParsedNode {
  let node: ParsedNode = object;
  for (const [i, step] of path.entries()) {
    const next = childOf(node, step);
    if (next === undefined || next === null) {
      throw internal(`no ${formatPath(path.slice(0, i + 1))} on the way to ${formatPath(where)}`);
    }
    node = next;
  }
  return node;
}

/**
 * The same key, holding a scalar, in another item of the sequence that holds
 * the mapping at `path`'s parent: a container's new `image` is quoted as the
 * other containers' are.
 */
function siblingOf(object: MapNode, path: FieldPath): Sibling | undefined {
  const [index, key] = path.slice(-2);
  if (typeof index !== "number" || typeof key !== "string") return undefined;
  const seq = asSeq(requireNode(object, path.slice(0, -2), path));
  for (const item of seq?.items ?? []) {
    const map = asMap(item);
    const pair = map === undefined ? undefined : pairOf(map, key);
    if (pair !== undefined && isScalar(pair.value)) return { at: keyStart(pair), node: pair.value };
  }
  return undefined;
}

function setString(
  context: EditContext,
  object: MapNode,
  path: FieldPath,
  value: string,
): Splice | undefined {
  const last = path.at(-1);
  if (last === undefined) throw internal("setString needs a non-empty path");
  const parent = requireNode(object, path.slice(0, -1), path);
  const map = asMap(parent);
  if (map !== undefined && typeof last === "string") {
    const node = pairOf(map, last)?.value;
    if (node !== undefined && node !== null && !isScalar(node)) throw notScalar(path);
    // A scalar in place keeps its own quotes; only a new key takes a sibling's.
    const sibling = node === undefined ? siblingOf(object, path) : undefined;
    return setPairValue(context, map, last, value, sibling);
  }
  const seq = asSeq(parent);
  const item = seq !== undefined && typeof last === "number" ? seq.items[last] : undefined;
  if (seq === undefined || item === undefined) throw internal(`no ${formatPath(path)}`);
  if (!isScalar(item)) throw notScalar(path);
  return replaceScalar(context, item, value, seq.flow === true);
}

function notScalar(path: FieldPath) {
  return internal(`${formatPath(path)} is not a scalar`);
}

/**
 * The steps that set the string at `path` below the object to `value`: a
 * scalar there is replaced in place (its quotes kept when `value` allows),
 * a missing last key is added after its mapping's last pair, block or flow,
 * quoted as the same key in a sibling item (another container) is.
 * Writing the value already there changes nothing. Throws InternalError
 * (code INTERNAL) when the path is empty, leads through anything but
 * existing mappings and sequences, or ends at a collection or alias.
 */
export function setStringSteps(path: FieldPath, value: string): Step[] {
  return [(context, object) => setString(context, object, path, value)];
}
