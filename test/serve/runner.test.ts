/** The no-overlap runner with a fake reconcile: skipped ticks, counted outcomes, a graceful stop. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ReconcilerError, UsageError } from "../../src/errors.ts";
import { emptyMetrics } from "../../src/serve/metrics.ts";
import { createRunner } from "../../src/serve/runner.ts";
import { controlledReconcile, memoryLog } from "./fakes.ts";

const at = (second: number): Date => new Date(Date.UTC(2026, 6, 1, 10, 0, second));
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup() {
  const { reconcileOnce, runs } = controlledReconcile();
  const logged = memoryLog(() => at(30));
  const metrics = emptyMetrics();
  const runner = createRunner(reconcileOnce, { log: logged.log, metrics, now: () => at(30) });
  return { runs, logged, metrics, runner };
}

describe("createRunner", () => {
  it("skips and logs ticks that come during a run, then runs at the next tick after it", async () => {
    const { runs, logged, metrics, runner } = setup();
    runner.tick(at(1));
    runner.tick(at(2));
    runner.tick(at(3));
    assert.equal(runs.length, 1, "one run at a time");
    assert.equal(metrics.runInProgress, true);
    assert.equal(metrics.skippedTicks, 2);
    const skipped = logged.lines.filter((l) => l.msg === "tick skipped: a run is in progress");
    assert.deepEqual(
      skipped.map((l) => [l.level, l.scheduled, l.running]),
      [
        ["warn", at(2).toISOString(), 1],
        ["warn", at(3).toISOString(), 1],
      ],
    );
    runs[0]?.finish({ changesProposed: 1, registryRequests: 7 });
    await settle();
    assert.equal(metrics.runInProgress, false);
    runner.tick(at(4));
    assert.equal(runs.length, 2, "the next tick after the run starts one");
    runs[1]?.finish({ registryRequests: 3 });
    await settle();
    assert.deepEqual(
      { ...metrics, lastSuccessMs: metrics.lastSuccessMs > 0 },
      {
        runs: 2,
        failures: 0,
        changesProposed: 1,
        registryRequests: 10,
        skippedTicks: 2,
        lastSuccessMs: true,
        lastRunMs: 0,
        runInProgress: false,
      },
    );
    const finished = logged.lines.filter((l) => l.msg === "run finished");
    assert.deepEqual(
      finished.map((l) => [l.run, l.exitCode, l.changesProposed, l.registryRequests]),
      [
        [1, 0, 1, 7],
        [2, 0, 0, 3],
      ],
    );
  });

  it("counts a non-zero exit and a thrown error as failures, with their exit codes", async () => {
    const { runs, logged, metrics, runner } = setup();
    const first = runner.runNow(at(1));
    runs[0]?.finish({ exitCode: 1 });
    assert.equal(await first, 1);
    const second = runner.runNow(at(2));
    runs[1]?.fail(new UsageError("--shard must be I/N"));
    assert.equal(await second, 2);
    const third = runner.runNow(at(3));
    runs[2]?.fail(new ReconcilerError("GIT", "git push refused"));
    assert.equal(await third, 1);
    assert.equal(metrics.runs, 3);
    assert.equal(metrics.failures, 3);
    assert.equal(metrics.lastSuccessMs, 0, "no success yet");
    const failed = logged.lines.filter((l) => l.msg === "run failed");
    assert.deepEqual(
      failed.map((l) => [l.level, l.code, l.error, l.exitCode]),
      [
        ["error", "USAGE", "--shard must be I/N", 2],
        ["error", "GIT", "git push refused", 1],
      ],
    );
  });

  it("stop aborts the run's signal, waits for the run, and starts no more", async () => {
    const { runs, metrics, runner } = setup();
    runner.tick(at(1));
    let stopped = false;
    const stopping = runner.stop("SIGTERM").then(() => (stopped = true));
    const run = runs[0];
    assert.ok(run);
    assert.equal(run.signal.aborted, true);
    assert.equal(run.signal.reason, "SIGTERM");
    await settle();
    assert.equal(stopped, false, "waits for the run in progress");
    runner.tick(at(2));
    assert.equal(runs.length, 1, "no run after stop");
    assert.equal(metrics.skippedTicks, 0, "a tick while stopping is not a skipped tick");
    run.finish({ stopped: true });
    await stopping;
    assert.equal(metrics.runs, 1);
    assert.equal(metrics.failures, 0);
    assert.equal(metrics.lastSuccessMs, 0, "a stopped run is not a success");
  });
});
