/**
 * The proposal grouped and counted the way its title, summary and commit
 * message talk about it: tags per stream, workloads (not containers), and
 * mirrors that hold the image. Pure.
 */
import type { MirrorChange, Proposal, TagChange, TriggerPatch } from "./proposal.ts";

/** One image stream's changed tags, in proposal order. */
export interface StreamGroup {
  /** `ns/stream`. */
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly tags: readonly TagChange[];
}

/** `ns/stream:tag`. */
export function tagName(tag: TagChange): string {
  return `${tag.namespace}/${tag.stream}:${tag.tag}`;
}

/** Groups tags by stream, streams in the order their first tag comes. */
export function groupByStream(tags: readonly TagChange[]): readonly StreamGroup[] {
  const groups = new Map<string, TagChange[]>();
  for (const tag of tags) {
    const name = `${tag.namespace}/${tag.stream}`;
    const group = groups.get(name);
    if (group === undefined) groups.set(name, [tag]);
    else group.push(tag);
  }
  return [...groups].map(([name, members]) => {
    const first = members[0] as TagChange;
    return { name, file: first.file, line: first.line, tags: members };
  });
}

/** Distinct workloads the trigger patches touch (a workload may have several containers). */
export function workloadCount(triggers: readonly TriggerPatch[]): number {
  return new Set(triggers.map((t) => `${t.file}\n${t.namespace}\n${t.workload}`)).size;
}

/** Mirrors whose destination holds the image after the run: copied now, or already present. */
export function heldMirrors(mirrors: readonly MirrorChange[]): readonly MirrorChange[] {
  return mirrors.filter((m) => m.action === "copied" || m.action === "present");
}

/** The counts a title or summary line reports. */
export interface ProposalCounts {
  readonly tags: number;
  readonly streams: number;
  readonly workloads: number;
  readonly mirrors: number;
  readonly skips: number;
  readonly failures: number;
}

/** Counts what `proposal` changes and holds back. */
export function countProposal(proposal: Proposal): ProposalCounts {
  return {
    tags: proposal.tags.length,
    streams: groupByStream(proposal.tags).length,
    workloads: workloadCount(proposal.triggers),
    mirrors: heldMirrors(proposal.mirrors).length,
    skips: proposal.skips.length,
    failures: proposal.failures.length,
  };
}
