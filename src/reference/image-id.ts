/**
 * Image IDs as ImageStreamImage names use them: a full digest, or a prefix
 * that OpenShift resolves against the stream's images (`ruby@3a335d7` in the
 * seeds; openshift/library-go imageutil `DigestOrImageMatch`).
 */
import { DIGEST_ALGORITHMS, isDigestAlgorithm } from "./digest.ts";
import { ANCHORED_DIGEST_ALGORITHM } from "./grammar.ts";
import { ReferenceParseError } from "./parse-error.ts";

/** A validated image ID. */
export interface ImageId {
  /** As written: `sha256:<hex>`, `sha256:<hex prefix>` or a bare hex prefix. */
  readonly id: string;
  /** True when `id` is a complete digest, false for a prefix. */
  readonly exact: boolean;
}

const LONGEST_HEX = Math.max(...Object.values(DIGEST_ALGORITHMS));

type IdReason = "IMAGE_ID_INVALID" | "DIGEST_ALGORITHM" | "DIGEST_LENGTH";

const ID_RULE = "must be a digest (sha256:<hex>) or a prefix of its lower-case hex";

/**
 * Validates the image ID `input.slice(start)`: a bare lower-case hex prefix
 * of 1 to 128 digits, or a registered algorithm with lower-case hex no
 * longer than the algorithm's (a complete digest when exactly as long).
 *
 * @throws ReferenceParseError with reason `IMAGE_ID_INVALID`,
 *   `DIGEST_ALGORITHM` or `DIGEST_LENGTH`; indexes point into `input`.
 */
export function readImageId(input: string, start: number): ImageId {
  const id = input.slice(start);
  const colon = id.indexOf(":");
  const algorithm = colon === -1 ? "" : id.slice(0, colon);
  const hex = id.slice(colon + 1);
  const fail = (reason: IdReason, at: number, rule: string) =>
    new ReferenceParseError({
      reason,
      input,
      index: start + at,
      message: `invalid image ID "${id}": ${rule}`,
    });
  if (colon !== -1 && !isDigestAlgorithm(algorithm)) {
    const wellFormed = ANCHORED_DIGEST_ALGORITHM.test(algorithm) && /^[0-9a-fA-F]+$/.test(hex);
    const unsupported = `unsupported digest algorithm "${algorithm}": use sha256, sha384 or sha512`;
    throw wellFormed
      ? fail("DIGEST_ALGORITHM", 0, unsupported)
      : fail("IMAGE_ID_INVALID", 0, ID_RULE);
  }
  const bad = hex === "" ? 0 : hex.search(/[^0-9a-f]/);
  if (bad !== -1) throw fail("IMAGE_ID_INVALID", colon + 1 + bad, ID_RULE);
  const want = isDigestAlgorithm(algorithm) ? DIGEST_ALGORITHMS[algorithm] : LONGEST_HEX;
  if (hex.length > want) {
    throw fail("DIGEST_LENGTH", colon + 1, `at most ${want} hex digits, got ${hex.length}`);
  }
  return { id, exact: colon !== -1 && hex.length === want };
}
