/**
 * The input suites' hang guard: a run stuck in a synchronous loop fails by
 * name within the bound, and the pool goes on with a fresh worker.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BoundedCli } from "../support/bounded-cli.ts";

const spinning = new URL("./spin-worker.js", import.meta.url);

describe("BoundedCli", () => {
  // The test's own timeout stands for a guard that never fires.
  const timeout = 30_000;
  it(
    "fails a run that never answers, naming it, and keeps serving the others",
    { timeout },
    async () => {
      const cli = new BoundedCli(300, 2, spinning);
      try {
        const [stuck, fine] = await Promise.allSettled([
          cli.run(["spin"], "fixture-42"),
          cli.run(["echo", "a"], "fixture-43"),
        ]);
        assert.equal(stuck.status, "rejected");
        assert.match(String(stuck.reason), /fixture-42: the CLI did not answer within 300 ms/);
        assert.equal(fine.status, "fulfilled");
        assert.equal(fine.value.stdout, "echo a");
        // The stuck worker was replaced: both slots answer again.
        const again = await Promise.all([cli.run(["b"], "b"), cli.run(["c"], "c")]);
        assert.deepEqual(
          again.map((r) => r.stdout),
          ["b", "c"],
        );
      } finally {
        await cli.close();
      }
    },
  );

  it("queues runs beyond the pool's size", { timeout }, async () => {
    const cli = new BoundedCli(5_000, 1, spinning);
    try {
      const results = await Promise.all(["x", "y", "z"].map((w) => cli.run([w], w)));
      assert.deepEqual(
        results.map((r) => r.stdout),
        ["x", "y", "z"],
      );
    } finally {
      await cli.close();
    }
  });
});
