/**
 * What reviewers are told of an image: created time, platforms, size and
 * labels, read from the registry for the images a proposal moves tags to
 * and from. Best effort: an image that cannot be read is reported and left
 * without details; it never fails the run. Reads each manifest (the index
 * and the chosen child) and one config blob, a few images at a time.
 */
import { formatPlatform, indexManifests, type Platform } from "../registry/manifest.ts";
import { fetchImageMetadata } from "../registry/fetch-image-metadata.ts";
import type { OpenedRepository } from "../registry/open-repository.ts";
import { isIndex } from "../registry/media-types.ts";
import { errorSummary } from "../errors.ts";
import type { ImageFacts } from "../model/image-facts.ts";

/** The facts found, by pull spec, and the images that could not be read. */
export interface ObservedFacts {
  readonly facts: ReadonlyMap<string, ImageFacts>;
  readonly failures: readonly { readonly pullSpec: string; readonly message: string }[];
}

/** Images read at once. */
const parallel = 4;

/**
 * Reads the facts of each pull spec (`repo@sha256:…`) through `open`; an
 * index's platforms are its children's, its size and labels the child a
 * Legacy import picks for `platform`.
 */
export async function observeImageFacts(
  pullSpecs: readonly string[],
  open: (name: string) => OpenedRepository,
  platform: Platform,
): Promise<ObservedFacts> {
  const facts = new Map<string, ImageFacts>();
  const failures: { pullSpec: string; message: string }[] = [];
  const queue = [...new Set(pullSpecs)];
  const worker = async (): Promise<void> => {
    for (let spec = queue.shift(); spec !== undefined; spec = queue.shift()) {
      try {
        facts.set(spec, await readFacts(open(spec), platform));
      } catch (err) {
        failures.push({ pullSpec: spec, message: errorSummary(err).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, worker));
  return { facts, failures };
}

async function readFacts(opened: OpenedRepository, platform: Platform): Promise<ImageFacts> {
  const { repository, reference } = opened;
  const top = await repository.getManifest(reference);
  const metadata = await fetchImageMetadata(repository, reference, platform);
  const own = formatPlatform({
    os: metadata.os,
    architecture: metadata.architecture,
    ...(metadata.variant === undefined ? {} : { variant: metadata.variant }),
  });
  const platforms = isIndex(top.descriptor.mediaType)
    ? indexManifests(top.descriptor.mediaType, top.json)
        .map((d) => d.platform)
        // Attestation manifests of buildx indexes say unknown/unknown.
        .filter((p): p is Platform => p !== undefined && p.os !== "unknown")
        .map(formatPlatform)
    : [own];
  return {
    ...(metadata.created === undefined ? {} : { created: metadata.created }),
    platforms,
    size: metadata.size,
    labels: metadata.labels,
  };
}
