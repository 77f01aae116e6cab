/**
 * Content digests (`algorithm:hex`), validated as opencontainers/go-digest
 * does: the algorithm grammar, then a registered algorithm, then the exact hex
 * length, then lower-case hex.
 */
import { ANCHORED_DIGEST_ALGORITHM } from "./grammar.ts";
import { ReferenceParseError } from "./parse-error.ts";

/** Registered digest algorithms and the hex length of each. */
export const DIGEST_ALGORITHMS = { sha256: 64, sha384: 96, sha512: 128 } as const;

/** A registered digest algorithm. */
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

/** A validated digest, split into its parts. */
export interface ParsedDigest {
  readonly algorithm: DigestAlgorithm;
  /** Lower-case hex of exactly the algorithm's length (any case for {@link DigestOptions.anyCase}). */
  readonly encoded: string;
}

/** How strictly {@link readDigest} checks. */
export interface DigestOptions {
  /** Accept upper-case hex, as OpenShift's older go-digest copy does. */
  readonly anyCase?: boolean;
}

/**
 * Parses and validates a digest such as `sha256:3a335d7d…`.
 *
 * @throws ReferenceParseError (code REFERENCE_INVALID) with reason
 *   `DIGEST_INVALID` (not `algorithm:hex`, or upper-case hex),
 *   `DIGEST_ALGORITHM` (well-formed but not sha256, sha384 or sha512) or
 *   `DIGEST_LENGTH` (wrong number of hex digits).
 */
export function parseDigest(input: string): ParsedDigest {
  return readDigest(input, 0, input.length);
}

/** True when `algorithm` is one of {@link DIGEST_ALGORITHMS}. */
export function isDigestAlgorithm(algorithm: string): algorithm is DigestAlgorithm {
  return Object.hasOwn(DIGEST_ALGORITHMS, algorithm);
}

/**
 * Validates the digest at `input[start, end)`; errors point into `input`.
 *
 * @throws ReferenceParseError as {@link parseDigest}.
 */
export function readDigest(
  input: string,
  start: number,
  end: number,
  options: DigestOptions = {},
): ParsedDigest {
  const result = checkDigest(input.slice(start, end), options);
  if (!("reason" in result)) return result;
  const { reason, at, message } = result;
  throw new ReferenceParseError({ reason, input, index: start + at, message });
}

/** A broken digest rule: which, where in the digest, and the message. */
interface Problem {
  readonly reason: "DIGEST_INVALID" | "DIGEST_ALGORITHM" | "DIGEST_LENGTH";
  readonly at: number;
  readonly message: string;
}

function checkDigest(text: string, options: DigestOptions): ParsedDigest | Problem {
  const colon = text.indexOf(":");
  const algorithm = text.slice(0, colon);
  const encoded = text.slice(colon + 1);
  if (colon <= 0 || encoded === "") {
    const message = `invalid digest "${text}": must be <algorithm>:<hex>, e.g. sha256:<64 hex digits>`;
    return { reason: "DIGEST_INVALID", at: 0, message };
  }
  if (!ANCHORED_DIGEST_ALGORITHM.test(algorithm)) {
    const rule = "[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*";
    return {
      reason: "DIGEST_INVALID",
      at: 0,
      message: `invalid digest algorithm "${algorithm}": must match ${rule}`,
    };
  }
  const notHex = encoded.search(/[^0-9a-fA-F]/);
  if (notHex !== -1) {
    const message = `invalid checksum digest format: "${encoded}" is not hexadecimal`;
    return { reason: "DIGEST_INVALID", at: colon + 1 + notHex, message };
  }
  if (!isDigestAlgorithm(algorithm)) {
    const message = `unsupported digest algorithm "${algorithm}": use sha256, sha384 or sha512`;
    return { reason: "DIGEST_ALGORITHM", at: 0, message };
  }
  return checkEncoded(algorithm, encoded, colon + 1, options);
}

function checkEncoded(
  algorithm: DigestAlgorithm,
  encoded: string,
  at: number,
  options: DigestOptions,
): ParsedDigest | Problem {
  const want = DIGEST_ALGORITHMS[algorithm];
  if (encoded.length !== want) {
    const message = `invalid checksum digest length: ${algorithm} needs ${want} hex digits, got ${encoded.length}`;
    return { reason: "DIGEST_LENGTH", at, message };
  }
  const upper = encoded.search(/[A-F]/);
  if (upper !== -1 && options.anyCase !== true) {
    const message = "invalid checksum digest format: hex digits must be lower case";
    return { reason: "DIGEST_INVALID", at: at + upper, message };
  }
  return { algorithm, encoded };
}
