/**
 * The edits the reconciler makes to an ImageStream in a YAML file, as
 * values. Planning produces them; `editFile` applies them to the file's
 * text as surgical splices at the nodes' own ranges, so everything the edit
 * does not touch stays byte-identical (comments, key order, quoting,
 * indentation, flow style, line endings).
 */
import type { TagEvent, TagReference } from "../model/generated/imagestream.ts";

/** One change to one ImageStream. */
export type StreamEdit =
  /**
   * H7: `item` becomes `status.tags[tag].items[0]`, the rest moves down and
   * is cut to `keep` items in all (0 keeps every item, D5). Creates the
   * status tag entry (and `status` / `status.tags`) when missing; a new
   * entry goes where `tag` sorts among the existing ones, as OpenShift
   * orders status tags. Clears the tag's conditions (H8).
   */
  | {
      readonly kind: "prependStatusItem";
      readonly tag: string;
      readonly item: TagEvent;
      readonly keep: number;
    }
  /** H5/H6: `items[0]` of the tag is replaced by `item`, in place. */
  | { readonly kind: "replaceStatusHead"; readonly tag: string; readonly item: TagEvent }
  /** D7 (`tag -d`): the status tag entry is removed. */
  | { readonly kind: "removeStatusTag"; readonly tag: string }
  /** Sets `spec.tags[name == tag].annotations[key]`, creating the map when it is missing or null. */
  | {
      readonly kind: "setTagAnnotation";
      readonly tag: string;
      readonly key: string;
      readonly value: string;
    }
  /** Appends a spec tag to `spec.tags` (creating `spec` / `spec.tags` when missing). */
  | { readonly kind: "addSpecTag"; readonly tag: TagReference }
  /** Replaces the spec tag named `tag.name` with `tag`. */
  | { readonly kind: "replaceSpecTag"; readonly tag: TagReference }
  /** D7 (`tag -d`): removes the spec tag named `tag`. */
  | { readonly kind: "removeSpecTag"; readonly tag: string };
