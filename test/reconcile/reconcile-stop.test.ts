/**
 * A run asked to stop (serve's first SIGTERM) ends between two steps: what
 * was done stays done, nothing after the step is started, and the outcome
 * says it stopped. Run on the offline demo repository (OCI layouts, a bare
 * remote), the signal aborted from inside the run through its log.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { createDemoRepository, type DemoRepository } from "../../src/cli/demo-repository.ts";
import { reconcileRepository } from "../../src/reconcile/reconcile-repository.ts";
import { silentLog, type RunLog } from "../../src/reconcile/run-log.ts";
import { branchTip } from "../support/git-repos.ts";
import { projectRoot } from "../support/temp-repo.ts";

async function demo(t: TestContext): Promise<DemoRepository> {
  const root = await mkdtemp(path.join(tmpdir(), "isg-stop-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  return createDemoRepository(path.join(projectRoot, "examples"), root, {});
}

async function runStopping(d: DemoRepository, log: (stop: () => void) => Partial<RunLog>) {
  const controller = new AbortController();
  const outcome = await reconcileRepository(
    { repo: d.repo, forge: "local", config: d.config },
    {
      env: d.gitEnv,
      now: () => new Date("2026-12-01T00:00:00Z"),
      log: {
        ...silentLog,
        ...log(() => {
          controller.abort();
        }),
      },
      signal: controller.signal,
    },
  );
  return { outcome, tip: await branchTip(d.remote, "imagestream-gitops/update", d.gitEnv) };
}

describe("reconcileRepository with a stop signal", () => {
  it("a stop during loading ends the run after planning: no copy, no write, no push", async (t) => {
    const d = await demo(t);
    const { outcome, tip } = await runStopping(d, (stop) => ({ diagnostics: stop }));
    assert.equal(outcome.stopped, true);
    assert.deepEqual(outcome.publish, []);
    assert.deepEqual(Object.keys(outcome.timings), ["load", "plan"]);
    assert.ok(outcome.plan.summary.import > 0, "the plan is reported");
    assert.equal(tip, undefined, "nothing pushed");
  });

  it("a stop while the images' details are read publishes nothing", async (t) => {
    const d = await demo(t);
    // The examples' old digests are not in the layouts: reading their details warns.
    const { outcome, tip } = await runStopping(d, (stop) => ({ warn: stop }));
    assert.equal(outcome.stopped, true);
    assert.deepEqual(outcome.publish, []);
    assert.deepEqual(Object.keys(outcome.timings), ["load", "plan", "mirror", "facts"]);
    assert.equal(tip, undefined, "nothing pushed");
  });

  it("without a stop the same run publishes its branch", async (t) => {
    const d = await demo(t);
    const { outcome, tip } = await runStopping(d, () => ({}));
    assert.equal(outcome.stopped, false);
    assert.equal(outcome.publish.length, 1);
    assert.ok(tip !== undefined);
  });
});
