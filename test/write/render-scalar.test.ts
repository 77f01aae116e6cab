/**
 * Scalar quoting: plain only when the plain text reads back as the same
 * string under YAML 1.1 as the loader reads it, quotes copied from the
 * scalar replaced or from a sibling.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDocument, type ParsedNode } from "yaml";
import { parseOptions } from "../../src/write/parse-options.ts";
import { readsBackPlain, renderScalar } from "../../src/write/render-scalar.ts";

/** The value node of `x: <source>`, as a sibling to copy the style of. */
function scalar(source: string): ParsedNode | null {
  const document = parseDocument(`x: ${source}`, parseOptions);
  return document.getIn(["x"], true) as ParsedNode | null;
}

describe("renderScalar", () => {
  const cases: [value: unknown, want: string][] = [
    ["latest", "latest"],
    ["static-2.0", "static-2.0"],
    ["1.2", '"1.2"'],
    ["15", '"15"'],
    ["2.0", '"2.0"'],
    ["on", '"on"'],
    ["yes", '"yes"'],
    ["y", '"y"'],
    ["off", '"off"'],
    ["null", '"null"'],
    ["~", '"~"'],
    ["0x1f", '"0x1f"'],
    ["1_000", '"1_000"'],
    ["1:20", '"1:20"'],
    ["e5", '"e5"'],
    [".", '"."'],
    ["", '""'],
    [" padded", '" padded"'],
    ["a #comment", '"a #comment"'],
    ["key: value", '"key: value"'],
    ["- item", '"- item"'],
    ["*alias", '"*alias"'],
    ["multi\nline", '"multi\\nline"'],
    ["line\u2028separator", '"line\\u2028separator"'],
    ["2026-11-18T16:40:55Z", "2026-11-18T16:40:55Z"],
    ["quay.io/org/app@sha256:abc", "quay.io/org/app@sha256:abc"],
    ["imagestream-gitops.io/imported-from", "imagestream-gitops.io/imported-from"],
    [3, "3"],
    [true, "true"],
    [null, "null"],
  ];
  for (const [value, want] of cases) {
    it(`writes ${JSON.stringify(value)} as ${want}`, () => {
      assert.equal(renderScalar(value, undefined), want);
    });
  }

  it("quotes in flow collections what flow syntax would split", () => {
    assert.equal(renderScalar("a,b", undefined, { flow: true, key: false }), '"a,b"');
    assert.equal(renderScalar("a,b", undefined), "a,b");
    assert.equal(
      renderScalar("quay.io/o/a:1", undefined, { flow: true, key: false }),
      '"quay.io/o/a:1"',
    );
    assert.equal(renderScalar("quay.io/o/a:1", undefined), "quay.io/o/a:1");
  });

  it("copies a sibling's quotes when the sibling did not need them", () => {
    assert.equal(
      renderScalar("2026-06-01T10:00:00Z", scalar('"2026-05-01T10:00:00Z"')),
      '"2026-06-01T10:00:00Z"',
    );
    assert.equal(renderScalar("stable", scalar("'latest'")), "'stable'");
  });

  it("does not copy quotes a sibling needed", () => {
    assert.equal(renderScalar("latest", scalar('"2.0"')), "latest");
    assert.equal(renderScalar("2.1", scalar("'2.0'")), "'2.1'");
    assert.equal(renderScalar("2.1", scalar("latest")), '"2.1"');
  });

  it("keeps the quotes of the scalar it replaces", () => {
    assert.equal(renderScalar("1.2.1", scalar('"1.2"'), undefined, true), '"1.2.1"');
    assert.equal(renderScalar("it's", scalar("'x'"), undefined, true), "'it''s'");
    assert.equal(renderScalar("a\nb", scalar("'x'"), undefined, true), '"a\\nb"');
  });

  it("single-quotes a string holding double quotes: JSON in an annotation", () => {
    assert.equal(renderScalar('[{"a":1}]', undefined), `'[{"a":1}]'`);
    assert.equal(renderScalar(`[{"a":"it's"}]`, undefined), `'[{"a":"it''s"}]'`);
    assert.equal(renderScalar('{"a":1}', scalar("|-\n  {}"), undefined, true), `'{"a":1}'`);
    assert.equal(renderScalar('"x"', undefined, { flow: true, key: false }), `'"x"'`);
  });

  it("keeps double quotes it replaces, and escapes what single quotes cannot hold", () => {
    assert.equal(renderScalar('{"a":1}', scalar('"{}"'), undefined, true), '"{\\"a\\":1}"');
    assert.equal(renderScalar('"a"\n', undefined), '"\\"a\\"\\n"');
  });

  it("throws INTERNAL for values that are not scalars", () => {
    assert.throws(() => renderScalar({}, undefined), { code: "INTERNAL" });
    assert.throws(() => renderScalar(Number.NaN, undefined), { code: "INTERNAL" });
  });
});

describe("readsBackPlain", () => {
  it("reads keys in key position", () => {
    assert.equal(readsBackPlain("openshift.io/display-name", { flow: false, key: true }), true);
    assert.equal(readsBackPlain("<<", { flow: false, key: true }), false);
    assert.equal(readsBackPlain("? x", { flow: false, key: true }), false);
  });
});
