/**
 * The edits the reconciler makes to a Kubernetes object in a YAML file, as
 * values: the ImageStream edits (stream-edit.ts) and the field edits any
 * object takes (a workload's container image, its annotations, a
 * DeploymentConfig's triggers). `editFile` applies them as splices at the
 * nodes' own ranges, so everything an edit does not touch stays
 * byte-identical.
 */
import type { StreamEdit } from "./stream-edit.ts";

/** A path below the object: mapping keys and sequence indexes. */
export type FieldPath = readonly (string | number)[];

/** One change to any object. */
export type FieldEdit =
  /** Sets `metadata.annotations[key]`, creating `metadata.annotations` when missing or null. */
  | { readonly kind: "setAnnotation"; readonly key: string; readonly value: string }
  /**
   * Removes `metadata.annotations[key]`; nothing when it is not there. An
   * `annotations` mapping left empty is removed too (it becomes `{}` when it
   * is all `metadata` holds).
   */
  | { readonly kind: "removeAnnotation"; readonly key: string }
  /**
   * Sets the string at `path` (a container's `image`, a DeploymentConfig
   * trigger's `lastTriggeredImage`) to `value`. A scalar there is replaced in
   * place and keeps its quotes when `value` allows; a missing last key is
   * added to its mapping, which must exist.
   */
  | { readonly kind: "setString"; readonly path: FieldPath; readonly value: string }
  /** Appends `value` to the sequence at `path`, creating the sequence (not its parent) when missing. */
  | { readonly kind: "appendItem"; readonly path: FieldPath; readonly value: unknown }
  /** Replaces item `index` of the sequence at `path` with `value`. */
  | {
      readonly kind: "replaceItem";
      readonly path: FieldPath;
      readonly index: number;
      readonly value: unknown;
    }
  /** Removes item `index` of the sequence at `path`; a sequence left empty stays, as `[]`. */
  | { readonly kind: "removeItem"; readonly path: FieldPath; readonly index: number };

/** One change to one object. */
export type ObjectEdit = StreamEdit | FieldEdit;

/** The edits of one object: which document of the file, where in it, and what. */
export interface ObjectEdits {
  /** 0-based index of the YAML document in the file's `---` stream. */
  readonly document: number;
  /** JSON pointer of the object in that document: "" or "/items/3" for a `kind: List`. */
  readonly pointer: string;
  readonly edits: readonly ObjectEdit[];
}
