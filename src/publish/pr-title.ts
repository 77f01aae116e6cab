/**
 * The pull request title, which is also the commit subject: what moved, as
 * concretely as fits in 72 characters (git's and forges' subject width).
 * Deterministic for a proposal; no trailing period. Pure.
 */
import { plural } from "./markdown.ts";
import { shortDigest } from "./image-facts.ts";
import { countProposal, groupByStream, tagName } from "./proposal-counts.ts";
import type { Proposal, TagChange, TriggerPatch } from "./proposal.ts";

/** The subject width git tooling and forges show without cutting. */
export const titleWidth = 72;

/** The first candidate that fits, else the last one cut to fit with an ellipsis. */
function firstFitting(candidates: readonly string[]): string {
  const fitting = candidates.find((c) => c.length <= titleWidth);
  if (fitting !== undefined) return fitting;
  const last = candidates.at(-1) ?? "";
  return `${last.slice(0, titleWidth - 1).trimEnd()}…`;
}

function oneTagTitle(tag: TagChange): string {
  const name = tagName(tag);
  const to =
    tag.newImage === undefined ? tag.newPullSpec : `sha256:${shortDigest(tag.newImage, 8)}`;
  return firstFitting([`Update ${name} to ${to}`, `Update ${name}`]);
}

function triggersTitle(triggers: readonly TriggerPatch[], workloads: number): string {
  const general =
    workloads === 1
      ? "Point 1 workload at its image stream tag"
      : `Point ${plural(workloads, "workload")} at their image stream tags`;
  const sources = new Set(triggers.map((t) => t.source));
  const first = triggers[0];
  if (workloads !== 1 || sources.size !== 1 || first === undefined) return general;
  return firstFitting([`Point ${first.workload} at ${first.source}`, general]);
}

/**
 * Renders the title of a proposal's pull request: one tag names it and its
 * new digest (`Update demo/ruby:3.3 to sha256:22aa1c60`), one stream counts
 * its tags (`Update demo/ruby: 3 tags`), several count both; without tag
 * changes it names the workloads pointed at their tags, else the mirrors.
 * At most 72 characters, cut with an ellipsis only when no wording fits.
 */
export function renderTitle(proposal: Proposal): string {
  const counts = countProposal(proposal);
  const general = `Update ${plural(counts.tags, "image stream tag")} in ${plural(counts.streams, "stream")}`;
  const [first] = proposal.tags;
  if (counts.tags === 1 && first !== undefined) return oneTagTitle(first);
  if (counts.streams === 1) {
    const stream = groupByStream(proposal.tags)[0]?.name ?? "";
    return firstFitting([`Update ${stream}: ${plural(counts.tags, "tag")}`, general]);
  }
  if (counts.tags > 0) return firstFitting([general]);
  if (counts.workloads > 0) return triggersTitle(proposal.triggers, counts.workloads);
  if (counts.mirrors > 0) return `Mirror ${plural(counts.mirrors, "image")}`;
  return "Update image streams";
}
