/**
 * The plan as one JSON document for machines (schemas/plan.schema.json):
 * what `plan --json`, `apply --json` and `reconcile --json` print, and the
 * file the GitHub Action's `plan-json` output names. Pure.
 */
import type { Diagnostic } from "./diagnostic.ts";
import type { Plan } from "./plan.ts";

/** The version of the JSON document's shape. */
export const planJsonVersion = 1;

/** The JSON document of a plan (schemas/plan.schema.json). */
export function planDocument(
  plan: Plan,
  diagnostics: readonly Diagnostic[],
  registries: Record<string, unknown>,
): Record<string, unknown> {
  return {
    version: planJsonVersion,
    time: plan.time,
    summary: plan.summary,
    streams: plan.streams,
    triggerSummary: plan.triggerSummary,
    workloads: plan.workloads,
    mirrors: plan.mirrors,
    diagnostics,
    registries,
  };
}
