/**
 * What each object edit means, on plain data: the reference the writer's
 * text splices are checked against. Deliberately naive (no YAML, no
 * positions), written from the TSDoc of src/write/stream-edit.ts and
 * src/write/object-edit.ts.
 */
import assert from "node:assert/strict";
import type { FieldPath, ObjectEdit, ObjectEdits } from "../../src/write/object-edit.ts";

type Data = Record<string, unknown>;

function isData(value: unknown): value is Data {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function data(value: unknown, what: string): Data {
  assert.ok(isData(value), `${what} is not an object`);
  return value;
}

function list(value: unknown): Data[] {
  return Array.isArray(value) ? value.map((v, i) => data(v, `item ${String(i)}`)) : [];
}

/** `value` without the keys that hold undefined, as the writer writes it. */
function defined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(defined);
  if (!isData(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, defined(v)]),
  );
}

function child(parent: Data, key: string): Data {
  const value = parent[key];
  if (!isData(value)) parent[key] = {};
  return data(parent[key], key);
}

function statusTags(stream: Data): Data[] {
  const status = child(stream, "status");
  status.tags = list(status.tags);
  return status.tags as Data[];
}

function specTags(stream: Data): Data[] {
  const spec = child(stream, "spec");
  spec.tags = list(spec.tags);
  return spec.tags as Data[];
}

function prependStatusItem(stream: Data, tag: string, item: unknown, keep: number): void {
  const tags = statusTags(stream);
  let entry = tags.find((t) => t.tag === tag);
  if (entry === undefined) {
    entry = { tag, items: [] };
    const at = tags.findIndex((t) => String(t.tag) > tag);
    tags.splice(at < 0 ? tags.length : at, 0, entry);
  }
  const items = [defined(item), ...list(entry.items)];
  entry.items = keep > 0 ? items.slice(0, keep) : items;
  delete entry.conditions;
}

function without(tags: Data[], field: string, name: string): void {
  tags.splice(
    tags.findIndex((t) => t[field] === name),
    1,
  );
}

/** setString: every step but the last must exist; the last is set, added when a key is missing. */
function setString(object: Data, path: FieldPath, value: string): void {
  let parent: unknown = object;
  for (const step of path.slice(0, -1)) {
    parent = Array.isArray(parent)
      ? (parent as unknown[])[Number(step)]
      : data(parent, String(step))[step];
  }
  const last = path.at(-1);
  if (Array.isArray(parent)) {
    assert.ok(typeof last === "number" && last < parent.length, `no item ${String(last)}`);
    parent[last] = value;
  } else {
    data(parent, String(last))[String(last)] = value;
  }
}

/** The object at `path` below `stream`; undefined when a step is missing. */
function at(stream: Data, path: readonly (string | number)[]): unknown {
  let node: unknown = stream;
  for (const key of path) {
    node = Array.isArray(node)
      ? (node as unknown[])[Number(key)]
      : isData(node)
        ? node[key]
        : undefined;
  }
  return node;
}

/** The array at `path`, created (as the writer does) in its parent mapping when missing or null. */
function sequence(stream: Data, path: readonly (string | number)[], create: boolean): unknown[] {
  const parent = data(at(stream, path.slice(0, -1)), "parent");
  const key = String(path.at(-1));
  if (create && (parent[key] === undefined || parent[key] === null)) parent[key] = [];
  const value = parent[key];
  assert.ok(Array.isArray(value), `${key} is not an array`);
  return value as unknown[];
}

function removeAnnotation(stream: Data, key: string): void {
  const metadata = child(stream, "metadata");
  const annotations = metadata.annotations;
  if (!isData(annotations)) return;
  Reflect.deleteProperty(annotations, key);
  if (Object.keys(annotations).length === 0 && Object.keys(metadata).length > 1)
    delete metadata.annotations;
}

function applyEdit(stream: Data, edit: ObjectEdit): void {
  switch (edit.kind) {
    case "prependStatusItem":
      prependStatusItem(stream, edit.tag, edit.item, edit.keep);
      return;
    case "replaceStatusHead": {
      const head = list(statusTags(stream).find((t) => t.tag === edit.tag)?.items)[0];
      Object.assign(data(head, "items[0]"), defined(edit.item));
      return;
    }
    case "removeStatusTag":
      without(statusTags(stream), "tag", edit.tag);
      return;
    case "setTagAnnotation": {
      const tag = specTags(stream).find((t) => t.name === edit.tag);
      child(data(tag, edit.tag), "annotations")[edit.key] = edit.value;
      return;
    }
    case "setAnnotation":
      child(child(stream, "metadata"), "annotations")[edit.key] = edit.value;
      return;
    case "removeAnnotation":
      removeAnnotation(stream, edit.key);
      return;
    case "appendItem":
      sequence(stream, edit.path, true).push(defined(edit.value));
      return;
    case "replaceItem":
      sequence(stream, edit.path, false)[edit.index] = defined(edit.value);
      return;
    case "removeItem":
      sequence(stream, edit.path, false).splice(edit.index, 1);
      return;
    case "addSpecTag":
      specTags(stream).push(data(defined(edit.tag), "tag"));
      return;
    case "replaceSpecTag": {
      const tags = specTags(stream);
      tags[tags.findIndex((t) => t.name === edit.tag.name)] = data(defined(edit.tag), "tag");
      return;
    }
    case "removeSpecTag":
      without(specTags(stream), "name", edit.tag);
      return;
    case "setString":
      setString(stream, edit.path, edit.value);
      return;
  }
}

function streamAt(document: unknown, pointer: string): Data {
  let node = document;
  for (const token of pointer.split("/").slice(1)) {
    node = Array.isArray(node) ? (node as unknown[])[Number(token)] : data(node, token)[token];
  }
  return data(node, pointer);
}

/** The documents' data after `changes`; `documents` is left as it was. */
export function applyToData(
  documents: readonly unknown[],
  changes: readonly ObjectEdits[],
): unknown[] {
  const result = structuredClone([...documents]);
  for (const change of changes) {
    const stream = streamAt(result[change.document], change.pointer);
    for (const edit of change.edits) applyEdit(stream, edit);
  }
  return result;
}
