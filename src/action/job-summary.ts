/**
 * The job summary of a `plan` or `reconcile` step: the plan's summary line,
 * then what changes as Markdown tables (tags, trigger patches, mirror
 * copies), then the pull requests. Unchanged tags are counted, not listed,
 * so a large repository's summary stays readable and under GitHub's 1 MiB
 * limit. Pure.
 */
import { renderSummaryLine } from "../model/plan-summary-line.ts";
import type { MirrorPlan, Plan, TagPlan } from "../model/plan.ts";
import { shortDigest, shortPullSpec } from "../publish/image-facts.ts";
import { codeSpan, escapeText, formatCount, plural, table } from "../publish/markdown.ts";
import type { PublishResult } from "../publish/publish.ts";

/** Rows shown per table; the rest are counted. */
export const summaryRowLimit = 200;

/** What the summary is of. */
export interface SummaryInput {
  readonly command: "plan" | "reconcile";
  readonly plan: Plan;
  readonly dryRun: boolean;
  /** reconcile: one result per branch. */
  readonly publish?: readonly PublishResult[];
}

/** The job summary's Markdown. */
export function renderJobSummary(input: SummaryInput): string {
  const { plan } = input;
  const title = `## imagestream-gitops ${input.command}${input.dryRun ? " (dry run)" : ""}`;
  const sections = [
    title,
    `**${escapeText(renderSummaryLine(plan))}**`,
    tagSection(plan),
    triggerSection(plan),
    mirrorSection(plan.mirrors),
    publishSection(input.publish ?? [], input.dryRun),
  ];
  return sections.filter((s) => s !== "").join("\n\n") + "\n";
}

function tagSection(plan: Plan): string {
  const moving = plan.streams.flatMap((s) =>
    s.tags
      .filter((t) => t.action !== "unchanged" && t.action !== "status-only")
      .map((t) => ({ stream: `${s.namespace}/${s.name}`, tag: t })),
  );
  if (moving.length === 0) return "";
  const rows = moving
    .slice(0, summaryRowLimit)
    .map(({ stream, tag }) => [
      escapeText(stream),
      codeSpan(tag.tag),
      tag.action,
      imageCell(tag.current),
      tag.history === "none" && tag.action !== "skip" ? "—" : imageCell(tag.next),
      escapeText(tag.reason),
    ]);
  return withMore(
    `### Tags\n\n${table(["Stream", "Tag", "Action", "Old", "New", "Reason"], rows)}`,
    moving.length,
  );
}

function triggerSection(plan: Plan): string {
  const patches = plan.workloads.flatMap((w) =>
    w.triggers
      .filter((t) => t.action === "patch")
      .flatMap((t) =>
        t.targets
          .filter((target) => target.next !== undefined)
          .map((target) => [
            escapeText(w.file),
            escapeText(`${w.kind}/${w.name}`),
            codeSpan(target.container),
            codeSpan(shortPullSpec(target.next ?? "")),
          ]),
      ),
  );
  if (patches.length === 0) return "";
  const header = ["File", "Workload", "Container", "New image"];
  return withMore(
    `### Trigger patches\n\n${table(header, patches.slice(0, summaryRowLimit))}`,
    patches.length,
  );
}

function mirrorSection(mirrors: readonly MirrorPlan[]): string {
  const shown = mirrors.filter((m) => m.action !== "present");
  if (shown.length === 0) return "";
  const rows = shown
    .slice(0, summaryRowLimit)
    .map((m) => [
      codeSpan(shortPullSpec(m.from)),
      codeSpan(shortPullSpec(m.to)),
      m.action,
      escapeText(m.reason),
    ]);
  return withMore(
    `### Mirrors\n\n${table(["From", "To", "Action", "Reason"], rows)}`,
    shown.length,
  );
}

function publishSection(results: readonly PublishResult[], dryRun: boolean): string {
  if (results.length === 0) return "";
  const rows = results.map((r) => [
    codeSpan(r.branch),
    r.pullRequest === undefined
      ? "—"
      : `[#${String(r.pullRequest.number)}](${r.pullRequest.url}) ${r.pullRequest.action}`,
    escapeText(r.title),
    r.pushed ? "pushed" : dryRun ? "dry run: nothing pushed" : "not pushed",
  ]);
  return `### Pull requests\n\n${table(["Branch", "Pull request", "Title", "Branch push"], rows)}`;
}

function imageCell(item: TagPlan["current"]): string {
  if (item === undefined) return "—";
  return codeSpan(item.image === "" ? item.dockerImageReference : shortDigest(item.image));
}

function withMore(section: string, total: number): string {
  if (total <= summaryRowLimit) return section;
  const more = total - summaryRowLimit;
  return `${section}\n\n…and ${plural(more, "more row")} (${formatCount(total)} in all; the plan-json output has every one).`;
}
