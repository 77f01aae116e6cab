/**
 * Exit codes (DESIGN.md) and how a plan maps to one. Every entry point
 * reports a run's outcome with these: the CLI as its exit status, the
 * scheduled runner in its failure counter, the Action in its step result.
 */
import type { Plan } from "../model/plan.ts";
import { planHasChanges } from "../model/plan.ts";

/** 0 done, 1 failure while working, 2 bad input or usage, 3 changes pending (`plan --detailed-exitcode`). */
export const exitCodes = { ok: 0, failure: 1, invalid: 2, changesPending: 3 } as const;

/**
 * 2 invalid input; 1 a failed import, or a local registry that could not be
 * asked whether it holds a trigger's image (a wrong credential would
 * otherwise hold every Local trigger unnoticed); 3 pending changes (when
 * asked); else 0.
 */
export function planExitCode(plan: Plan, invalid: boolean, detailed: boolean): number {
  if (invalid) return exitCodes.invalid;
  if (
    plan.summary.fail > 0 ||
    plan.streams.some((s) => s.repositoryImport?.failure !== undefined) ||
    plan.workloads.some((w) => w.triggers.some((t) => t.rule === "mirror-unchecked")) ||
    plan.mirrors.some((m) => m.action === "failed" || m.action === "unchecked")
  )
    return exitCodes.failure;
  return detailed && planHasChanges(plan) ? exitCodes.changesPending : exitCodes.ok;
}
