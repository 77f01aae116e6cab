/**
 * The writer's golden cases: each directory of test/fixtures/write holds an
 * input.yaml, the edits.json to apply and the expected.yaml, compared byte
 * for byte. Every case is also checked for meaning (the output's data is the
 * input's data with the edits applied, per stream-model.ts) and for
 * locality (each edit changes bytes only inside the section of the object
 * it concerns: a stream's status or spec, an object's metadata for an
 * annotation edit, the very sequence for an item edit, only its target's
 * lines for a setString; so everything else, other documents included, is
 * untouched).
 */
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import {
  isMap,
  isScalar,
  parseAllDocuments,
  type Document,
  type Node,
  type ParsedNode,
  type YAMLMap,
} from "yaml";
import { editFile } from "../../src/write/edit-file.ts";
import { parseOptions } from "../../src/write/parse-options.ts";
import type { FieldPath, ObjectEdit, ObjectEdits } from "../../src/write/object-edit.ts";
import { projectRoot } from "../support/temp-repo.ts";
import { applyToData } from "./stream-model.ts";

const root = path.join(projectRoot, "test/fixtures/write");

interface GoldenCase {
  readonly name: string;
  readonly input: string;
  readonly changes: readonly ObjectEdits[];
  readonly expected: string;
}

async function loadCase(name: string): Promise<GoldenCase> {
  const read = (file: string) => readFile(path.join(root, name, file), "utf8");
  const [input, edits, expected] = await Promise.all([
    read("input.yaml"),
    read("edits.json"),
    read("expected.yaml"),
  ]);
  return { name, input, changes: JSON.parse(edits) as ObjectEdits[], expected };
}

const names = (await readdir(root, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const cases = await Promise.all(names.map(loadCase));

function parse(text: string): Document.Parsed[] {
  return parseAllDocuments(text, parseOptions) as Document.Parsed[];
}

function dataOf(text: string): unknown[] {
  return parse(text).map((document) => {
    assert.deepEqual(document.errors, []);
    return document.toJS() as unknown;
  });
}

/**
 * The key (a path below the object) whose lines an edit may change: the
 * status edits `status`, the annotation edits `metadata`, the item edits
 * their own sequence, the other edits `spec`.
 */
function sectionOf(edit: ObjectEdit): readonly (string | number)[] {
  switch (edit.kind) {
    case "prependStatusItem":
    case "replaceStatusHead":
    case "removeStatusTag":
      return ["status"];
    case "setAnnotation":
    case "removeAnnotation":
      return ["metadata"];
    case "appendItem":
    case "replaceItem":
    case "removeItem":
      return edit.path;
    default:
      return ["spec"];
  }
}

function lineStartOf(text: string, pos: number): number {
  return text.lastIndexOf("\n", pos - 1) + 1;
}

type Pairs = { key: ParsedNode; value: ParsedNode | null }[];

/**
 * The bytes a setString may touch: its target scalar, or, when the last key
 * is missing, the end of the line where its mapping's last pair ends.
 */
function fieldRange(text: string, object: YAMLMap, path: FieldPath): [number, number] {
  const target: unknown = object.getIn(path, true);
  if (isScalar(target) && target.range) return [target.range[0], target.range[1]];
  assert.equal(target, undefined, `${path.join(".")} is neither a scalar nor missing`);
  const parent: unknown = object.getIn(path.slice(0, -1), true);
  assert.ok(isMap(parent));
  const last = parent.items.at(-1) as { key: ParsedNode; value: ParsedNode | null } | undefined;
  let end = (last?.value ?? last?.key)?.range[1] ?? parent.range?.[1] ?? 0;
  while (end > 0 && /\s/.test(text[end - 1] ?? "")) end -= 1;
  return [end, end];
}

/**
 * The bytes an edit may touch: the lines of its section, or, when the
 * section's key is missing, the gap in its parent mapping where it would be
 * inserted (before `status` for a new top-level `spec`, else after the
 * parent's last value).
 */
function allowedRange(text: string, change: ObjectEdits, edit: ObjectEdit): [number, number] {
  const document = parse(text)[change.document];
  const tokens = change.pointer === "" ? [] : change.pointer.slice(1).split("/");
  const object: unknown = document?.getIn(tokens, true);
  assert.ok(isMap(object));
  if (edit.kind === "setString") return fieldRange(text, object, edit.path);
  const section = sectionOf(edit);
  const parent: unknown = document?.getIn([...tokens, ...section.slice(0, -1)], true);
  assert.ok(isMap(parent), `no mapping holds ${section.join(".")}`);
  const pairs = parent.items as Pairs;
  const keyIs = (key: unknown) => (pair: { key: Node }) => pair.key.toJSON() === key;
  const last = section.at(-1);
  const present = pairs.find(keyIs(last));
  if (present !== undefined) {
    return [lineStartOf(text, present.key.range[0]), present.value?.range[2] ?? text.length];
  }
  const status = section.length === 1 ? pairs.findIndex(keyIs("status")) : -1;
  const at = last === "spec" && status >= 0 ? status : pairs.length;
  const previous = pairs[at - 1];
  const next = pairs[at];
  const start = previous?.value?.range[1] ?? parent.range?.[0] ?? 0;
  return [start, next === undefined ? (parent.range?.[2] ?? text.length) : next.key.range[0]];
}

/** The lines of `text`, each with its line break. */
function linesOf(text: string): string[] {
  return text.split(/(?<=\n)/);
}

/** The range of whole lines of `before` that differs from `after`, by common prefix and suffix. */
function changedRange(before: string, after: string): [number, number] {
  const a = linesOf(before);
  const b = linesOf(after);
  let prefix = 0;
  while (prefix < a.length && a[prefix] === b[prefix]) prefix += 1;
  let suffix = 0;
  const room = Math.min(a.length, b.length) - prefix;
  while (suffix < room && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix += 1;
  const start = a.slice(0, prefix).join("").length;
  return [start, before.length - a.slice(a.length - suffix).join("").length];
}

/** `range` widened to whole lines. */
function wholeLines(text: string, [from, to]: [number, number]): [number, number] {
  const newline = text.indexOf("\n", to);
  const end = to > 0 && text[to - 1] === "\n" ? to : newline < 0 ? text.length : newline + 1;
  return [lineStartOf(text, from), end];
}

describe("editFile golden cases", () => {
  it("finds the cases", () => {
    assert.ok(cases.length >= 25, `only ${String(cases.length)} cases`);
  });

  for (const c of cases) {
    describe(c.name, () => {
      it("writes expected.yaml byte for byte", () => {
        assert.equal(editFile(c.input, c.changes), c.expected);
      });

      it("writes data that is the input's data with the edits applied", () => {
        const output = editFile(c.input, c.changes);
        assert.deepEqual(dataOf(output), applyToData(dataOf(c.input), c.changes));
        assert.deepEqual(dataOf(c.expected), dataOf(output));
      });

      it("changes no byte outside the section each edit concerns", () => {
        let text = c.input;
        for (const change of c.changes) {
          for (const edit of change.edits) {
            const next = editFile(text, [{ ...change, edits: [edit] }]);
            if (next !== text) {
              const [start, end] = changedRange(text, next);
              const [from, to] = wholeLines(text, allowedRange(text, change, edit));
              assert.ok(
                from <= start && end <= to,
                `${edit.kind} changed ${String(start)}..${String(end)}, outside ${String(from)}..${String(to)}`,
              );
            }
            text = next;
          }
        }
        assert.equal(text, c.expected, "one edit at a time ends where all at once does");
      });

      it("keeps the file's line breaks", () => {
        const output = editFile(c.input, c.changes);
        const crlf = c.input.includes("\r\n");
        assert.equal(/(^|[^\r])\n/.test(output), !crlf && output.includes("\n"));
        assert.equal(output.includes("\r"), crlf);
        assert.equal(output.endsWith("\n"), c.input.endsWith("\n"));
      });
    });
  }
});

describe("editFile", () => {
  const text = cases[0]?.input ?? "";

  it("returns the very same string for no edits", () => {
    assert.equal(editFile(text, []), text);
    assert.equal(editFile(text, [{ document: 0, pointer: "", edits: [] }]), text);
  });

  it("keeps the other documents of a multi-document file byte for byte", () => {
    const c = cases.find((k) => k.name === "multi-document");
    assert.ok(c !== undefined);
    const [first] = c.input.split("\n---\n");
    assert.ok(first !== undefined && c.expected.startsWith(first + "\n---\n"));
  });
});
