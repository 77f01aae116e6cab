/**
 * The part of `apply` that `reconcile` shares: plan, copy what the plan
 * needs mirrored (unless a dry run), plan again from the copies, and compute
 * every file's new text. Nothing is written here.
 */
import { planEdits } from "../write/plan-edits.ts";
import type { Plan } from "../model/plan.ts";
import { reconcile, type PlanRequest, type Reconciled } from "./plan-run.ts";
import type { RunLog } from "./run-log.ts";
import { stageTimer, type StageTimer } from "./stage-timer.ts";
import { fileChanges, type FileChange } from "./write-files.ts";
import { copyPlannedMirrors, prefixKeys } from "./apply-mirrors.ts";

/** A run's plan after its copies, and the file changes it makes. */
export interface AppliedRun {
  readonly reconciled: Reconciled;
  readonly plan: Plan;
  readonly registries: Record<string, unknown>;
  readonly changes: readonly FileChange[];
  /** The run was asked to stop after planning: nothing was copied and no change is computed. */
  readonly stopped: boolean;
}

/** How a run is timed and stopped. */
export interface RunControl {
  readonly timer?: StageTimer;
  /** Looked at after planning: a stop then copies nothing. */
  readonly signal?: AbortSignal;
}

/**
 * Plans the repository at `values.repo`, makes the copies the plan asks
 * for (not on a dry run: nothing anywhere changes then), and computes the
 * file changes of the plan that results.
 */
export async function applyRun(
  values: PlanRequest,
  log: RunLog,
  env: Readonly<Record<string, string | undefined>>,
  now: () => Date,
  dryRun: boolean,
  control: RunControl = {},
): Promise<AppliedRun> {
  const timer = control.timer ?? stageTimer();
  const reconciled = await reconcile(values, log, env, now, timer);
  const { loaded } = reconciled;
  let { plan, registries } = reconciled;
  if (control.signal?.aborted === true) {
    return { reconciled, plan, registries, changes: [], stopped: true };
  }
  if (!dryRun && plan.mirrors.some((m) => m.action === "copy")) {
    // Mirror first: only images now at the destination may be pointed at.
    const run = await timer.time("mirror", () =>
      copyPlannedMirrors(plan.mirrors, loaded, values, log, env),
    );
    plan = { ...reconciled.replan(run.copied), mirrors: run.mirrors };
    registries = { ...registries, ...prefixKeys("mirror ", run.registries) };
  }
  const changes = fileChanges(loaded.model.files, planEdits(plan, loaded.model.config.history));
  return { reconciled, plan, registries, changes, stopped: false };
}
