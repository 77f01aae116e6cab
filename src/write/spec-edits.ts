/**
 * The steps of the `spec.tags` and annotation edits: add, replace and remove
 * a spec tag; set an annotation of a spec tag or of the object; remove an
 * annotation of the object.
 */
import type { TagReference } from "../model/generated/imagestream.ts";
import type { EditContext, Step } from "./edit-context.ts";
import { listOf, specOrder, tagReferenceOrder } from "./field-order.ts";
import { insertPair, removePair, setPairValue } from "./map-edits.ts";
import { insertItem, removeItems, replaceItem } from "./seq-edits.ts";
import type { Splice } from "./text-lines.ts";
import {
  asMap,
  asSeq,
  internal,
  isEmptyValue,
  namedIndex,
  pairIndex,
  pairOf,
  type MapNode,
  type SeqNode,
} from "./yaml-nodes.ts";

/** A spec tag and where it sits. */
interface SpecTag {
  readonly spec: MapNode;
  readonly tags: SeqNode;
  readonly index: number;
  readonly entry: MapNode;
}

function requireSpecTag(stream: MapNode, name: string): SpecTag {
  const spec = asMap(pairOf(stream, "spec")?.value);
  const tags = spec === undefined ? undefined : asSeq(pairOf(spec, "tags")?.value);
  const index = tags === undefined ? -1 : namedIndex(tags, "name", name);
  const entry = asMap(tags?.items[index]);
  if (spec === undefined || tags === undefined || entry === undefined) {
    throw internal(`spec tag "${name}" not found`);
  }
  return { spec, tags, index, entry };
}

/** Sets `owner.annotations[key]`; a missing, null or `{}` annotations becomes a block mapping. */
function setAnnotation(
  context: EditContext,
  owner: MapNode,
  key: string,
  value: string,
  what: string,
): Splice | undefined {
  const pair = pairOf(owner, "annotations");
  if (pair === undefined || isEmptyValue(pair.value)) {
    return setPairValue(context, owner, "annotations", { [key]: value });
  }
  const annotations = asMap(pair.value);
  if (annotations === undefined) throw internal(`the annotations of ${what} are not a mapping`);
  return setPairValue(context, annotations, key, value);
}

function addSpecTag(context: EditContext, stream: MapNode, tag: TagReference): Splice | undefined {
  const specPair = pairOf(stream, "spec");
  const spec = asMap(specPair?.value);
  if (spec === undefined || spec.items.length === 0) {
    if (!isEmptyValue(specPair?.value)) throw internal("spec is not a mapping");
    const value = { tags: [tag] };
    if (specPair !== undefined) {
      return setPairValue(context, stream, "spec", value, undefined, specOrder);
    }
    // spec goes before status, where OpenShift prints it.
    const status = pairIndex(stream, "status");
    const index = status < 0 ? stream.items.length : status;
    return insertPair(context, stream, index, "spec", value, undefined, specOrder);
  }
  const tagsPair = pairOf(spec, "tags");
  const tags = asSeq(tagsPair?.value);
  if (tags === undefined || tags.items.length === 0) {
    if (!isEmptyValue(tagsPair?.value)) throw internal("spec.tags is not a sequence");
    return setPairValue(context, spec, "tags", [tag], undefined, listOf(tagReferenceOrder));
  }
  if (namedIndex(tags, "name", tag.name) >= 0) {
    throw internal(`spec tag "${tag.name}" already exists`);
  }
  return insertItem(context, tags, tags.items.length, tag, 0, tagReferenceOrder);
}

/** Sets an annotation of the spec tag named `tag`. */
export function setTagAnnotationSteps(tag: string, key: string, value: string): Step[] {
  return [
    (context, stream) =>
      setAnnotation(context, requireSpecTag(stream, tag).entry, key, value, `spec tag "${tag}"`),
  ];
}

/** Sets an annotation of the stream (`metadata.annotations`). */
export function setAnnotationSteps(key: string, value: string): Step[] {
  return [
    (context, stream) => {
      const metadata = asMap(pairOf(stream, "metadata")?.value);
      if (metadata === undefined) throw internal("the stream has no metadata mapping");
      return setAnnotation(context, metadata, key, value, "the stream");
    },
  ];
}

/**
 * Removes `metadata.annotations[key]`; nothing when it is not there. An
 * `annotations` mapping left empty goes too, unless it is all `metadata`
 * holds: then it becomes `{}`, so `metadata` stays a mapping.
 */
export function removeAnnotationSteps(key: string): Step[] {
  return [
    (context, object) => {
      const metadata = asMap(pairOf(object, "metadata")?.value);
      const annotations =
        metadata === undefined ? undefined : asMap(pairOf(metadata, "annotations")?.value);
      if (metadata === undefined || annotations === undefined) return undefined;
      if (pairOf(annotations, key) === undefined) return undefined;
      if (annotations.items.length > 1) return removePair(context, annotations, key);
      if (metadata.items.length > 1) return removePair(context, metadata, "annotations");
      return setPairValue(context, metadata, "annotations", {});
    },
  ];
}

/** Appends `tag` to `spec.tags`, creating `spec` and `spec.tags` when missing. */
export function addSpecTagSteps(tag: TagReference): Step[] {
  return [(context, stream) => addSpecTag(context, stream, tag)];
}

/** Replaces the spec tag named `tag.name` (its lines, not the comments above it). */
export function replaceSpecTagSteps(tag: TagReference): Step[] {
  return [
    (context, stream) => {
      const { tags, index } = requireSpecTag(stream, tag.name);
      return replaceItem(context, tags, index, tag, tagReferenceOrder);
    },
  ];
}

/** D7: removes the spec tag named `tag`; `tags: []` is left when it was the last. */
export function removeSpecTagSteps(tag: string): Step[] {
  return [
    (context, stream) => {
      const { spec, index } = requireSpecTag(stream, tag);
      return removeItems(context, spec, "tags", index, index + 1);
    },
  ];
}
