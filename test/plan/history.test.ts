/** How an event enters a tag's history (SEMANTICS H3-H7, G10). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { historyChange, nextHead, reimportChange } from "../../src/plan/history.ts";

const head = {
  created: "2026-01-01T00:00:00Z",
  dockerImageReference: "q.io/a@sha256:1",
  image: "sha256:1",
  generation: 2,
};

describe("history", () => {
  it("H3: the first event is prepended", () => {
    assert.equal(historyChange(undefined, head), "prepend");
  });
  it("H4: the same reference, image and generation change nothing", () => {
    assert.equal(historyChange(head, { ...head }), "none");
  });
  it("H5/H6: the same reference or image replaces the head in place, keeping its created time", () => {
    const regenerated = { ...head, generation: 3, created: "2026-02-01T00:00:00Z" };
    assert.equal(historyChange(head, regenerated), "replace-head");
    assert.deepEqual(nextHead(head, regenerated, "replace-head"), {
      ...regenerated,
      created: head.created,
    });
    assert.equal(
      historyChange(head, { ...head, dockerImageReference: "mirror.io/a@sha256:1" }),
      "replace-head",
    );
  });
  it("H7: a new image is prepended", () => {
    assert.equal(
      historyChange(head, { ...head, dockerImageReference: "q.io/a@sha256:2", image: "sha256:2" }),
      "prepend",
    );
  });
  it("G10: a re-import of the same image changes nothing, whatever its generation", () => {
    assert.equal(reimportChange(head, { ...head, generation: 9 }), "none");
    assert.equal(
      reimportChange(head, { ...head, dockerImageReference: "q.io/a@sha256:2", image: "sha256:2" }),
      "prepend",
    );
  });
});
