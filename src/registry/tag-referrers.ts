/**
 * Referrers through the referrers tag schema alone, for any repository. An
 * OCI layout has no Referrers API, but a layout copied from a registry
 * without one (or kept by a client that maintains the schema's tag there)
 * holds the same `<alg>-<hex>` index, read here like any manifest.
 */
import { parseDigest } from "../reference/index.ts";
import { UnsupportedManifestError } from "./errors.ts";
import type { ImageRepository } from "./image-repository.ts";
import type { Manifest } from "./manifest.ts";
import { isNotFound } from "./not-found.ts";
import { referrersTag, tagIndexReferrers, type Referrer } from "./referrers.ts";

/**
 * The referrers of `digest` that the index under its referrers tag lists,
 * of `artifactType` when given; none when there is no such tag.
 *
 * @throws ReferenceParseError (REFERENCE_INVALID) when `digest` is not a digest.
 * @throws UnsupportedManifestError (UNSUPPORTED_MANIFEST) when the index lists
 *   an entry that is not a descriptor.
 * @throws whatever `repository.getManifest` throws, except "not found".
 */
export async function listReferrersByTag(
  repository: Pick<ImageRepository, "name" | "getManifest">,
  digest: string,
  artifactType?: string,
): Promise<Referrer[]> {
  parseDigest(digest);
  const tag = referrersTag(digest);
  let manifest: Manifest;
  try {
    manifest = await repository.getManifest(tag);
  } catch (err) {
    // No tag: nothing refers to the digest yet.
    if (isNotFound(err)) return [];
    throw err;
  }
  const referrers = tagIndexReferrers(manifest, artifactType);
  if (Array.isArray(referrers)) return referrers;
  throw new UnsupportedManifestError(
    `${repository.name}:${tag}`,
    manifest.descriptor.mediaType,
    `the referrers index lists an invalid descriptor: ${referrers.invalid}`,
  );
}
