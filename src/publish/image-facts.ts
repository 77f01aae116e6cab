/**
 * What a reviewer wants to know of an image, as short Markdown: short
 * digests, created time, platforms and size with their change, and the
 * source commit from the OCI annotation labels
 * (https://github.com/opencontainers/image-spec/blob/main/annotations.md).
 * Pure: times are formatted from the image's own metadata, never the clock.
 */
import type { ImageDetails } from "./proposal.ts";
import { codeSpan, escapeText } from "./markdown.ts";

/** Shown where a fact is unknown. */
export const unknown = "—";

/** The first `length` hex digits of a `sha256:…` image id (or digest-bearing pull spec). */
export function shortDigest(image: string, length = 12): string {
  const hex = /sha256:([0-9a-f]+)/.exec(image)?.[1];
  return hex === undefined ? image : hex.slice(0, length);
}

/** `repo@sha256:22aa1c60025a`: a pull spec with its digest cut to 12 digits. */
export function shortPullSpec(pullSpec: string): string {
  return pullSpec.replace(/@sha256:([0-9a-f]{12})[0-9a-f]+$/, "@sha256:$1");
}

/** `2024-05-01 12:34 UTC` from an RFC 3339 time; the text itself when it does not parse. */
export function formatCreated(created: string | undefined): string {
  if (created === undefined) return unknown;
  const time = Date.parse(created);
  if (Number.isNaN(time)) return escapeText(created);
  return `${new Date(time).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Bytes in decimal units, as skopeo and docker print them: `52.1 MB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"] as const;
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 ? value.toFixed(0) : value.toFixed(1);
  return `${bytes < 0 ? "-" : ""}${digits} ${units[unit] ?? "B"}`;
}

/** `52.1 MB (+1.2 MB)`: the new size and its change, when the old one is known. */
export function formatSize(size: number | undefined, previous: number | undefined): string {
  if (size === undefined) return unknown;
  if (previous === undefined) return formatBytes(size);
  const delta = size - previous;
  const change = delta === 0 ? "same" : `${delta > 0 ? "+" : ""}${formatBytes(delta)}`;
  return `${formatBytes(size)} (${change})`;
}

/** Platforms, with those added (+) and dropped (−) since the previous image. */
export function formatPlatforms(details: ImageDetails, previous?: ImageDetails): string {
  if (details.platforms.length === 0) return unknown;
  const now = details.platforms.map(escapeText).join(", ");
  if (previous === undefined || previous.platforms.length === 0) return now;
  const added = details.platforms.filter((p) => !previous.platforms.includes(p));
  const dropped = previous.platforms.filter((p) => !details.platforms.includes(p));
  const changes = [...added.map((p) => `+${p}`), ...dropped.map((p) => `−${p}`)];
  return changes.length === 0 ? now : `${now} (${escapeText(changes.join(", "))})`;
}

/** The short revision shown beside a source, as git abbreviates it. */
function shortRevision(revision: string): string {
  return /^[0-9a-f]{40,64}$/i.test(revision) ? revision.slice(0, 7) : revision;
}

/** An annotation's value, when set and not blank. */
function label(details: ImageDetails | undefined, name: string): string | undefined {
  const value = details?.labels[`org.opencontainers.image.${name}`]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** The repository URL of a source label, without credentials or `.git`; http(s) only. */
function repositoryUrl(source: string): URL | undefined {
  if (!URL.canParse(source)) return undefined;
  const url = new URL(source);
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  // CI variables such as GitLab's CI_REPOSITORY_URL carry a job token as userinfo.
  url.username = "";
  url.password = "";
  url.search = "";
  url.hash = "";
  url.pathname = url.pathname.replace(/\/+$/, "").replace(/\.git$/, "");
  return url;
}

/** `/commit/` on GitHub, `/-/commit/` on GitLab; undefined for hosts of unknown layout. */
function commitPath(url: URL): string | undefined {
  if (url.hostname === "github.com") return "/commit/";
  if (url.hostname === "gitlab.com" || url.hostname.startsWith("gitlab.")) return "/-/commit/";
  return undefined;
}

/** A URL safe inside Markdown link parentheses and table cells. */
function linkTarget(url: string): string {
  return url.replace(/[()|<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A safe revision for URL paths (a commit id or a ref name). */
function safeRevision(revision: string): boolean {
  return /^[0-9A-Za-z._/-]{1,100}$/.test(revision) && !revision.includes("..");
}

/**
 * A link to the source commit, or to the comparison with the previous
 * image's commit when it names another one: one URL keeps rows short.
 */
function sourceLinks(url: URL, revision: string, previous: string | undefined): string {
  const base = `${url.origin}${url.pathname}`;
  const name = escapeText(url.pathname.replace(/^\//, ""));
  const path = commitPath(url);
  const short = escapeText(shortRevision(revision));
  if (path === undefined || !safeRevision(revision)) {
    return `[${escapeText(url.host)}/${name}](${linkTarget(base)}) ${codeSpan(shortRevision(revision))}`;
  }
  if (previous === undefined || previous === revision || !safeRevision(previous)) {
    return `[${name}@${short}](${linkTarget(base + path + revision)})`;
  }
  const compare = `${base}${path.replace("commit", "compare")}${previous}...${revision}`;
  return `[${name}@${escapeText(shortRevision(previous))}…${short}](${linkTarget(compare)})`;
}

/** The version and short revision of an image's labels, as text (no links): `3.3.1 · 8f1e0b2`. */
export function formatRevision(details: ImageDetails): string {
  const version = label(details, "version");
  const revision = label(details, "revision");
  const parts = [
    version === undefined ? undefined : escapeText(version),
    revision === undefined ? undefined : codeSpan(shortRevision(revision)),
  ].filter((p): p is string => p !== undefined);
  return parts.length === 0 ? unknown : parts.join(" · ");
}

/**
 * The image's source from its OCI labels: version, then a link to the
 * commit (`/commit/<rev>` on GitHub, `/-/commit/<rev>` on GitLab; the
 * compare view instead when the previous image names another commit of the
 * same repository), else the source URL with the short revision.
 */
export function formatSource(details: ImageDetails, previous?: ImageDetails): string {
  const version = label(details, "version");
  const source = label(details, "source");
  const revision = label(details, "revision");
  const url = source === undefined ? undefined : repositoryUrl(source);
  const sameSource = label(previous, "source") === source;
  const previousRevision = sameSource ? label(previous, "revision") : undefined;
  let where: string | undefined;
  if (url !== undefined && revision !== undefined) {
    where = sourceLinks(url, revision, previousRevision);
  } else if (url !== undefined) {
    where = `[${escapeText(url.host + url.pathname)}](${linkTarget(url.origin + url.pathname)})`;
  } else if (revision !== undefined) {
    where = codeSpan(shortRevision(revision));
  }
  const parts = [version === undefined ? undefined : escapeText(version), where];
  const shown = parts.filter((p): p is string => p !== undefined);
  return shown.length === 0 ? unknown : shown.join(" · ");
}
