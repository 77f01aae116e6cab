import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EmbeddedJson, jsonErrorOffset } from "../../src/load/embedded-json.ts";
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

  it("falls back to the scalar's start for folded multi-line scalars", () => {
    const json = embedded(`metadata:
  annotations:
    image.openshift.io/triggers: >
      [{"a":
      1}]
`);
    assert.equal(json.spanOfOffset(5).line, 3);
  });
});

describe("jsonErrorOffset", () => {
  const cases = [
    { name: "V8 position", message: "Unexpected token } in JSON at position 7", text: "", want: 7 },
    { name: "line and column", message: "Expected ',' (line 2 column 3)", text: "ab\ncd", want: 5 },
    { name: "end of input", message: "Unexpected end of JSON input", text: "[1,", want: 3 },
    { name: "no position", message: "something else", text: "", want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(jsonErrorOffset(c.message, c.text), c.want);
    });
  }
});
