/**
 * Shared digests from the seeds and an assertion on ReferenceParseError
 * reasons, for the table-driven tests in this folder.
 */
import assert from "node:assert/strict";
import { ReferenceParseError, type ReferenceParseReason } from "../../src/reference/index.ts";

/** Digest of `centos/ruby-22-centos7` in the ARO 3.11 seed. */
export const RUBY_22 = "sha256:3a335d7d8a452970c5b4054ad7118ff134b3a6b50a2bb6d0c07c746e8986b28e";

/** Digest of `docker.io/openshift/ruby-20-centos7` in the ARO 3.11 seed. */
export const RUBY_20 = "sha256:772c5bf9b2d1e8e80742ed75aab05820419dc4532fa6d7ad8a1efddda5493dc3";

/** Digest used by distribution/reference's tests. */
export const FFFF = `sha256:${"f".repeat(64)}`;

/** Scenario digests D1 and D2 (SEMANTICS.md §12). */
export const D1 = `sha256:${"1".repeat(64)}`;
export const D2 = `sha256:${"2".repeat(64)}`;

/** A case whose call must fail. */
export interface FailCase {
  readonly name: string;
  readonly input: string;
  readonly wantReason: ReferenceParseReason;
  /** Expected 0-based offset of the offending character, when it matters. */
  readonly wantIndex?: number;
}

/** Asserts that `run` throws a ReferenceParseError with `wantReason` (and `wantIndex`). */
export function assertFails(
  run: () => unknown,
  c: Pick<FailCase, "wantReason" | "wantIndex">,
): void {
  assert.throws(run, (err: unknown) => {
    assertProblem(err, c);
    return true;
  });
}

/** Asserts that `err` is a ReferenceParseError with `wantReason` (and `wantIndex`). */
export function assertProblem(err: unknown, c: Pick<FailCase, "wantReason" | "wantIndex">): void {
  assert.ok(
    err instanceof ReferenceParseError,
    `expected a ReferenceParseError, got ${String(err)}`,
  );
  assert.equal(err.code, "REFERENCE_INVALID");
  assert.equal(err.reason, c.wantReason, err.message);
  if (c.wantIndex !== undefined) assert.equal(err.index, c.wantIndex, err.message);
}
