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
 * Reads the fingerprint trailer of a commit message by git's rules: trailers
 * are the message's last paragraph, never its subject, and every line of it
 * is a `Key: value` trailer or a whitespace-led continuation. Undefined when
 * the last paragraph is not a trailer block or holds no fingerprint; the last
 * fingerprint trailer wins, as with `git interpret-trailers --parse`.
 */
export function parseFingerprintTrailer(message: string): string | undefined {
  const paragraphs = message
    .replace(/\r\n?/g, "\n")
    .trim()
    .split(/\n[ \t]*\n/);
  const last = paragraphs.at(-1);
  if (paragraphs.length < 2 || last === undefined) return undefined;
  let found: string | undefined;
  for (const line of last.split("\n")) {
    if (/^[ \t]/.test(line)) continue;
    const match = trailerLine.exec(line);
    if (match === null) return undefined;
    const value = match[2]?.trim().toLowerCase() ?? "";
    if (match[1]?.toLowerCase() === fingerprintTrailerKey.toLowerCase() && hex.test(value)) {
      found = value;
    }
  }
  return found;
}
