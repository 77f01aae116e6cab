/**
 * A Plan for people: one table row per tag (stream, tag, action, old, new,
 * reason), the repository imports, and a one-line summary. Pure. The
 * JSON document for machines is model/plan-document.ts.
 */
import type { Plan, TagPlan } from "../model/plan.ts";
import { renderSummaryLine } from "../model/plan-summary-line.ts";
import { renderMirrors } from "./mirror-render.ts";
import { alignColumns } from "./columns.ts";
import { renderTriggers } from "./trigger-render.ts";

/** `sha256:3fad34e6a244…` → `3fad34e6a244`, as docker shows image IDs. */
export function shortDigest(digest: string | undefined): string {
  if (digest === undefined || digest === "") return "-";
  const hex = digest.slice(digest.indexOf(":") + 1);
  return hex.slice(0, 12);
}

/** What a cell shows of an item: its short digest, or a reference's pull spec. */
function imageCell(item: TagPlan["current"]): string {
  if (item === undefined) return "-";
  return item.image === "" ? item.dockerImageReference : shortDigest(item.image);
}

/** The plan as a table and summary line. */
export function renderPlanTable(plan: Plan): string {
  const rows = plan.streams.flatMap((s) =>
    s.tags.map((t) => [
      `${s.namespace}/${s.name}`,
      t.tag,
      t.action,
      imageCell(t.current),
      t.history === "none" ? (t.action === "skip" ? imageCell(t.next) : "-") : imageCell(t.next),
      t.reason,
    ]),
  );
  const header = ["STREAM", "TAG", "ACTION", "OLD", "NEW", "REASON"];
  const lines = rows.length === 0 ? ["no image streams"] : alignColumns([header, ...rows]);
  for (const s of plan.streams) {
    const r = s.repositoryImport;
    if (r === undefined) continue;
    const where = `${s.namespace}/${s.name}: repository ${r.repository}`;
    if (r.failure !== undefined)
      lines.push(`${where}: listing failed: ${r.failure.reason}: ${r.failure.message}`);
    else {
      lines.push(
        `${where}: ${String(r.listed)} tags listed, ${String(r.imported.length)} imported`,
      );
      if (r.additional.length > 0)
        lines.push(
          `  the cap of 50 left out ${String(r.additional.length)} tags, not imported: ${r.additional.join(", ")}`,
        );
    }
  }
  const triggers = renderTriggers(plan);
  const mirrors = renderMirrors(plan);
  return `${lines.join("\n")}\n\n${renderSummaryLine(plan)}\n${mirrors === "" ? "" : `\n${mirrors}`}${triggers === "" ? "" : `\n${triggers}`}`;
}
