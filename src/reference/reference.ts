/**
 * The parsed form of an image reference and its parser, which follows
 * distribution/reference `Parse` exactly: no defaulting of any kind.
 */
import { DISTRIBUTION, readReference } from "./read-reference.ts";

/**
 * An image reference split into its parts, as written. Absent parts are
 * absent keys, never `undefined` values, so two references compare with
 * deep equality.
 */
export interface Reference {
  /** Registry host with optional port, e.g. `quay.io` or `localhost:5000`. */
  readonly domain?: string;
  /** Repository path below the domain, e.g. `org/app` or `library/nginx`. */
  readonly path: string;
  /** Tag, e.g. `1.2` (case preserved). */
  readonly tag?: string;
  /** Digest, e.g. `sha256:3a335d7d…`. */
  readonly digest?: string;
}

/**
 * Parses `input` as distribution/reference's `Parse` does, without defaults:
 * `nginx` has no domain and no tag.
 *
 * - The first path segment is the domain when it matches the domain grammar
 *   and more segments follow. That includes `docker/docker` (domain
 *   `docker`) and `Foo/bar` (upper case is allowed in domains); use
 *   {@link parseNormalizedReference} for Docker's familiar-name rules.
 * - A single segment is never a domain: `test.com:5000` is name `test.com`
 *   with tag `5000`.
 * - The path is at most 255 characters; the domain does not count.
 * - A name with both tag and digest keeps both.
 * - A bare 64-hex name is accepted here (only the normalised parse rejects it).
 *
 * Where an input breaks several rules, the leftmost fault is reported.
 *
 * @throws ReferenceParseError (code REFERENCE_INVALID) with reason `EMPTY`,
 *   `NAME_EMPTY`, `NAME_INVALID`, `NAME_UPPERCASE`, `NAME_TOO_LONG`,
 *   `DOMAIN_INVALID`, `TAG_INVALID`, `TAG_TOO_LONG`, `DIGEST_INVALID`,
 *   `DIGEST_ALGORITHM`, `DIGEST_LENGTH` or `TRAILING`.
 */
export function parseReference(input: string): Reference {
  return readReference(input, DISTRIBUTION);
}
