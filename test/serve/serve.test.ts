/**
 * serve in-process with a fake reconcile: it logs where it listens, its
 * endpoint reports a run in progress, and the stop request lets that run
 * end before the endpoint closes and serve returns 0.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { parseSchedule } from "../../src/serve/schedule.ts";
import { serve } from "../../src/serve/serve.ts";
import { controlledReconcile, memoryLog } from "./fakes.ts";

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await sleep(10);
  assert.ok(condition(), `timed out waiting for ${what}`);
}

describe("serve", () => {
  it("runs on schedule, reports it on /metrics, and stops after the run in progress", async () => {
    const { reconcileOnce, runs } = controlledReconcile();
    const logged = memoryLog();
    const stop = new AbortController();
    const served = serve(
      {
        schedule: parseSchedule("* * * * * *", "UTC"),
        listen: { host: "127.0.0.1", port: 0 },
        maxRunSeconds: 3600,
      },
      { reconcileOnce, log: logged.log, stop: stop.signal },
    );
    await until(() => logged.lines.some((l) => l.msg === "serving"), "serving");
    const serving = logged.lines.find((l) => l.msg === "serving");
    assert.equal(serving?.schedule, "* * * * * *");
    assert.equal(serving.timeZone, "UTC");
    const base = `http://${String(serving.address)}`;

    await until(() => runs.length === 1, "a run");
    const during = await (await fetch(`${base}/metrics`)).text();
    assert.match(during, /^imagestream_gitops_run_in_progress 1$/m);

    stop.abort("SIGTERM");
    await until(() => logged.lines.some((l) => l.msg === "stopping"), "stopping");
    const run = runs[0];
    assert.ok(run);
    assert.equal(run.signal.aborted, true, "the run is asked to stop");
    const probe = await fetch(`${base}/healthz`);
    assert.equal(probe.status, 503, "the endpoint stays up until the run ends");
    await probe.arrayBuffer();
    run.finish({ stopped: true, registryRequests: 2 });
    assert.equal(await served, 0);
    assert.equal(runs.length, 1, "no run after the stop request");
    assert.deepEqual(
      logged.lines.map((l) => l.msg).filter((m) => m !== "tick skipped: a run is in progress"),
      ["serving", "run started", "stopping", "run finished", "stopped"],
    );
    await assert.rejects(fetch(`${base}/healthz`), "the endpoint is closed");
  });

  it("answers /healthz with 503 when a run has been going for longer than maxRunSeconds", async () => {
    const { reconcileOnce, runs } = controlledReconcile();
    const logged = memoryLog();
    const stop = new AbortController();
    const served = serve(
      {
        schedule: parseSchedule("* * * * * *", "UTC"),
        listen: { host: "127.0.0.1", port: 0 },
        maxRunSeconds: 0,
      },
      { reconcileOnce, log: logged.log, stop: stop.signal },
    );
    await until(() => logged.lines.some((l) => l.msg === "serving"), "serving");
    const base = `http://${String(logged.lines.find((l) => l.msg === "serving")?.address)}`;
    const idle = await fetch(`${base}/healthz`);
    assert.equal(idle.status, 200, "no run: healthy");
    await idle.arrayBuffer();
    await until(() => runs.length === 1, "a run");
    await sleep(20);
    const stuck = await fetch(`${base}/healthz`);
    assert.equal(stuck.status, 503);
    assert.match(
      await stuck.text(),
      /^stuck: run 1 has been going for \d+ s \(--max-run-duration 0\)\n$/,
    );
    stop.abort("SIGTERM");
    runs[0]?.finish({});
    assert.equal(await served, 0);
  });
});
