/**
 * The fingerprint a run leaves on its own pull requests and commits, so the
 * next run recognises them: a hidden HTML comment at the very end of the PR
 * body, and a git trailer in the commit message. Both carry
 * {@link Proposal.fingerprint}: equal fingerprints mean the same proposed
 * images, whatever the files' timestamps say. Pure.
 */
import { InternalError } from "../errors.ts";

/** The trailer key in commit messages (git compares keys case-insensitively). */
export const fingerprintTrailerKey = "Imagestream-Gitops-Fingerprint";

const hex = /^[0-9a-f]+$/;

// Forges rewrite whitespace (CRLF, collapsed or non-breaking spaces) and may
// change case; the comment's words survive, so match on them loosely.
const markerPattern = /<!--\s*imagestream-gitops\s*:\s*fingerprint\s*=\s*([0-9a-f]+)\s*-->/gi;

function checkedFingerprint(fingerprint: string): string {
  if (!hex.test(fingerprint)) {
    throw new InternalError(`fingerprint must be lowercase hex: "${fingerprint}"`);
  }
  return fingerprint;
}

/**
 * Renders the hidden marker `<!-- imagestream-gitops: fingerprint=<hex> -->`,
 * to be the last line of a pull request body.
 *
 * @throws InternalError (`INTERNAL`) when `fingerprint` is not lowercase hex.
 */
export function renderMarker(fingerprint: string): string {
  return `<!-- imagestream-gitops: fingerprint=${checkedFingerprint(fingerprint)} -->`;
}

/**
 * Reads the fingerprint from a pull request body's marker; the last marker
 * wins (a reviewer may quote an older body above it). Undefined when the body
 * has none.
 */
export function parseMarker(body: string): string | undefined {
  let found: string | undefined;
  for (const match of body.matchAll(markerPattern)) found = match[1]?.toLowerCase();
  return found;
}

/**
 * Renders the commit trailer line `Imagestream-Gitops-Fingerprint: <hex>`.
 *
 * @throws InternalError (`INTERNAL`) when `fingerprint` is not lowercase hex.
 */
export function renderFingerprintTrailer(fingerprint: string): string {
  return `${fingerprintTrailerKey}: ${checkedFingerprint(fingerprint)}`;
}

const trailerLine = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/;

/**
 * The trailers of a commit message by git's rules: trailers are the
 * message's last paragraph, never its subject, and every line of it is a
 * `Key: value` trailer or a whitespace-led continuation. Keys are lower-cased;
 * the last value of a key wins, as with `git interpret-trailers --parse`.
 * Empty when the last paragraph is not a trailer block.
 */
export function parseTrailers(message: string): ReadonlyMap<string, string> {
  const paragraphs = message
    .replace(/\r\n?/g, "\n")
    .trim()
    .split(/\n[ \t]*\n/);
  const last = paragraphs.at(-1);
  const found = new Map<string, string>();
  if (paragraphs.length < 2 || last === undefined) return found;
  for (const line of last.split("\n")) {
    if (/^[ \t]/.test(line)) continue;
    const match = trailerLine.exec(line);
    if (match === null) return new Map();
    found.set(match[1]?.toLowerCase() ?? "", match[2]?.trim() ?? "");
  }
  return found;
}

/**
 * Reads the fingerprint trailer of a commit message (see {@link
 * parseTrailers}); undefined when there is none or it is not hex.
 */
export function parseFingerprintTrailer(message: string): string | undefined {
  const value = parseTrailers(message).get(fingerprintTrailerKey.toLowerCase())?.toLowerCase();
  return value !== undefined && hex.test(value) ? value : undefined;
}

/** The trailer naming the branch a commit was made for: a copy on another branch is not the tool's. */
export const branchTrailerKey = "Imagestream-Gitops-Branch";

/** Renders `Imagestream-Gitops-Branch: <branch>`. */
export function renderBranchTrailer(branch: string): string {
  return `${branchTrailerKey}: ${branch}`;
}

/** The branch trailer's value, if the message has one. */
export function parseBranchTrailer(message: string): string | undefined {
  return parseTrailers(message).get(branchTrailerKey.toLowerCase());
}
