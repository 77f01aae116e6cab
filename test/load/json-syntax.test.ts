import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { findJsonSyntaxError } from "../../src/load/json-syntax.ts";

describe("findJsonSyntaxError", () => {
  const cases = [
    {
      input: '[{"paused": False}]',
      offset: 12,
      message: 'unexpected "False": expected a JSON value',
    },
    { input: "[1,]", offset: 3, message: 'unexpected "]": expected a JSON value' },
    {
      input: '{"a":1,}',
      offset: 7,
      message: 'unexpected "}": expected a double-quoted property name',
    },
    { input: "[1 2]", offset: 3, message: "unexpected \"2\": expected ',' or ']'" },
    { input: '{"a" 1}', offset: 5, message: "unexpected \"1\": expected ':'" },
    {
      input: "{a: 1}",
      offset: 1,
      message: 'unexpected "a": expected a double-quoted property name',
    },
    { input: "[1", offset: 2, message: "unexpected end of JSON" },
    { input: "", offset: 0, message: "unexpected end of JSON" },
    { input: '["x"] y', offset: 6, message: 'unexpected "y": after the JSON value' },
    { input: '["\\q"]', offset: 1, message: 'unexpected "\\"": invalid string' },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.input), () => {
      assert.deepEqual(findJsonSyntaxError(c.input), { offset: c.offset, message: c.message });
    });
  }

  it("accepts valid JSON nested 5000 deep without recursion", () => {
    assert.equal(findJsonSyntaxError(`${"[".repeat(5000)}${"]".repeat(5000)}`), undefined);
  });

  it("agrees with JSON.parse on what is valid", () => {
    const jsonish = fc.oneof(
      fc.json(),
      fc.json().map((s) => s.slice(0, -1)),
      fc.json().map((s) => s.replace(/,|:|"/, "")),
      fc.stringMatching(/^[[\]{}",:0-9a-z .-]{0,12}$/),
    );
    fc.assert(
      fc.property(jsonish, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        return (findJsonSyntaxError(text) === undefined) === valid;
      }),
      { numRuns: 2000 },
    );
  });
});
