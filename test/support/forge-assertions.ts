/**
 * Assertions the forge tests share: a call that must reject with a
 * ForgeError, and an error that must not hold the token anywhere.
 */
import assert from "node:assert/strict";
import { ForgeError } from "../../src/publish/forge/forge.ts";

/** The ForgeError `promise` rejects with; fails the test when it resolves or rejects otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<ForgeError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ForgeError, `expected a ForgeError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a rejection");
}

/** Fails when `token` is in the error's message, URL, stack or fields. */
export function assertNoToken(err: ForgeError, token: string): void {
  for (const text of [err.message, err.url, String(err.stack), JSON.stringify(err)]) {
    assert.ok(!text.includes(token), `token leaked: ${text}`);
  }
}

/** A sleep that records each wait and returns at once. */
export function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  };
}
