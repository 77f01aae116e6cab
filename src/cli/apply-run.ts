/**
 * The part of `apply` that `reconcile` shares: plan, copy what the plan
 * needs mirrored (unless a dry run), plan again from the copies, and compute
 * every file's new text. Nothing is written here.
 */
import { planEdits } from "../write/plan-edits.ts";
import type { Plan } from "../model/plan.ts";
import type { Output } from "./output.ts";
import { reconcile, type Reconciled, type ReconcileValues } from "./reconcile-command.ts";
import { fileChanges, type FileChange } from "./write-files.ts";
import { copyPlannedMirrors, prefixKeys } from "./apply-mirrors.ts";

/** A run's plan after its copies, and the file changes it makes. */
export interface AppliedRun {
  readonly reconciled: Reconciled;
  readonly plan: Plan;
  readonly registries: Record<string, unknown>;
  readonly changes: readonly FileChange[];
}

/**
 * Plans the repository at `values.repo`, makes the copies the plan asks
 * for (not on a dry run: nothing anywhere changes then), and computes the
 * file changes of the plan that results.
 */
export async function applyRun(
  values: ReconcileValues,
  out: Output,
  env: Readonly<Record<string, string | undefined>>,
  now: () => Date,
  dryRun: boolean,
): Promise<AppliedRun> {
  const reconciled = await reconcile(values, out, env, now);
  const { loaded } = reconciled;
  let { plan, registries } = reconciled;
  if (!dryRun && plan.mirrors.some((m) => m.action === "copy")) {
    // Mirror first: only images now at the destination may be pointed at.
    const run = await copyPlannedMirrors(plan.mirrors, loaded, values, out, env);
    plan = { ...reconciled.replan(run.copied), mirrors: run.mirrors };
    registries = { ...registries, ...prefixKeys("mirror ", run.registries) };
  }
  const changes = fileChanges(loaded.model.files, planEdits(plan, loaded.model.config.history));
  return { reconciled, plan, registries, changes };
}
