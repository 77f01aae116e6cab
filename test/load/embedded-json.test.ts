import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EmbeddedJson } from "../../src/load/embedded-json.ts";
import { parseYamlFile } from "../../src/load/parse-yaml.ts";

const pointer = "/metadata/annotations/image.openshift.io~1triggers";

function embedded(text: string): EmbeddedJson {
  const { file } = parseYamlFile("w.yaml", text);
  const doc = file.documents[0];
  assert.ok(doc !== undefined);
  const value = (doc.value as { metadata: { annotations: Record<string, string> } }).metadata
    .annotations["image.openshift.io/triggers"];
  return new EmbeddedJson(file, doc, pointer, value ?? "");
}

describe("EmbeddedJson", () => {
  it("maps pointers inside a block literal to their own lines", () => {
    const json = embedded(`metadata:
  annotations:
    image.openshift.io/triggers: |
      [
        {"from": {"kind": "ImageStreamTag", "name": "a:1"}, "fieldPath": "x"},
        {"from": {"kind": "ImageStreamTag", "name": "b:1"}, "fieldPath": "y"}
      ]
`);
    assert.deepEqual(json.spanOfPointer("/1/from/name"), {
      line: 6,
      col: 53,
      endLine: 6,
      endCol: 53,
    });
    assert.equal(json.spanOfPointer("/0").line, 5);
  });

  it("maps offsets inside a single-quoted scalar, counting '' escapes", () => {
    const json = embedded(`metadata:
  annotations:
    image.openshift.io/triggers: '[{"fieldPath": "c[?(@.name==''w'')]", "x": 1}]'
`);
    // The value is [{"fieldPath": "c[?(@.name=='w')]", "x": 1}]: "x" is at offset 36, and
    // column 73 of the source line, past the opening quote and two '' escapes.
    assert.equal(json.text.indexOf('"x"'), 36);
    assert.deepEqual(json.spanOfOffset(36), { line: 3, col: 73, endLine: 3, endCol: 73 });
  });

  it("follows folded scalars across lines", () => {
    const json = embedded(`metadata:
  annotations:
    image.openshift.io/triggers: >-
      [{"a":
      1}]
`);
    // Folding made the value [{"a": 1}]; the 1 is on line 5, column 7.
    assert.equal(json.text, '[{"a": 1}]');
    assert.deepEqual(json.spanOfOffset(7), { line: 5, col: 7, endLine: 5, endCol: 7 });
  });

  it("follows double-quoted scalars over several lines, with escapes", () => {
    const json = embedded(`metadata:
  annotations:
    image.openshift.io/triggers: "[{\\"a\\":
      true}]"
`);
    assert.equal(json.text, '[{"a": true}]');
    assert.equal(json.spanOfOffset(json.text.indexOf("true")).line, 4);
    assert.equal(json.spanOfOffset(json.text.indexOf("true")).col, 7);
  });

  it("places an object's key, for unknown fields", () => {
    const json = embedded(`metadata:
  annotations:
    image.openshift.io/triggers: |
      [{"from": {"kind": "ImageStreamTag", "name": "a:1"},
        "pause": true}]
`);
    assert.deepEqual(json.spanOfPointer("/0", "pause"), { line: 5, col: 9, endLine: 5, endCol: 9 });
  });
});
