import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatPointer, parsePointer } from "../../src/load/pointer.ts";
import { validators } from "../../src/load/schemas.ts";
import { closest } from "../../src/load/suggest.ts";
import { schemaIssues } from "../../src/load/validate.ts";

function issuesOf(value: unknown, strict = false): ReturnType<typeof schemaIssues> {
  const validate = validators().imageStream;
  assert.equal(validate(value), false);
  return schemaIssues(validate.errors ?? [], { strict });
}

const base = {
  apiVersion: "image.openshift.io/v1",
  kind: "ImageStream",
  metadata: { name: "app" },
};

describe("schemaIssues", () => {
  it("uses OpenShift's message and echoes the value", () => {
    const issues = issuesOf({
      ...base,
      spec: { tags: [{ name: "a", referencePolicy: { type: "local" } }] },
    });
    assert.deepEqual(
      issues.map((i) => [i.pointer, i.message]),
      [["/spec/tags/0/referencePolicy/type", '"local": valid values are "Source", "Local"']],
    );
  });

  it("hints to quote tag names YAML reads as numbers", () => {
    const [issue] = issuesOf({ ...base, spec: { tags: [{ name: 2 }] } });
    assert.ok(issue !== undefined);
    assert.equal(issue.pointer, "/spec/tags/0/name");
    assert.match(issue.hint ?? "", /quote it/);
  });

  it("reports every error, not the first", () => {
    const issues = issuesOf({
      ...base,
      spec: {
        tags: [
          { name: "a", from: { kind: "Docker", name: "x" } },
          { name: "b", reference: "yes" },
        ],
      },
    });
    assert.deepEqual(
      issues.map((i) => i.pointer),
      ["/spec/tags/0/from/kind", "/spec/tags/1/reference"],
    );
  });

  it("names unknown fields as warnings, errors when strict", () => {
    const loose = issuesOf({ ...base, spec: { tags: [{ name: "a", importpolicy: {} }] } });
    assert.deepEqual(
      loose.map((i) => [i.code, i.severity, i.pointer, i.key, i.hint]),
      [
        [
          "UNKNOWN_FIELD",
          "warning",
          "/spec/tags/0",
          "importpolicy",
          'did you mean "importPolicy"?',
        ],
      ],
    );
    const strict = issuesOf({ ...base, spec: { tags: [{ name: "a", importpolicy: {} }] } }, true);
    assert.equal(strict[0]?.severity, "error");
  });

  it("reports one issue for a value that matches no anyOf branch", () => {
    const validate = validators().triggers;
    assert.equal(
      validate([{ from: { kind: "ImageStreamTag", name: "a:b" }, fieldPath: "x", paused: 3 }]),
      false,
    );
    const issues = schemaIssues(validate.errors ?? [], { strict: false });
    assert.deepEqual(
      issues.map((i) => i.pointer),
      ["/0/paused"],
    );
  });
});

describe("JSON pointers (RFC 6901)", () => {
  const cases = [
    { pointer: "", tokens: [] },
    {
      pointer: "/metadata/annotations/image.openshift.io~1triggers",
      tokens: ["metadata", "annotations", "image.openshift.io/triggers"],
    },
    { pointer: "/a~01", tokens: ["a~1"] },
    { pointer: "/~1~1/~0~0", tokens: ["//", "~~"] },
  ];
  for (const c of cases) {
    it(`decodes and encodes ${JSON.stringify(c.pointer)}`, () => {
      assert.deepEqual(parsePointer(c.pointer), c.tokens);
      assert.equal(formatPointer(c.tokens), c.pointer);
    });
  }
});

describe("closest", () => {
  it("suggests near misses only", () => {
    assert.equal(closest("importpolicy", ["importPolicy", "referencePolicy"]), "importPolicy");
    assert.equal(closest("refrence", ["reference", "name"]), "reference");
    assert.equal(closest("zzz", ["reference", "name"]), undefined);
  });
});
