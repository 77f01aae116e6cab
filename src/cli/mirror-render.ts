/**
 * A plan's image copies for people: one row per destination (stream tag,
 * action, from, to, reason) and a summary line. Pure.
 */
import type { MirrorAction, Plan } from "../model/plan.ts";
import { alignColumns } from "./columns.ts";
import { shortImage } from "./trigger-render.ts";

/** The mirror table and its summary line; "" when no tag needs a copy. */
export function renderMirrors(plan: Plan): string {
  if (plan.mirrors.length === 0) return "";
  const header = ["MIRROR", "ACTION", "FROM", "TO", "REASON"];
  const rows = plan.mirrors.map((m) => [
    `${m.namespace}/${m.stream}:${m.tag}`,
    m.action,
    shortImage(m.from),
    shortImage(m.to) + (m.destinationTag === undefined ? "" : ` (:${m.destinationTag})`),
    m.reason,
  ]);
  return [...alignColumns([header, ...rows]), "", renderMirrorSummary(plan), ""].join("\n");
}

const summaryWords: readonly [MirrorAction, string][] = [
  ["copy", "to copy"],
  ["copied", "copied"],
  ["failed", "failed"],
  ["unchecked", "unchecked"],
  ["pending", "pending"],
  ["present", "present"],
];

/** `Mirrors: 1 to copy, 2 present.` */
export function renderMirrorSummary(plan: Plan): string {
  const parts = summaryWords.flatMap(([action, words]) => {
    const n = plan.mirrors.filter((m) => m.action === action).length;
    return n === 0 ? [] : [`${String(n)} ${words}`];
  });
  return `Mirrors: ${parts.join(", ")}.`;
}
