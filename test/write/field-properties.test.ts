/**
 * Properties of setString over generated container lists: pointing one
 * container at a new digest changes exactly that container's image line,
 * whatever the list's length, quoting and comments; the line keeps its
 * quotes, the new image reads back and the other containers keep theirs.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseDocument } from "yaml";
import { editFile } from "../../src/write/edit-file.ts";
import { parseOptions } from "../../src/write/parse-options.ts";

interface Container {
  readonly name: string;
  readonly image: string;
  readonly quote: "" | "'" | '"';
  readonly comment: boolean;
  readonly pullPolicy: boolean;
}

const container = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
  image: fc.stringMatching(/^quay\.io\/[a-z]{1,8}\/[a-z]{1,8}:[0-9]{1,3}$/),
  quote: fc.constantFrom("" as const, "'" as const, '"' as const),
  comment: fc.boolean(),
  pullPolicy: fc.boolean(),
});

const digest = fc
  .stringMatching(/^[0-9a-f]{64}$/)
  .map((hex) => `quay.io/acme/storefront@sha256:${hex}`);

function deployment(containers: readonly Container[]): string {
  const lines = containers.flatMap((c) => [
    `        - name: ${c.name}`,
    `          image: ${c.quote}${c.image}${c.quote}${c.comment ? " # pinned" : ""}`,
    ...(c.pullPolicy ? ["          imagePullPolicy: Always"] : []),
  ]);
  return ["kind: Deployment", "spec:", "  template:", "    spec:", "      containers:", ...lines]
    .map((line) => `${line}\n`)
    .join("");
}

function imagesOf(yaml: string): unknown[] {
  const document = parseDocument(yaml, parseOptions);
  assert.deepEqual(document.errors, []);
  const data = document.toJS() as { spec: { template: { spec: { containers: unknown[] } } } };
  return data.spec.template.spec.containers.map((c) => (c as { image: unknown }).image);
}

describe("setString properties", () => {
  it("changes exactly the image line of the container it names", () => {
    const input = fc
      .array(container, { minLength: 1, maxLength: 6 })
      .chain((list) => fc.tuple(fc.constant(list), fc.nat({ max: list.length - 1 }), digest));
    fc.assert(
      fc.property(input, ([containers, index, value]) => {
        const before = deployment(containers);
        const path = ["spec", "template", "spec", "containers", index, "image"];
        const after = editFile(before, [
          { document: 0, pointer: "", edits: [{ kind: "setString", path, value }] },
        ]);
        const a = before.split("\n");
        const b = after.split("\n");
        assert.equal(b.length, a.length);
        const changed = a.flatMap((line, i) => (line === b[i] ? [] : [i]));
        assert.equal(changed.length, 1);
        const line = changed[0] ?? -1;
        const old = containers[index];
        assert.ok(old !== undefined && a[line]?.includes(old.image));
        assert.ok(b[line]?.includes(`image: ${old.quote}${value}${old.quote}`), "quotes kept");
        const want = containers.map((c, i) => (i === index ? value : c.image));
        assert.deepEqual(imagesOf(after), want);
      }),
      { numRuns: 200 },
    );
  });
});
