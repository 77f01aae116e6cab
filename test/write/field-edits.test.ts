/**
 * The setString edit where the golden cases do not reach: a path that does
 * not lead to a string is a planner bug (INTERNAL, the file untouched), the
 * value already there changes nothing, a sequence item is a target too, and
 * a new key is quoted as its siblings are.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ReconcilerError } from "../../src/errors.ts";
import { editFile } from "../../src/write/edit-file.ts";
import type { FieldPath, ObjectEdits } from "../../src/write/object-edit.ts";

const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # the name
spec:
  template:
    spec:
      containers:
        - name: web
          image: 'quay.io/acme/web:1' # pinned below
          args: [--port, "8080"]
          env:
            - name: MODE
              value: live
          aliased: &same quay.io/acme/web:1
          alias: *same
      volumes: []
      nodeName:
`;

const container: FieldPath = ["spec", "template", "spec", "containers", 0];

function setString(path: FieldPath, value: string): ObjectEdits[] {
  return [{ document: 0, pointer: "", edits: [{ kind: "setString", path, value }] }];
}

function internal(pattern: RegExp) {
  return (err: unknown) =>
    err instanceof ReconcilerError && err.code === "INTERNAL" && pattern.test(err.message);
}

describe("setString on a path that does not lead to a string", () => {
  const cases: [name: string, path: FieldPath, message: RegExp][] = [
    ["an empty path", [], /non-empty path/],
    ["a missing intermediate key", ["spec", "jobTemplate", "spec"], /no spec\.jobTemplate on/],
    ["an index past the end", [...container.slice(0, -1), 1, "image"], /no .*containers\[1\] on/],
    ["a last index past the end", [...container, "args", 2], /no .*args\[2\]$/],
    ["a key of a sequence", [...container.slice(0, -1), "web", "image"], /no .*containers\.web/],
    ["an index of a mapping", [...container, 0], /no .*containers\[0\]\[0\]/],
    ["a step through a scalar", ["metadata", "name", "first"], /no metadata\.name\.first/],
    ["a step through a null", ["spec", "template", "spec", "nodeName", "x"], /no .*nodeName\.x/],
    ["a mapping at the target", [...container, "env", 0], /env\[0\] is not a scalar/],
    ["a sequence at the target", [...container, "args"], /args is not a scalar/],
    ["an empty flow sequence at the target", ["spec", "template", "spec", "volumes"], /scalar/],
    ["an alias at the target", [...container, "alias"], /alias is not a scalar/],
    ["a missing key in a sequence item", [...container, "args", 0, "x"], /no .*args\[0\]\.x/],
  ];
  for (const [name, path, message] of cases) {
    it(`throws INTERNAL for ${name}`, () => {
      assert.throws(() => editFile(text, setString(path, "quay.io/acme/web:2")), internal(message));
    });
  }
});

describe("setString", () => {
  it("returns the very same text when the value is already there", () => {
    assert.equal(editFile(text, setString([...container, "image"], "quay.io/acme/web:1")), text);
    assert.equal(editFile(text, setString([...container, "args", 1], "8080")), text);
    assert.equal(editFile(text, setString(["metadata", "name"], "web")), text);
  });

  it("replaces an item of a flow sequence, keeping its quotes", () => {
    const output = editFile(text, setString([...container, "args", 1], "9090"));
    assert.equal(output, text.replace(`"8080"]`, `"9090"]`));
  });

  it("replaces a scalar that carries an anchor, keeping the anchor", () => {
    const output = editFile(text, setString([...container, "aliased"], "quay.io/acme/web:2"));
    assert.equal(output, text.replace("&same quay.io/acme/web:1", "&same quay.io/acme/web:2"));
  });

  it("quotes a new key as the same key of a sibling item", () => {
    const input = `containers:
  - name: web
    image: 'quay.io/acme/web:1'
  - name: proxy
`;
    const output = editFile(input, setString(["containers", 1, "image"], "quay.io/acme/proxy:2"));
    assert.equal(output, `${input}    image: 'quay.io/acme/proxy:2'\n`);
  });

  it("double-quotes a new flow value with a colon when no sibling shows a plain one", () => {
    const input = "containers:\n  - {name: web}\n";
    const output = editFile(input, setString(["containers", 0, "image"], "quay.io/a/b:1"));
    assert.equal(output, `containers:\n  - {name: web, image: "quay.io/a/b:1"}\n`);
  });

  it("writes a value over an empty one", () => {
    const output = editFile(text, setString(["spec", "template", "spec", "nodeName"], "node-1"));
    assert.equal(output, text.replace("nodeName:\n", "nodeName: node-1\n"));
  });
});
