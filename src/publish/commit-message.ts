/**
 * The commit message of a proposal: the title as subject, one line per tag
 * and per trigger patch, and the fingerprint trailer the next run finds its
 * commit by. Everything in it comes from the proposal, which holds no
 * credentials. Pure.
 */
import { shortDigest } from "./image-facts.ts";
import { renderBranchTrailer, renderFingerprintTrailer } from "./marker.ts";
import { tagName } from "./proposal-counts.ts";
import type { Proposal, TagChange, TriggerPatch } from "./proposal.ts";
import { renderTitle } from "./pr-title.ts";

/** Body lines are wrapped at this width, as git's own guidance asks. */
const bodyWidth = 72;
const continuation = "    ";

/**
 * Wraps a line at spaces to {@link bodyWidth}, continuation lines indented;
 * a word longer than the width (a pull spec) gets a line of its own, uncut.
 */
function wrap(line: string): readonly string[] {
  if (line.length <= bodyWidth) return [line];
  const lines: string[] = [];
  let current = "";
  for (const word of line.split(/ +/)) {
    const candidate = current === "" ? word : `${current} ${word}`;
    const prefix = lines.length === 0 ? "" : continuation;
    if (current !== "" && prefix.length + candidate.length > bodyWidth) {
      lines.push(prefix + current);
      current = word;
    } else {
      current = candidate;
    }
  }
  lines.push((lines.length === 0 ? "" : continuation) + current);
  return lines;
}

/** Tag names are padded to a common width (up to this) so the digests line up. */
const nameColumn = 32;

function tagLine(tag: TagChange, width: number): string {
  const to = tag.newImage === undefined ? tag.newPullSpec : shortDigest(tag.newImage);
  const change = tag.oldImage === undefined ? `new ${to}` : `${shortDigest(tag.oldImage)} → ${to}`;
  return `${tagName(tag).padEnd(width)}  ${change}  (${tag.rule})`;
}

function triggerLine(patch: TriggerPatch): string {
  return `${patch.file}: ${patch.workload} ${patch.container} → ${patch.newImage}`;
}

/**
 * Renders the commit message: subject ({@link renderTitle}), a blank line,
 * the tags (`ns/stream:tag  old12 → new12  (rule)`), the trigger patches
 * (`file: Kind/name container → image`), wrapped at 72 columns, then a
 * blank line and the trailers: `Imagestream-Gitops-Branch` and
 * `Imagestream-Gitops-Fingerprint`, last.
 *
 * @throws InternalError (`INTERNAL`) when the fingerprint is not hex.
 */
export function renderCommitMessage(proposal: Proposal): string {
  const width = Math.min(nameColumn, Math.max(0, ...proposal.tags.map((t) => tagName(t).length)));
  const paragraphs = [
    [renderTitle(proposal)],
    proposal.tags.flatMap((tag) => wrap(tagLine(tag, width))),
    proposal.triggers.flatMap((patch) => wrap(triggerLine(patch))),
    [renderBranchTrailer(proposal.branch), renderFingerprintTrailer(proposal.fingerprint)],
  ].filter((lines) => lines.length > 0);
  return `${paragraphs.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}
