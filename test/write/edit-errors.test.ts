/**
 * Edits that name something the file does not hold are planner bugs: they
 * throw ReconcilerError INTERNAL naming what is missing, and never half-edit.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ReconcilerError } from "../../src/errors.ts";
import { editFile } from "../../src/write/edit-file.ts";
import type { ObjectEdit, ObjectEdits } from "../../src/write/object-edit.ts";

const text = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
spec:
  tags:
    - name: "1.2"
      from: {kind: DockerImage, name: quay.io/org/app:1.2}
status:
  tags:
    - tag: "1.2"
      items: []
---
just a string
`;

const item = {
  created: "2026-06-01T10:00:00Z",
  dockerImageReference: "quay.io/org/app@sha256:abc",
  image: "sha256:abc",
  generation: 1,
};

function internal(pattern: RegExp) {
  return (err: unknown) =>
    err instanceof ReconcilerError && err.code === "INTERNAL" && pattern.test(err.message);
}

function edit(e: ObjectEdit, document = 0, pointer = ""): ObjectEdits[] {
  return [{ document, pointer, edits: [e] }];
}

describe("editFile on a missing target", () => {
  const cases: [name: string, changes: ObjectEdits[], message: RegExp][] = [
    [
      "replaceStatusHead of a missing status tag",
      edit({ kind: "replaceStatusHead", tag: "9.9", item }),
      /status tag "9\.9"/,
    ],
    [
      "replaceStatusHead of a tag with no items",
      edit({ kind: "replaceStatusHead", tag: "1.2", item }),
      /"1\.2" has no items\[0\]/,
    ],
    [
      "removeStatusTag of a missing status tag",
      edit({ kind: "removeStatusTag", tag: "9.9" }),
      /status tag "9\.9"/,
    ],
    [
      "setTagAnnotation of a missing spec tag",
      edit({ kind: "setTagAnnotation", tag: "9.9", key: "k", value: "v" }),
      /spec tag "9\.9"/,
    ],
    [
      "replaceSpecTag of a missing spec tag",
      edit({ kind: "replaceSpecTag", tag: { name: "9.9" } }),
      /spec tag "9\.9"/,
    ],
    [
      "removeSpecTag of a missing spec tag",
      edit({ kind: "removeSpecTag", tag: "9.9" }),
      /spec tag "9\.9"/,
    ],
    [
      "addSpecTag of a tag that exists",
      edit({ kind: "addSpecTag", tag: { name: "1.2" } }),
      /spec tag "1\.2" already exists/,
    ],
    [
      "appendItem under a mapping that is not there",
      edit({ kind: "appendItem", path: ["spec", "strategy", "triggers"], value: {} }),
      /no mapping holds spec\.strategy\.triggers/,
    ],
    [
      "appendItem to a value that is not a sequence",
      edit({ kind: "appendItem", path: ["metadata", "name"], value: {} }),
      /metadata\.name is not a sequence/,
    ],
    [
      "replaceItem of a sequence that is not there",
      edit({ kind: "replaceItem", path: ["spec", "triggers"], index: 0, value: {} }),
      /no sequence at spec\.triggers/,
    ],
    [
      "replaceItem past the end",
      edit({ kind: "replaceItem", path: ["spec", "tags"], index: 3, value: {} }),
      /no item 3 to replace/,
    ],
    [
      "removeItem past the end",
      edit({ kind: "removeItem", path: ["status", "tags"], index: 1 }),
      /no items 1\.\.1 of "tags" to remove/,
    ],
    [
      "a document the file does not have",
      edit({ kind: "removeSpecTag", tag: "1.2" }, 5),
      /no document 5/,
    ],
    [
      "a document that is not a mapping",
      edit({ kind: "removeSpecTag", tag: "1.2" }, 1),
      /no mapping at ""/,
    ],
    [
      "a pointer to nothing",
      edit({ kind: "removeSpecTag", tag: "1.2" }, 0, "/items/0"),
      /no mapping at "\/items\/0"/,
    ],
  ];
  for (const [name, changes, message] of cases) {
    it(`throws INTERNAL for ${name}`, () => {
      assert.throws(() => editFile(text, changes), internal(message));
    });
  }
});
