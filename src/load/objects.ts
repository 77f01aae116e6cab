/**
 * Finds the Kubernetes objects in a file's documents: top-level objects and
 * the items of `kind: List` (and other `*List` kinds), each with its location.
 * Documents that are not Kubernetes objects (no apiVersion and kind) are left
 * alone: a GitOps repository holds other YAML too.
 */
import { isNode } from "yaml";
import type { ObjectLocation, SourceDocument, SourceFile } from "../model/source.ts";

/** A Kubernetes object found in a document. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly value: Readonly<Record<string, unknown>>;
  readonly at: ObjectLocation;
}

/** Every object of every parsed document of `file`, in file order. */
export function objectsOf(file: SourceFile): KubeObject[] {
  const found: KubeObject[] = [];
  for (const doc of file.documents) {
    const value = doc.value;
    if (!isObject(value)) continue;
    const items = value["items"];
    if (
      typeof value["kind"] === "string" &&
      value["kind"].endsWith("List") &&
      Array.isArray(items)
    ) {
      for (const [i, item] of items.entries()) {
        const object = asKubeObject(item, locationOf(file, doc, `/items/${String(i)}`));
        if (object !== undefined) found.push(object);
      }
      continue;
    }
    const object = asKubeObject(value, locationOf(file, doc, ""));
    if (object !== undefined) found.push(object);
  }
  return found;
}

/** Where the object at `pointer` ("" or `/items/N`) of `doc` sits, with its lines. */
export function locationOf(file: SourceFile, doc: SourceDocument, pointer: string): ObjectLocation {
  const path = pointer === "" ? [] : pointer.split("/").slice(1);
  const node = path.length === 0 ? doc.document.contents : doc.document.getIn(path, true);
  const range = (isNode(node) ? node.range : undefined) ?? doc.document.range;
  return {
    file,
    doc,
    pointer,
    line: file.lines.linePos(range[0]).line,
    endLine: file.lines.linePos(range[1]).line,
  };
}

function asKubeObject(value: unknown, at: ObjectLocation): KubeObject | undefined {
  if (!isObject(value)) return undefined;
  const { apiVersion, kind } = value;
  if (typeof kind !== "string") return undefined;
  // An ImageStream missing its apiVersion (or with it misspelt) must be reported, not skipped.
  if (typeof apiVersion !== "string" && kind !== "ImageStream") return undefined;
  return { apiVersion: typeof apiVersion === "string" ? apiVersion : "", kind, value, at };
}

/** True for a plain (non-array) object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** metadata.name and metadata.namespace of an object, when they are strings. */
export function metadataOf(value: Readonly<Record<string, unknown>>): {
  name: string | undefined;
  namespace: string | undefined;
  annotations: Readonly<Record<string, unknown>>;
} {
  const metadata = isObject(value["metadata"]) ? value["metadata"] : {};
  const { name, namespace, annotations } = metadata;
  return {
    name: typeof name === "string" ? name : undefined,
    // An empty namespace is no namespace, as the API server reads it.
    namespace: typeof namespace === "string" && namespace !== "" ? namespace : undefined,
    annotations: isObject(annotations) ? annotations : {},
  };
}
