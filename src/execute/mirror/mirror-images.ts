/**
 * A mirror run: many images, a few at a time, sharing one record of what
 * every destination holds, so a blob common to several images or
 * destinations is sent once per destination registry.
 */
import { Limiter } from "../../registry/limiter.ts";
import { BlobCopier } from "./blob-copier.ts";
import { copyImage, type CopyOptions, type ImageCopy, type ImageResult } from "./copy-image.ts";
import type { MirrorEvent } from "./mirror-events.ts";

/** How a run copies. */
export interface MirrorRunOptions extends Omit<CopyOptions, "copier"> {
  /** Blob transfers in flight per destination registry (oc's default 6). */
  readonly maxPerRegistry: number;
  /** Images copied at once (default 4). */
  readonly maxImages?: number;
  readonly skipMount?: boolean;
  readonly emit: (event: MirrorEvent) => void;
  /** Hears each image's result as it finishes. */
  readonly done?: (result: ImageResult) => void;
}

/** oc image mirror's --max-per-registry default. */
export const defaultMaxPerRegistry = 6;

/** Copies every image; results in the order given. */
export async function mirrorImages(
  images: readonly ImageCopy[],
  options: MirrorRunOptions,
): Promise<ImageResult[]> {
  const copier = new BlobCopier({
    maxPerRegistry: options.maxPerRegistry,
    emit: options.emit,
    ...(options.skipMount === undefined ? {} : { skipMount: options.skipMount }),
  });
  const limiter = new Limiter(options.maxImages ?? 4);
  return Promise.all(
    images.map((image) =>
      limiter.run(async () => {
        const result = await copyImage(image, { ...options, copier });
        options.done?.(result);
        return result;
      }),
    ),
  );
}

/** Whether an image reached every destination. */
export function imageSucceeded(result: ImageResult): boolean {
  return result.error === undefined && result.destinations.every((d) => d.status !== "failed");
}
