/**
 * Pinning a reference to a digest, as OpenShift records imported images.
 */
import { parseDigest } from "./digest.ts";
import type { Reference } from "./reference.ts";

/**
 * `ref` pinned to `digest`: the tag is dropped and the digest set, nothing
 * else changes. This is how OpenShift writes status pull specs (SEMANTICS.md
 * H1, D10): `quay.io/org/app:1.2` becomes `quay.io/org/app@<digest>`, and
 * `nginx:1.25` becomes `nginx@<digest>` (no docker.io expansion).
 *
 * @throws ReferenceParseError with a `DIGEST_*` reason when `digest` is not
 *   a valid digest; `input` is then the digest.
 */
export function withDigest(ref: Reference, digest: string): Reference {
  parseDigest(digest);
  return { ...(ref.domain === undefined ? {} : { domain: ref.domain }), path: ref.path, digest };
}
