/**
 * Properties over arbitrary strings: whatever a tag name, annotation key or
 * value holds, the writer's YAML reads back as exactly that string; setting
 * an annotation twice is setting it once; adding a spec tag and removing it
 * again gives back the original bytes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { editFile } from "../../src/write/edit-file.ts";
import { parseOptions } from "../../src/write/parse-options.ts";
import type { ObjectEdit } from "../../src/write/object-edit.ts";

const input = `# A stream.
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app # the name
spec:
  tags:
    - name: latest
      from: {kind: DockerImage, name: "quay.io/org/app:latest"}
status:
  tags:
    - tag: latest
      items:
        - created: "2026-05-01T10:00:00Z"
          dockerImageReference: quay.io/org/app@sha256:abc
          image: sha256:abc
          generation: 1
# The end.
`;

const text = fc.string({ unit: "binary", maxLength: 12 });
const settings = { numRuns: 300 };

interface Stream {
  metadata: { annotations: Record<string, string> };
  spec: { tags: { name: string }[] };
  status: { tags: { tag: string }[] };
}

function read(yaml: string): Stream {
  const [document, ...rest] = parseAllDocuments(yaml, parseOptions);
  assert.equal(rest.length, 0);
  assert.ok(document !== undefined && !("empty" in document));
  assert.deepEqual(document.errors, []);
  return document.toJS() as Stream;
}

function apply(yaml: string, ...edits: ObjectEdit[]): string {
  return editFile(yaml, [{ document: 0, pointer: "", edits }]);
}

describe("editFile properties", () => {
  it("writes any annotation key and value so that they read back", () => {
    fc.assert(
      fc.property(
        text.filter((k) => k !== ""),
        text,
        (key, value) => {
          const output = apply(input, { kind: "setAnnotation", key, value });
          assert.equal(read(output).metadata.annotations[key], value);
        },
      ),
      settings,
    );
  });

  it("sets an annotation twice as it sets it once", () => {
    fc.assert(
      fc.property(
        text.filter((k) => k !== ""),
        text,
        (key, value) => {
          const set: ObjectEdit = { kind: "setTagAnnotation", tag: "latest", key, value };
          const once = apply(input, set);
          assert.equal(apply(once, set), once);
        },
      ),
      settings,
    );
  });

  it("writes any tag name so that it reads back, in spec and status", () => {
    fc.assert(
      fc.property(
        text.filter((t) => t !== "latest"),
        (tag) => {
          const item = {
            created: "2026-06-01T10:00:00Z",
            dockerImageReference: "quay.io/org/app@sha256:def",
            image: "sha256:def",
            generation: 1,
          };
          const output = apply(
            input,
            { kind: "addSpecTag", tag: { name: tag, from: { kind: "DockerImage", name: tag } } },
            { kind: "prependStatusItem", tag, item, keep: 0 },
          );
          const stream = read(output);
          assert.equal(stream.spec.tags.at(-1)?.name, tag);
          assert.ok(stream.status.tags.some((entry) => entry.tag === tag));
        },
      ),
      settings,
    );
  });

  it("gives back the original bytes when a spec tag is added and removed", () => {
    fc.assert(
      fc.property(
        text.filter((t) => t !== "latest"),
        (tag) => {
          const added = apply(input, { kind: "addSpecTag", tag: { name: tag } });
          assert.equal(apply(added, { kind: "removeSpecTag", tag }), input);
        },
      ),
      settings,
    );
  });
});
