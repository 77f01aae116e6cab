/**
 * The plan's one-line summary (`Plan: 2 to import, 7 unchanged.`), which the
 * CLI's table, the Action's job summary and the scheduled runner's log
 * share. Pure.
 */
import type { Plan, TagAction } from "./plan.ts";

const summaryWords: readonly [TagAction, string][] = [
  ["import", "to import"],
  ["follow", "to follow"],
  ["resolve", "to resolve"],
  ["reference", "to record as references"],
  ["record", "to record their source"],
  ["skip", "held back"],
  ["fail", "failed"],
  ["status-only", "status-only"],
  ["unchanged", "unchanged"],
];

/** `Plan: 2 to import, 1 to follow, 7 unchanged.` */
export function renderSummaryLine(plan: Plan): string {
  const parts = summaryWords
    .filter(([action]) => plan.summary[action] > 0)
    .map(([action, words]) => `${String(plan.summary[action])} ${words}`);
  return `Plan: ${parts.length === 0 ? "no tags" : parts.join(", ")}.`;
}
