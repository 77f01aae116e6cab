/**
 * humanDuration against k8s.io/apimachinery/pkg/util/duration.HumanDuration:
 * every boundary of its table, on both sides, and Go's truncation.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { humanDuration } from "../../src/reconcile/human-duration.ts";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe("humanDuration", () => {
  const cases: readonly (readonly [number, string])[] = [
    // A clock slightly ahead of the item is tolerated; far ahead is invalid.
    [-2 * s, "<invalid>"],
    [-1999, "0s"],
    [-1 * s, "0s"],
    [-1, "0s"],
    [0, "0s"],
    [999, "0s"],
    [45 * s, "45s"],
    [2 * m - 1, "119s"],
    [2 * m, "2m"],
    [2 * m + 5 * s, "2m5s"],
    [10 * m - 1, "9m59s"],
    [10 * m, "10m"],
    [3 * h - 1, "179m"],
    [3 * h, "3h"],
    [3 * h + 30 * m, "3h30m"],
    [8 * h - 1, "7h59m"],
    [8 * h, "8h"],
    [47 * h + 59 * m, "47h"],
    [2 * d, "2d"],
    [2 * d + 13 * h + 5 * m, "2d13h"],
    [8 * d - 1, "7d23h"],
    [8 * d, "8d"],
    [49 * d + 23 * h, "49d"],
    [2 * y - 1, "729d"],
    [2 * y, "2y"],
    [2 * y + 40 * d, "2y40d"],
    [8 * y - 1, "7y364d"],
    [8 * y, "8y"],
    [30 * y + 200 * d, "30y"],
  ];
  for (const [ms, want] of cases) {
    it(`prints ${String(ms)} ms as ${want}`, () => {
      assert.equal(humanDuration(ms), want);
    });
  }
});
