/**
 * An image as a copy needs it: a manifest, the blobs it references and, for
 * an index, the manifests it lists, read from the source and verified
 * against their digests (getManifest checks every manifest it returns).
 */
import { sha256Digest } from "../../registry/body.ts";
import type { ImageRepository, ManifestUpload } from "../../registry/image-repository.ts";
import {
  indexManifests,
  isDescriptor,
  type Descriptor,
  type Manifest,
} from "../../registry/manifest.ts";
import { isIndex } from "../../registry/media-types.ts";
import { filterIndex, type PlatformFilter } from "./platform-filter.ts";

/** A manifest and what it needs at the destination before it can be pushed. */
export interface ImageNode {
  readonly manifest: Manifest;
  /** Config and layers (none for an index). */
  readonly blobs: readonly Descriptor[];
  /** An index's manifests, to push before it. */
  readonly children: readonly ImageNode[];
}

/** What the platform filter made of the source. */
export type Filtering = "none" | "platform" | "new-index" | "nothing-matched";

/** Media types of layers that registries may not redistribute (Y5): left where they are. */
const foreignLayer = /\.foreign\.|nondistributable/;

/** The blobs a manifest references, and the foreign layers it leaves out. */
export function manifestBlobs(manifest: Manifest): { blobs: Descriptor[]; foreign: Descriptor[] } {
  if (isIndex(manifest.descriptor.mediaType)) return { blobs: [], foreign: [] };
  const json = manifest.json as { config?: unknown; layers?: unknown } | null;
  const layers: unknown[] = Array.isArray(json?.layers) ? (json.layers as unknown[]) : [];
  const listed = [json?.config, ...layers];
  const descriptors = listed.filter(isDescriptor);
  return {
    blobs: descriptors.filter((d) => !foreignLayer.test(d.mediaType)),
    foreign: descriptors.filter((d) => foreignLayer.test(d.mediaType)),
  };
}

/**
 * Reads the tree of `manifest` from `source`: an index's manifests through
 * `filter` (D13), a manifest's blobs. `warn` hears of foreign layers left out.
 */
export async function readTree(
  source: ImageRepository,
  manifest: Manifest,
  filter: PlatformFilter,
  warn: (message: string) => void,
): Promise<{ root: ImageNode | undefined; filtering: Filtering }> {
  if (!isIndex(manifest.descriptor.mediaType)) {
    return { root: leaf(source, manifest, warn), filtering: "none" };
  }
  const listed = indexManifests(manifest.descriptor.mediaType, manifest.json);
  const filtered = filterIndex(manifest, listed, filter);
  switch (filtered.kind) {
    case "none":
      return { root: undefined, filtering: "nothing-matched" };
    case "manifest": {
      const child = await readChild(source, filtered.manifest, warn);
      return { root: child, filtering: "platform" };
    }
    case "index":
    case "new-index": {
      const children = await Promise.all(filtered.manifests.map((m) => readChild(source, m, warn)));
      const root =
        filtered.kind === "index" ? manifest : syntheticManifest(filtered.index, manifest.json);
      return {
        root: { manifest: root, blobs: [], children },
        filtering:
          filtered.kind === "new-index"
            ? "new-index"
            : filtered.manifests.length === listed.length
              ? "none"
              : "platform",
      };
    }
  }
}

/** Every blob of the tree, each digest once. */
export function treeBlobs(root: ImageNode): Descriptor[] {
  const blobs = new Map<string, Descriptor>();
  const visit = (node: ImageNode): void => {
    for (const blob of node.blobs) if (!blobs.has(blob.digest)) blobs.set(blob.digest, blob);
    node.children.forEach(visit);
  };
  visit(root);
  return [...blobs.values()];
}

async function readChild(
  source: ImageRepository,
  descriptor: Descriptor,
  warn: (message: string) => void,
): Promise<ImageNode> {
  const manifest = await source.getManifest(descriptor.digest);
  if (isIndex(manifest.descriptor.mediaType)) {
    // An index inside an index: copied whole, as registries store it.
    const listed = indexManifests(manifest.descriptor.mediaType, manifest.json);
    const children = await Promise.all(listed.map((m) => readChild(source, m, warn)));
    return { manifest, blobs: [], children };
  }
  return leaf(source, manifest, warn);
}

function leaf(source: ImageRepository, manifest: Manifest, warn: (m: string) => void): ImageNode {
  const { blobs, foreign } = manifestBlobs(manifest);
  for (const layer of foreign) {
    warn(
      `${source.name}@${manifest.descriptor.digest}: layer ${layer.digest} (${layer.mediaType}) is not distributable and is not copied`,
    );
  }
  return { manifest, blobs, children: [] };
}

function syntheticManifest(upload: ManifestUpload, sourceJson: unknown): Manifest {
  const bytes = Buffer.from(upload.bytes);
  return {
    descriptor: { digest: sha256Digest(bytes), mediaType: upload.mediaType, size: bytes.length },
    bytes,
    json: { ...(sourceJson as object), ...(JSON.parse(bytes.toString("utf8")) as object) },
  };
}
