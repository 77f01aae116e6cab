/**
 * Observing what the plan needs of the registries: each image resolved the
 * way its tag's import mode reads it, and each repository listed. One
 * manifest HEAD per image; the index is read only for a Legacy import of
 * one (to pick its platform), and the image's config only when a gate needs
 * its created time or platforms and the digest is new. A failure is an
 * observation (an import failure), never a thrown error.
 */
import { ReconcilerError } from "../errors.ts";
import type { Platform } from "../model/platform.ts";
import type {
  ImageObservation,
  ImageRequest,
  ListingObservation,
  ListingRequest,
  ObservationRequests,
  Observations,
} from "../plan/observation.ts";
import { fetchImageMetadata, pickLegacyManifest } from "../registry/fetch-image-metadata.ts";
import type { ImageRepository } from "../registry/image-repository.ts";
import { Limiter } from "../registry/limiter.ts";
import { indexManifests } from "../registry/manifest.ts";
import { isIndex } from "../registry/media-types.ts";
import { importFailure } from "./import-failure.ts";

/**
 * Opens the repository a pull spec names, with the tag or digest to read,
 * through a client that verifies TLS unless `insecure` (D1).
 */
export type OpenImage = (
  pullSpec: string,
  insecure: boolean,
) => {
  readonly repository: ImageRepository;
  readonly reference: string;
};

/** How observing runs. */
export interface ObserveOptions {
  readonly open: OpenImage;
  /** Requests in flight in all; each registry host has its own limit below this. */
  readonly concurrency?: number;
  /** Called after each observation, for progress. */
  readonly progress?: (done: number, total: number) => void;
}

/** Reads everything in `requests`; adds the answers to `known`. */
export async function observe(
  requests: ObservationRequests,
  known: Observations,
  options: ObserveOptions,
): Promise<Observations> {
  const limiter = new Limiter(options.concurrency ?? 16);
  const total = requests.images.size + requests.listings.size;
  let done = 0;
  const tick = (): void => {
    done += 1;
    options.progress?.(done, total);
  };
  const images = new Map(known.images);
  const listings = new Map(known.listings);
  await Promise.all([
    ...[...requests.images].map(([key, request]) =>
      limiter.run(async () => {
        images.set(key, await observeImage(request, options.open));
        tick();
      }),
    ),
    ...[...requests.listings].map(([key, request]) =>
      limiter.run(async () => {
        listings.set(key, await observeListing(request, options.open));
        tick();
      }),
    ),
  ]);
  return { images, listings };
}

/** Resolves one image as its import mode reads it (M1, M2). */
export async function observeImage(
  request: ImageRequest,
  open: OpenImage,
): Promise<ImageObservation> {
  try {
    const { repository, reference } = open(request.from, request.insecure);
    const tagged = await repository.resolve(reference);
    let digest = tagged.digest;
    let platforms: Platform[] | undefined;
    // The manifest whose config gives the created time: the index's Legacy pick, once read.
    let imageDigest = tagged.digest;
    const newImage = tagged.digest !== request.known;
    // The index is read to pick a Legacy platform, or for a gate on a new image; never just to record it.
    if (isIndex(tagged.mediaType) && (request.mode === "Legacy" || (request.details && newImage))) {
      const index = await repository.getManifest(tagged.digest);
      const entries = indexManifests(index.descriptor.mediaType, index.json);
      platforms = entries.flatMap((e) => (e.platform === undefined ? [] : [e.platform]));
      const chosen = pickLegacyManifest(entries, request.platform);
      if (chosen !== undefined) imageDigest = chosen.digest;
      if (request.mode === "Legacy") {
        if (chosen === undefined)
          throw new ReconcilerError("REGISTRY", `the index ${tagged.digest} lists no manifests`);
        digest = chosen.digest;
      }
    }
    const base = {
      kind: "image" as const,
      digest,
      tagDigest: tagged.digest,
      mediaType: tagged.mediaType,
    };
    if (!request.details || digest === request.known) return base;
    // The created time of the image a Legacy import picks; for an index, of its platform's image.
    // An image whose config cannot be read is still an image: its gates hold it as "unknown".
    let metadata;
    try {
      metadata = await fetchImageMetadata(repository, imageDigest, request.platform);
    } catch (err) {
      if (err instanceof ReconcilerError && err.code === "INTERNAL") throw err;
      return platforms === undefined ? base : { ...base, platforms };
    }
    const own = {
      os: metadata.os,
      architecture: metadata.architecture,
      ...(metadata.variant === undefined ? {} : { variant: metadata.variant }),
    };
    return {
      ...base,
      platforms: platforms ?? [own],
      ...(metadata.created === undefined ? {} : { created: metadata.created }),
    };
  } catch (err) {
    if (err instanceof ReconcilerError && err.code === "INTERNAL") throw err;
    return { kind: "error", failure: importFailure(request.from, err) };
  }
}

/** Lists one repository's tags (R2: every page). */
export async function observeListing(
  request: ListingRequest,
  open: OpenImage,
): Promise<ListingObservation> {
  try {
    const { repository } = open(request.repository, request.insecure);
    return { kind: "tags", tags: await repository.listTags() };
  } catch (err) {
    if (err instanceof ReconcilerError && err.code === "INTERNAL") throw err;
    return { kind: "error", failure: importFailure(request.repository, err) };
  }
}
