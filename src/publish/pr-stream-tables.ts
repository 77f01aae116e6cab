/**
 * The pull request body's tag tables: one section per image stream, a row
 * per changed tag saying what moved and what is inside the new image
 * (created, platforms, size, source commit), and the full digests
 * collapsed below. Pure.
 */
import {
  formatCreated,
  formatPlatforms,
  formatRevision,
  formatSize,
  formatSource,
  shortDigest,
  unknown,
} from "./image-facts.ts";
import { codeSpan, details, escapeText, fencedBlock } from "./markdown.ts";
import { collapsibleTable, countOf, omittedLine, type Layout, type Noun } from "./pr-layout.ts";
import type { StreamGroup } from "./proposal-counts.ts";
import type { TagChange } from "./proposal.ts";

const header = ["Tag", "Change", "Source pull spec", "Created", "Platforms", "Size", "Source"];
const compactHeader = ["Tag", "Change", "Created", "Size", "Source"];
const tagNoun: Noun = { singular: "tag" };

function changeCell(tag: TagChange): string {
  const to = tag.newImage === undefined ? "reference" : codeSpan(shortDigest(tag.newImage));
  const from = tag.oldImage === undefined ? "new" : codeSpan(shortDigest(tag.oldImage));
  return `${from} → ${to}`;
}

/** The spec's source without the `DockerImage` kind every external source has. */
function sourceCell(tag: TagChange): string {
  return tag.source === undefined ? unknown : codeSpan(tag.source.replace(/^DockerImage\s+/, ""));
}

function tagRow(tag: TagChange): readonly string[] {
  const now = tag.details;
  const before = tag.previousDetails;
  return [
    codeSpan(tag.tag),
    changeCell(tag),
    sourceCell(tag),
    formatCreated(now?.created),
    now === undefined ? unknown : formatPlatforms(now, before),
    formatSize(now?.size, before?.size),
    now === undefined ? unknown : formatSource(now, before),
  ];
}

/** A row's compact form, for collapsed rows when space is short: no pull spec, platforms or links. */
function compactRow(tag: TagChange): readonly string[] {
  const now = tag.details;
  return [
    codeSpan(tag.tag),
    changeCell(tag),
    formatCreated(now?.created),
    formatSize(now?.size, tag.previousDetails?.size),
    now === undefined ? unknown : formatRevision(now),
  ];
}

/** The full digests, the new pull spec and the plan's reason of each shown tag, as copyable text. */
function digestBlock(tags: readonly TagChange[]): string {
  const width = Math.max(...tags.map((t) => t.tag.length));
  const lines = tags.flatMap((tag) => {
    const pad = " ".repeat(width + 2);
    return [
      `${tag.tag.padEnd(width)}  ${tag.rule}: ${tag.reason}`,
      `${pad}old  ${tag.oldImage ?? "(none)"}`,
      `${pad}new  ${tag.newImage ?? "(reference: no image recorded)"}`,
      `${pad}pull ${tag.newPullSpec}`,
    ];
  });
  return details("Full digests and pull specs", fencedBlock("text", lines.join("\n")));
}

function streamSection(group: StreamGroup, shown: number, layout: Layout): string {
  const caption = `${codeSpan(`${group.file}:${group.line}`)} · ${countOf(group.tags.length, tagNoun)}`;
  const compact = { header: compactHeader, rows: group.tags.map(compactRow) };
  const rows = { header, rows: group.tags.map(tagRow), compact };
  const parts = [
    `### ${escapeText(group.name)}`,
    caption,
    collapsibleTable(rows, shown, layout, tagNoun),
  ];
  if (layout.digests) parts.push(digestBlock(group.tags.slice(0, shown)));
  return parts.join("\n\n");
}

/**
 * Renders a section per stream, showing at most `layout.rowCap` tag rows in
 * all (streams in order); streams with no row left are counted in one line.
 */
export function renderStreams(groups: readonly StreamGroup[], layout: Layout): string {
  let remaining = layout.rowCap;
  const sections: string[] = [];
  let hiddenTags = 0;
  let hiddenStreams = 0;
  for (const group of groups) {
    const shown = Math.min(group.tags.length, remaining);
    remaining -= shown;
    if (shown > 0) sections.push(streamSection(group, shown, layout));
    else {
      hiddenTags += group.tags.length;
      hiddenStreams += 1;
    }
  }
  if (!layout.digests && sections.length > 0) {
    sections.push("Full digests omitted to fit the size limit: the stream files' diffs hold them.");
  }
  if (hiddenStreams > 0) {
    const where = ` in ${countOf(hiddenStreams, { singular: "stream" })}`;
    sections.push(omittedLine(hiddenTags, tagNoun, where));
  }
  return sections.join("\n\n");
}
