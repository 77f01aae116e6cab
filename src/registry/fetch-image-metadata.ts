/**
 * Reading an image's metadata from a repository: the manifest (from an
 * index, the one platform a Legacy-mode import records, SEMANTICS M1), then
 * its config blob, verified against the manifest's config descriptor.
 */
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
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
import { verifiedStream } from "./verified-stream.ts";

/** Where images are read from: a registry repository or an OCI layout (ImageRepository fits). */
export interface ImageSource {
  /** For messages: `quay.io/org/app`. */
  readonly name: string;
  /** The manifest a tag or digest points at, verified against the digest. */
  getManifest(reference: string): Promise<Manifest>;
  /** The blob's bytes, verified while streaming. */
  openBlob(descriptor: Descriptor): Promise<Readable>;
}

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
 * blob; the config's bytes are checked against its descriptor here as well,
 * so a source that does not verify cannot pass off another config.
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
  const bytes = await readVerified(
    source,
    descriptor,
    `config ${source.name}@${descriptor.digest}`,
  );
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

/** The whole blob, through a verifier of its own. */
async function readVerified(
  source: ImageSource,
  descriptor: Descriptor,
  what: string,
): Promise<Buffer> {
  const verifier = verifiedStream(descriptor, what);
  const blob = await source.openBlob(descriptor);
  const chunks: Buffer[] = [];
  await pipeline(blob, verifier, async (verified: AsyncIterable<Buffer>) => {
    for await (const chunk of verified) chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}
