/**
 * The pull request body of a proposal, in GitHub-flavoured Markdown that
 * GitLab and Gitea render as well: a summary sentence, a table per stream
 * saying what moved and what is inside the new image, mirrors, workload
 * patches, failures, held-back decisions, the diffs, a footer and the hidden
 * marker, last. Pure.
 *
 * It fits the forge's limit by shrinking in a fixed order: later files'
 * diffs go first, then the full digests, then collapsed rows lose their
 * detail columns, then table rows and list items go (counted where they
 * were). The summary, the footer and the marker always
 * stay.
 */
import { InternalError } from "../errors.ts";
import { renderMarker } from "./marker.ts";
import {
  renderFailures,
  renderFooter,
  renderMirrors,
  renderSkips,
  renderSummary,
  renderTriggers,
} from "./pr-body-sections.ts";
import { diffFiles, renderDiffs, type FileDiff } from "./pr-file-diffs.ts";
import type { Layout } from "./pr-layout.ts";
import { renderStreams } from "./pr-stream-tables.ts";
import { countProposal, groupByStream } from "./proposal-counts.ts";
import type { Proposal } from "./proposal.ts";

/** How a body is rendered. */
export interface PullRequestBodyOptions {
  /** The longest body the forge takes, in UTF-16 code units ({@link Forge.maxBodyLength}; GitHub: 65,536). */
  readonly maxLength: number;
  /** Rows of a table in view before the rest are collapsed; 20 unless given. */
  readonly visibleRows?: number;
}

const separator = "\n\n";

function join(blocks: readonly string[]): string {
  return blocks.filter((b) => b !== "").join(separator);
}

/** The sections between the summary and the footer, as `layout` lets them be. */
function renderMiddle(proposal: Proposal, diffs: readonly FileDiff[], layout: Layout): string {
  return join([
    renderStreams(groupByStream(proposal.tags), layout),
    renderMirrors(proposal.mirrors, layout),
    renderTriggers(proposal.triggers, layout),
    renderFailures(proposal.failures, layout),
    renderSkips(proposal.skips, layout),
    renderDiffs(diffs, layout.diffFiles, proposal),
  ]);
}

/** The largest n in [low, high] for which `fits(n)` holds (assumed monotone), or undefined. */
function largestFitting(
  low: number,
  high: number,
  fits: (n: number) => boolean,
): number | undefined {
  if (!fits(low)) return undefined;
  let [lo, hi] = [low, high];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The middle sections at the richest layout that fits in `budget` characters. */
function fitMiddle(
  proposal: Proposal,
  diffs: readonly FileDiff[],
  visibleRows: number,
  budget: number,
): string {
  const { tags, triggers, mirrors, skips, failures } = proposal;
  const rows = Math.max(...[tags, triggers, mirrors, skips, failures].map((l) => l.length));
  const full: Layout = {
    visibleRows,
    rowCap: rows,
    diffFiles: diffs.length,
    digests: true,
    compact: false,
  };
  const render = (layout: Layout): string => renderMiddle(proposal, diffs, layout);
  const fits = (layout: Layout): boolean => render(layout).length <= budget;
  const shownDiffs = largestFitting(0, diffs.length, (n) => fits({ ...full, diffFiles: n }));
  if (shownDiffs !== undefined) return render({ ...full, diffFiles: shownDiffs });
  const noDigests: Layout = { ...full, diffFiles: 0, digests: false };
  if (fits(noDigests)) return render(noDigests);
  const lean: Layout = { ...noDigests, compact: true };
  const shownRows = largestFitting(0, rows, (n) => fits({ ...lean, rowCap: n }));
  if (shownRows !== undefined) return render({ ...lean, rowCap: shownRows });
  const note = "Details omitted to fit the size limit: run the command below to see the plan.";
  return note.length <= budget ? note : "";
}

/**
 * Renders the body of the pull request proposing `proposal`, at most
 * `options.maxLength` UTF-16 code units long, ending with the marker
 * ({@link renderMarker}). When even the summary and footer do not fit, the
 * text before the marker is cut; the marker always stays whole.
 *
 * @throws InternalError (`INTERNAL`) when `maxLength` cannot hold the marker, or the fingerprint is not hex.
 */
export function renderPullRequestBody(proposal: Proposal, options: PullRequestBodyOptions): string {
  const marker = renderMarker(proposal.fingerprint);
  const summary = renderSummary(countProposal(proposal));
  const footer = renderFooter(proposal);
  const fixed = `${join([summary, footer, marker])}\n`.length;
  if (fixed > options.maxLength)
    return cutToFit(join([summary, footer]), marker, options.maxLength);
  const budget = options.maxLength - fixed - separator.length;
  const middle = fitMiddle(proposal, diffFiles(proposal.files), options.visibleRows ?? 20, budget);
  return `${join([summary, middle, footer, marker])}\n`;
}

/** `text` cut with an ellipsis so that it, the marker and the final newline fit in `maxLength`. */
function cutToFit(text: string, marker: string, maxLength: number): string {
  const room = maxLength - marker.length - separator.length - 2;
  if (room < 0) {
    throw new InternalError(`a body of at most ${maxLength} characters cannot hold the marker`);
  }
  return `${text.slice(0, room)}…${separator}${marker}\n`;
}
