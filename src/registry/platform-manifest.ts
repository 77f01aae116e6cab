/** Picking one platform's manifest out of an index, for any ImageRepository. */
import { ReconcilerError } from "../errors.ts";
import type { ImageRepository } from "./image-repository.ts";
import {
  formatPlatform,
  indexManifests,
  selectPlatform,
  type Descriptor,
  type Platform,
} from "./manifest.ts";

/** No manifest in an index matches the platform asked for. */
export class PlatformNotFoundError extends ReconcilerError {
  readonly platform: Platform;

  constructor(where: string, platform: Platform, offered: readonly Descriptor[]) {
    const list = offered
      .map((m) => (m.platform === undefined ? "?" : formatPlatform(m.platform)))
      .join(", ");
    super(
      "REGISTRY",
      `${where}: no manifest for platform ${formatPlatform(platform)} (the index has ${list})`,
    );
    this.platform = platform;
  }
}

/**
 * The descriptor of `platform`'s manifest when `reference` is an index;
 * the manifest's own descriptor when it is a single image.
 */
export async function resolvePlatform(
  repository: ImageRepository,
  reference: string,
  platform: Platform,
): Promise<Descriptor> {
  const manifest = await repository.getManifest(reference);
  const manifests = indexManifests(manifest.descriptor.mediaType, manifest.json);
  if (manifests.length === 0) return manifest.descriptor;
  const chosen = selectPlatform(manifests, platform);
  if (chosen !== undefined) return chosen;
  const separator = reference.includes(":") ? "@" : ":";
  throw new PlatformNotFoundError(
    `${repository.name}${separator}${reference}`,
    platform,
    manifests,
  );
}
