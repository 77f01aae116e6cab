/**
 * The pull request body's sections other than the tag tables and diffs:
 * the one-sentence summary, mirrors, workload patches, failures, skipped
 * decisions and the footer. Each renders "" when it has nothing to say.
 * Pure.
 */
import { shortPullSpec } from "./image-facts.ts";
import { codeSpan, escapeText, plural } from "./markdown.ts";
import { collapsibleList, collapsibleTable, type Layout } from "./pr-layout.ts";
import type { ProposalCounts } from "./proposal-counts.ts";
import type { MirrorChange, Proposal, Skip, TriggerPatch } from "./proposal.ts";

/** `a`, `a and b`, `a, b, and c`. */
function series(parts: readonly string[]): string {
  if (parts.length <= 2) return parts.join(" and ");
  return `${parts.slice(0, -1).join(", ")}, and ${parts.at(-1) ?? ""}`;
}

/**
 * Renders the summary: `This PR updates 3 tags in 2 image streams, points 2
 * workloads at them, and mirrors 1 image.`, then what failed or is held back.
 */
export function renderSummary(counts: ProposalCounts): string {
  const actions: string[] = [];
  if (counts.tags > 0) {
    actions.push(
      `updates ${plural(counts.tags, "tag")} in ${plural(counts.streams, "image stream")}`,
    );
  }
  if (counts.workloads > 0) {
    const target =
      counts.tags > 0
        ? "them"
        : counts.workloads === 1
          ? "its image stream tag"
          : "their image stream tags";
    actions.push(`points ${plural(counts.workloads, "workload")} at ${target}`);
  }
  if (counts.mirrors > 0) actions.push(`mirrors ${plural(counts.mirrors, "image")}`);
  const sentences = [
    actions.length === 0 ? "This PR records image stream status." : `This PR ${series(actions)}.`,
  ];
  if (counts.failures > 0) {
    const verb = counts.failures === 1 ? "failed and is" : "failed and are";
    sentences.push(
      `${plural(counts.failures, "import or copy", "imports or copies")} ${verb} not part of it (see Failures).`,
    );
  }
  if (counts.skips > 0) {
    const verb = counts.skips === 1 ? "is" : "are";
    sentences.push(`${plural(counts.skips, "update")} ${verb} held back (see Held back).`);
  }
  return sentences.join(" ");
}

function mirrorItem(mirror: MirrorChange): string {
  const reason = mirror.reason === "" ? "" : ` (${escapeText(mirror.reason)})`;
  const route = `${codeSpan(shortPullSpec(mirror.from))} → ${codeSpan(shortPullSpec(mirror.to))}`;
  return `**${escapeText(mirror.action)}** ${codeSpan(mirror.subject)}: ${route}${reason}`;
}

/** Renders the mirrors the run copied or checked, with how each ended. */
export function renderMirrors(mirrors: readonly MirrorChange[], layout: Layout): string {
  if (mirrors.length === 0) return "";
  return `### Mirrors\n\n${collapsibleList(mirrors.map(mirrorItem), layout, { singular: "mirror" })}`;
}

/** `repo@sha256:old` → `@sha256:new` when only the digest moves, else both pull specs. */
function imageChange(oldImage: string | undefined, newImage: string): string {
  const to = shortPullSpec(newImage);
  if (oldImage === undefined) return `none → ${codeSpan(to)}`;
  const from = shortPullSpec(oldImage);
  const [fromRepo, fromDigest] = from.split("@");
  const [toRepo, toDigest] = to.split("@");
  if (fromRepo === toRepo && fromDigest !== undefined && toDigest !== undefined) {
    return `${codeSpan(from)} → ${codeSpan(`@${toDigest}`)}`;
  }
  return `${codeSpan(from)} → ${codeSpan(to)}`;
}

function triggerRow(patch: TriggerPatch): readonly string[] {
  return [
    codeSpan(`${patch.file}:${patch.line}`),
    codeSpan(patch.workload),
    codeSpan(patch.container),
    codeSpan(patch.source),
    imageChange(patch.oldImage, patch.newImage),
  ];
}

/** Renders the table of containers the trigger patches point at new images. */
export function renderTriggers(triggers: readonly TriggerPatch[], layout: Layout): string {
  if (triggers.length === 0) return "";
  const header = ["File", "Workload", "Container", "Follows", "Image"];
  const rows = { header, rows: triggers.map(triggerRow) };
  const shown = Math.min(triggers.length, layout.rowCap);
  const tableText = collapsibleTable(rows, shown, layout, { singular: "container" });
  return `### Workloads\n\n${tableText}`;
}

function skipItem(skip: Skip): string {
  return `${codeSpan(skip.subject)} (${escapeText(skip.rule)}): ${escapeText(skip.reason)}`;
}

/** Renders the decisions that held a change back (minimum age, platforms, paused triggers, waiting mirrors). */
export function renderSkips(skips: readonly Skip[], layout: Layout): string {
  if (skips.length === 0) return "";
  return `### Held back\n\n${collapsibleList(skips.map(skipItem), layout, { singular: "decision" })}`;
}

/** Renders the imports and copies that failed: reported here, not proposed. */
export function renderFailures(failures: readonly Skip[], layout: Layout): string {
  if (failures.length === 0) return "";
  const list = collapsibleList(failures.map(skipItem), layout, { singular: "failure" });
  return `### Failures (not part of this PR)\n\n${list}`;
}

/** Renders the footer: the command that reproduces the plan, and who made the PR. */
export function renderFooter(proposal: Proposal): string {
  return [
    "---",
    `Reproduce locally: ${codeSpan(proposal.reproduce)}`,
    `Generated by imagestream-gitops from ${codeSpan(proposal.branch)} into ${codeSpan(proposal.base)}. ` +
      "Pushing your own commits to this branch stops the tool from force-pushing it.",
  ].join("\n\n");
}
