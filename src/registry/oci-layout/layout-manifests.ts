/**
 * Manifests of a layout: finding the descriptor a tag, a digest or "the only
 * image" names, and reading a manifest blob verified against that
 * descriptor. A digest is found when index.json reaches it, directly or
 * through an index it lists (so a platform's manifest inside a multi-platform
 * image resolves by digest, as it does on a registry).
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { maxManifestBytes } from "../body.ts";
import { DigestMismatchError, UnsupportedManifestError } from "../errors.ts";
import { declaredMediaType, indexManifests, type Descriptor, type Manifest } from "../manifest.ts";
import { isIndex, isSchema1 } from "../media-types.ts";
import { OciLayoutError } from "./layout-error.ts";
import { blobPath, errnoCode, ioError } from "./layout-files.ts";
import { findTagged, layoutTags, type LayoutIndex } from "./layout-index.ts";
import { formatOciReference, isLayoutDigest } from "../../reference/index.ts";

/** How deep indexes may nest below index.json before the search gives up. */
const maxIndexDepth = 8;

/**
 * The descriptor `reference` names in the layout.
 *
 * @throws OciLayoutError MANIFEST_UNKNOWN (no such tag or digest) or
 *   AMBIGUOUS ("" and the layout does not hold exactly one image).
 */
export async function locateManifest(
  dir: string,
  index: LayoutIndex,
  reference: string,
): Promise<Descriptor> {
  if (reference === "") {
    const [only, ...others] = index.manifests;
    if (only !== undefined && others.length === 0) return only;
    throw new OciLayoutError(
      "AMBIGUOUS",
      dir,
      `no tag given and the layout holds ${String(index.manifests.length)} images; name one as oci:PATH:TAG`,
    );
  }
  const found = isLayoutDigest(reference)
    ? await findDigest(dir, index, reference)
    : findTagged(index, reference);
  if (found !== undefined) return found;
  const tags = layoutTags(index);
  const known = tags.length === 0 ? "it has no tags" : `its tags: ${tags.join(", ")}`;
  const what = isLayoutDigest(reference) ? "no manifest" : "no manifest tagged";
  throw new OciLayoutError("MANIFEST_UNKNOWN", dir, `${what} "${reference}" (${known})`);
}

/**
 * The manifest `descriptor` names, read from blobs/ and verified: size and
 * digest must match, and the body must be JSON of a supported type.
 *
 * @throws OciLayoutError BLOB_UNKNOWN, DigestMismatchError,
 *   UnsupportedManifestError.
 */
export async function readLayoutManifest(
  dir: string,
  descriptor: Descriptor,
  reference: string,
): Promise<Manifest> {
  const where = formatOciReference(dir, reference);
  const bytes = await readManifestBytes(dir, descriptor);
  const algorithm = descriptor.digest.slice(0, descriptor.digest.indexOf(":"));
  const digest = `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
  if (digest !== descriptor.digest || bytes.length !== descriptor.size)
    throw new DigestMismatchError(`manifest ${where}`, descriptor.digest, digest, bytes.length);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new UnsupportedManifestError(where, descriptor.mediaType, "the manifest is not JSON");
  }
  const mediaType =
    descriptor.mediaType === "" ? (declaredMediaType(json) ?? "") : descriptor.mediaType;
  if (isSchema1(mediaType))
    throw new UnsupportedManifestError(where, mediaType, "Docker schema 1 is not supported");
  return { descriptor: { mediaType, digest, size: bytes.length }, bytes, json };
}

async function readManifestBytes(dir: string, descriptor: Descriptor): Promise<Buffer> {
  const file = blobPath(dir, descriptor.digest);
  try {
    // Refuse an oversized file before reading it, as a registry client refuses a large body.
    const { size } = await stat(file);
    if (size > maxManifestBytes)
      throw new UnsupportedManifestError(
        formatOciReference(dir, descriptor.digest),
        descriptor.mediaType,
        `the manifest is larger than ${String(maxManifestBytes)} bytes`,
      );
    return await readFile(file);
  } catch (err) {
    if (err instanceof UnsupportedManifestError) throw err;
    const code = errnoCode(err);
    if (code === "ENOENT" || code === "ENOTDIR")
      throw new OciLayoutError(
        "BLOB_UNKNOWN",
        dir,
        `manifest ${descriptor.digest} is not in blobs/`,
      );
    throw ioError(dir, `cannot read manifest ${descriptor.digest}`, err);
  }
}

/**
 * The descriptor of `digest` wherever index.json reaches it, breadth first.
 * An index whose blob is missing is skipped (a partial copy may lack some),
 * any other fault in one is reported.
 */
export async function findDigest(
  dir: string,
  index: LayoutIndex,
  digest: string,
): Promise<Descriptor | undefined> {
  let level: readonly Descriptor[] = index.manifests;
  const seen = new Set<string>();
  for (let depth = 0; depth <= maxIndexDepth && level.length > 0; depth++) {
    const found = level.find((d) => d.digest === digest);
    if (found !== undefined) return found;
    const next: Descriptor[] = [];
    for (const d of level) {
      if (!isIndex(d.mediaType) || seen.has(d.digest)) continue;
      seen.add(d.digest);
      next.push(...(await childrenOf(dir, d)));
    }
    level = next;
  }
  return undefined;
}

async function childrenOf(dir: string, descriptor: Descriptor): Promise<Descriptor[]> {
  try {
    const manifest = await readLayoutManifest(dir, descriptor, descriptor.digest);
    return indexManifests(manifest.descriptor.mediaType, manifest.json);
  } catch (err) {
    if (err instanceof OciLayoutError && err.reason === "BLOB_UNKNOWN") return [];
    throw err;
  }
}
