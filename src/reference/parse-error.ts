/**
 * The one error type of the reference module. Callers branch on `reason`
 * (never on the message) and put a caret under `input[index]`.
 */
import { ReconcilerError } from "../errors.ts";

/**
 * Every reason a reference, digest or image stream name can be rejected for,
 * SCREAMING_SNAKE and stable:
 *
 * - `EMPTY`: the input is the empty string.
 * - `NAME_EMPTY`: nothing before the `:tag` or `@digest`.
 * - `NAME_INVALID`: a path component breaks `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*` or is empty.
 * - `NAME_UPPERCASE`: the path would be valid in lower case.
 * - `NAME_TOO_LONG`: more than 255 characters (path, or whole name for OpenShift).
 * - `HEX_NAME`: a bare 64-hex string where a name is expected (normalised parse).
 * - `DOMAIN_INVALID`: the registry host or port is malformed.
 * - `TAG_INVALID`: the tag is empty or breaks `[\w][\w.-]*`.
 * - `TAG_TOO_LONG`: the tag has more than 128 characters.
 * - `DIGEST_INVALID`: not `algorithm:hex`, or hex not lower case.
 * - `DIGEST_ALGORITHM`: a well-formed but unsupported algorithm (not sha256/384/512).
 * - `DIGEST_LENGTH`: the hex part has the wrong length for its algorithm.
 * - `TRAILING`: a second `@` after the digest.
 * - `STREAM_NAME_INVALID`: not a valid image stream name.
 * - `STREAM_NAME_TOO_LONG`: `namespace/name` is longer than 255 characters.
 * - `NAMESPACE_INVALID`: the namespace is not an RFC 1123 label.
 * - `IMAGE_ID_INVALID`: an image stream image ID that is neither a digest nor a hex prefix.
 * - `ISTAG_FORM`: not `[namespace/]stream:tag`.
 * - `ISIMAGE_FORM`: not `[namespace/]stream@id`.
 * - `SOURCE_NAME_FORM`: a spec tag's `from.name` not of the form `<tag>`, `<repo>:<tag>`, `<id>` or `<repo>@<id>`.
 */
export const REFERENCE_PARSE_REASONS = [
  "EMPTY",
  "NAME_EMPTY",
  "NAME_INVALID",
  "NAME_UPPERCASE",
  "NAME_TOO_LONG",
  "HEX_NAME",
  "DOMAIN_INVALID",
  "TAG_INVALID",
  "TAG_TOO_LONG",
  "DIGEST_INVALID",
  "DIGEST_ALGORITHM",
  "DIGEST_LENGTH",
  "TRAILING",
  "STREAM_NAME_INVALID",
  "STREAM_NAME_TOO_LONG",
  "NAMESPACE_INVALID",
  "IMAGE_ID_INVALID",
  "ISTAG_FORM",
  "ISIMAGE_FORM",
  "SOURCE_NAME_FORM",
] as const;

/** One of {@link REFERENCE_PARSE_REASONS}. */
export type ReferenceParseReason = (typeof REFERENCE_PARSE_REASONS)[number];

/** What {@link ReferenceParseError} is built from. */
export interface ReferenceParseErrorInit {
  readonly reason: ReferenceParseReason;
  /** The whole string that was parsed. */
  readonly input: string;
  /** 0-based offset in `input` of the offending part. */
  readonly index: number;
  /** Lower-case, no trailing period; names the offending part and the rule. */
  readonly message: string;
}

/**
 * A string that is not a valid reference, digest or image stream name.
 * Code `REFERENCE_INVALID`; `reason` says which rule was broken and `index`
 * where in `input` (0-based), so a caller can put a caret on it.
 */
export class ReferenceParseError extends ReconcilerError {
  readonly reason: ReferenceParseReason;
  readonly input: string;
  readonly index: number;

  constructor(init: ReferenceParseErrorInit, options?: ErrorOptions) {
    super("REFERENCE_INVALID", init.message, options);
    this.reason = init.reason;
    this.input = init.input;
    this.index = init.index;
  }

  /** The same error re-anchored on `input`, with `index` moved there. */
  relocate(input: string, index: number): ReferenceParseError {
    const init = { reason: this.reason, input, index, message: this.message };
    return new ReferenceParseError(init, { cause: this });
  }
}
