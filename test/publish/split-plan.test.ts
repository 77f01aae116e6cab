/**
 * One branch per stream: the names of stream branches, and which remote
 * branches a cleanup may treat as stale stream branches.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isStreamBranch, streamBranch } from "../../src/publish/split-plan.ts";

const branch = "imagestream-gitops/update";

describe("stream branches", () => {
  it("are <branch>-<namespace>/<name>, never a directory of <branch>'s own ref", () => {
    assert.equal(streamBranch(branch, "shared", "postgresql"), `${branch}-shared/postgresql`);
    assert.ok(!streamBranch(branch, "a", "b").startsWith(`${branch}/`));
  });

  const cases: readonly [string, boolean][] = [
    [`${branch}-shared/postgresql`, true],
    [`${branch}-demo/ruby.ex`, true],
    [`${branch}-staging`, false],
    [`${branch}-notes/x/y`, false],
    [`${branch}-Shared/postgresql`, false],
    [`${branch}-shared/`, false],
    [`${branch}/shared/postgresql`, false],
    ["other/update-shared/postgresql", false],
  ];
  for (const [candidate, want] of cases) {
    it(`${candidate}: ${want ? "a stream branch" : "not one"}`, () => {
      assert.equal(isStreamBranch(branch, candidate), want);
    });
  }
});
