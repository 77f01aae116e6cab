/**
 * Which tags a repository import takes, as OpenShift decides (SEMANTICS
 * R1-R2, library-go imageutil.PrioritizeTags): `latest` first; then minor
 * versions (`5.1`, `v5.1`, `5.1-rc1`) newest first; then full semantic
 * versions (`5.1.3`, `v5.1.3-x`) newest first, unprefixed before `v` for the
 * same version; then every other tag lexicographically. The first `cap`
 * (default 50, -1 for no cap) are imported, the rest reported. Pure.
 */
import { compareSemVer, parseSemVer, type SemVer } from "./semver.ts";

/** OpenShift's default `maxImagesBulkImportedPerRepository`. */
export const defaultRepositoryImportCap = 50;

/** The tags a repository import takes and those the cap left out. */
export interface RepositoryTagSelection {
  readonly imported: readonly string[];
  /** What OpenShift records as `status.repository.additionalTags`. */
  readonly additional: readonly string[];
}

/** Import order of the kinds of tag. */
const Priority = { Latest: 0, Minor: 1, Full: 2, Other: 3 } as const;
type Priority = (typeof Priority)[keyof typeof Priority];

interface RankedTag {
  readonly tag: string;
  readonly priority: Priority;
  readonly version?: SemVer;
  readonly prefix: string;
}

const minorVersion = /^\d+\.\d+$/;
const minorWithSuffix = /^(\d+\.\d+)-\w+$/;

function rank(tag: string): RankedTag {
  if (tag === "latest") return { tag, priority: Priority.Latest, prefix: "" };
  const prefix = tag.startsWith("v") ? "v" : "";
  const short = tag.slice(prefix.length);
  const full = parseSemVer(short);
  if (full !== undefined) return { tag, priority: Priority.Full, version: full, prefix };
  const minor = minorVersion.test(short) ? parseSemVer(`${short}.0`) : undefined;
  if (minor !== undefined) return { tag, priority: Priority.Minor, version: minor, prefix };
  const suffixed = minorWithSuffix.exec(short);
  const candidate =
    suffixed?.[1] === undefined
      ? undefined
      : parseSemVer(short.replace(suffixed[1], `${suffixed[1]}.0`));
  if (candidate !== undefined) return { tag, priority: Priority.Minor, version: candidate, prefix };
  return { tag, priority: Priority.Other, prefix };
}

function byPriority(a: RankedTag, b: RankedTag): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.version !== undefined && b.version !== undefined) {
    const newer = compareSemVer(b.version, a.version);
    if (newer !== 0) return newer;
    if (a.prefix !== b.prefix) return a.prefix < b.prefix ? -1 : 1;
  }
  // Go's sort.Sort leaves equal elements in no set order; the tag name settles it here.
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

/** `tags` in OpenShift's import order; an empty tag counts as `latest`, duplicates go. */
export function rankRepositoryTags(tags: readonly string[]): string[] {
  const unique = [...new Set(tags.map((t) => (t === "" ? "latest" : t)))];
  return unique
    .map(rank)
    .sort(byPriority)
    .map((r) => r.tag);
}

/** The first `cap` ranked tags (all of them for a negative cap), and the rest. */
export function selectRepositoryTags(
  tags: readonly string[],
  cap: number = defaultRepositoryImportCap,
): RepositoryTagSelection {
  const ranked = rankRepositoryTags(tags);
  if (cap < 0) return { imported: ranked, additional: [] };
  return { imported: ranked.slice(0, cap), additional: ranked.slice(cap) };
}
