/**
 * A plan's trigger decisions for people: one row per container a trigger
 * names (file, workload, container, action, old and new image, reason),
 * the warnings, and a summary line. Pure.
 */
import type { Plan, TriggerAction, TargetPlan, TriggerPlan, WorkloadPlan } from "../model/plan.ts";
import { alignColumns } from "./columns.ts";

/** `quay.io/a/b@sha256:3fad34e6a244…` → `quay.io/a/b@3fad34e6a244`; other images as they are. */
export function shortImage(image: string | undefined): string {
  if (image === undefined || image === "") return "-";
  // A block scalar's line break would break the table's row.
  if (/\p{Cc}/u.test(image)) return JSON.stringify(image);
  const match = /^(.*)@[A-Za-z0-9_+.-]+:([0-9a-f]{12})[0-9a-f]*$/.exec(image);
  return match === null ? image : `${match[1] ?? ""}@${match[2] ?? ""}`;
}

/** The trigger table, its warnings and summary line; "" when no workload has triggers. */
export function renderTriggers(plan: Plan): string {
  if (plan.workloads.length === 0) return "";
  const rows = plan.workloads.flatMap((w) =>
    w.triggers.flatMap((t) => [
      ...t.targets.map((target) => row(w, t, target)),
      ...(t.lastTriggeredImage === undefined ? [] : [lastTriggeredRow(w, t, t.lastTriggeredImage)]),
    ]),
  );
  const header = ["FILE", "WORKLOAD", "CONTAINER", "ACTION", "OLD", "NEW", "REASON"];
  const warnings = plan.workloads.flatMap((w) =>
    w.triggers.flatMap((t) =>
      t.targets.flatMap((target) =>
        target.warning === undefined
          ? []
          : [
              `warning: ${w.file}: ${w.kind}/${w.name} container ${target.container}: ${target.warning}`,
            ],
      ),
    ),
  );
  return [...alignColumns([header, ...rows]), ...warnings, "", renderTriggerSummary(plan), ""].join(
    "\n",
  );
}

function row(workload: WorkloadPlan, trigger: TriggerPlan, target: TargetPlan): string[] {
  const changes = trigger.action === "patch" && target.next !== undefined;
  return [
    `${workload.file}:${String(workload.line)}`,
    `${workload.kind}/${workload.name}`,
    target.container,
    changes || trigger.action !== "patch" ? trigger.action : "unchanged",
    shortImage(target.current),
    changes ? shortImage(target.next) : "-",
    `${trigger.source}: ${trigger.reason}`,
  ];
}

/** DC1: a DeploymentConfig trigger's own record of what it last wrote. */
function lastTriggeredRow(
  workload: WorkloadPlan,
  trigger: TriggerPlan,
  last: NonNullable<TriggerPlan["lastTriggeredImage"]>,
): string[] {
  return [
    `${workload.file}:${String(workload.line)}`,
    `${workload.kind}/${workload.name}`,
    "(lastTriggeredImage)",
    trigger.action,
    shortImage(last.current),
    shortImage(last.next),
    `${trigger.source}: ${trigger.reason}`,
  ];
}

const summaryWords: readonly [TriggerAction, string][] = [
  ["patch", "to patch"],
  ["skip", "waiting"],
  ["paused", "paused"],
  ["unchanged", "unchanged"],
];

/** `Triggers: 2 to patch, 1 paused, 3 unchanged.` */
export function renderTriggerSummary(plan: Plan): string {
  const parts = summaryWords
    .filter(([action]) => plan.triggerSummary[action] > 0)
    .map(([action, words]) => `${String(plan.triggerSummary[action])} ${words}`);
  return `Triggers: ${parts.length === 0 ? "none" : parts.join(", ")}.`;
}
