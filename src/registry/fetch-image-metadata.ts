/**
 * Reading an image's metadata from a repository: the manifest (from an
 * index, the one platform a Legacy-mode import records, SEMANTICS M1), then
 * its config blob, verified against the manifest's config descriptor.
 */
import type { Readable } from "node:stream";
import type { ImageRepository } from "./image-repository.ts";
import {
  imageConfigDescriptor,
  imageMetadata,
  InvalidImageConfigError,
  type ImageMetadata,
} from "./image-metadata.ts";
import {
  indexManifests,
  selectPlatform,
  type Descriptor,
  type Manifest,
  type Platform,
} from "./manifest.ts";
import { isIndex } from "./media-types.ts";
import { PlatformNotFoundError } from "./platform-manifest.ts";

/**
 * Where images are read from: a registry repository or an OCI layout. Both
 * verify what they return (manifests against their digest, blobs while they
 * stream), so nothing read here is hashed a second time.
 */
export type ImageSource = Pick<ImageRepository, "name" | "getManifest" | "openBlob">;

/** The platform Legacy imports fall back to (OpenShift's importer, and the config's default). */
export const legacyFallbackPlatform: Platform = { os: "linux", architecture: "amd64" };

/** Config blobs larger than this are refused; real ones are kilobytes. */
const maxConfigBytes = 16 * 1024 * 1024;

/**
 * The metadata of the image `reference` names in `source`. When it names an
 * index, the manifest is picked as a Legacy import picks it: `platform`,
 * else linux/amd64, else the index's first entry.
 *
 * Reads the manifest (and, from an index, the chosen one) and the config
 * blob, both verified by the source.
 *
 * @throws PlatformNotFoundError (REGISTRY) for an index without entries.
 * @throws DigestMismatchError (DIGEST_MISMATCH) when the config blob does
 *   not have its descriptor's size and digest.
 * @throws InvalidImageConfigError, UnsupportedManifestError
 *   (UNSUPPORTED_MANIFEST) as {@link imageMetadata}, and when the config is
 *   not JSON or is too large.
 * @throws whatever `source` throws (RegistryError for a registry).
 */
export async function fetchImageMetadata(
  source: ImageSource,
  reference: string,
  platform: Platform = legacyFallbackPlatform,
): Promise<ImageMetadata> {
  const manifest = await imageManifest(source, reference, platform);
  const descriptor = imageConfigDescriptor(manifest);
  const image = manifest.descriptor.digest;
  if (descriptor.size > maxConfigBytes) {
    throw new InvalidImageConfigError(
      image,
      "",
      `is ${descriptor.size} bytes, more than the ${maxConfigBytes} this tool reads`,
    );
  }
  const bytes = await readAll(await source.openBlob(descriptor));
  let config: unknown;
  try {
    config = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new InvalidImageConfigError(image, "", "is not JSON");
  }
  return imageMetadata(manifest, config);
}

/**
 * The entry a Legacy import takes from an index (SEMANTICS M1): the one for
 * `preferred`, else linux/amd64, else the first; undefined for an empty index.
 */
export function pickLegacyManifest(
  manifests: readonly Descriptor[],
  preferred: Platform,
): Descriptor | undefined {
  return (
    selectPlatform(manifests, preferred) ??
    selectPlatform(manifests, legacyFallbackPlatform) ??
    manifests[0]
  );
}

/** The image manifest `reference` names, or the one picked from the index it names. */
async function imageManifest(
  source: ImageSource,
  reference: string,
  platform: Platform,
): Promise<Manifest> {
  const manifest = await source.getManifest(reference);
  if (!isIndex(manifest.descriptor.mediaType)) return manifest;
  const entries = indexManifests(manifest.descriptor.mediaType, manifest.json);
  const chosen = pickLegacyManifest(entries, platform);
  if (chosen === undefined) {
    const separator = reference.includes(":") ? "@" : ":";
    throw new PlatformNotFoundError(`${source.name}${separator}${reference}`, platform, entries);
  }
  return source.getManifest(chosen.digest);
}

/** The whole blob; the stream errors instead of ending if it is not the descriptor's. */
async function readAll(blob: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of blob) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
