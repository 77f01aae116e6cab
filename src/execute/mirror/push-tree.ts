/**
 * Pushes an image tree to a destination in the order that never exposes an
 * incomplete image (Y6): every blob first, then each manifest after the
 * manifests it lists, the top one last, under its tag when it has one.
 */
import type { StoredManifest } from "../../registry/image-repository.ts";
import { DigestMismatchError } from "../../registry/errors.ts";
import type { Manifest } from "../../registry/manifest.ts";
import type { BlobCopier } from "./blob-copier.ts";
import type { RepositoryEndpoint } from "./endpoint.ts";
import { treeBlobs, type ImageNode } from "./image-tree.ts";

/** Where a tree goes. */
export interface PushTarget {
  readonly source: RepositoryEndpoint;
  readonly destination: RepositoryEndpoint;
  readonly copier: BlobCopier;
}

/** Copies the tree's blobs, then stores its manifests; the root under `tag` when given. */
export async function pushTree(
  target: PushTarget,
  root: ImageNode,
  tag?: string,
): Promise<StoredManifest> {
  const { source, destination, copier } = target;
  await Promise.all(treeBlobs(root).map((blob) => copier.copy(source, destination, blob)));
  return pushManifests(destination, root, tag);
}

/** Stores the tree's manifests, children before parents, assuming the blobs are there. */
export async function pushManifests(
  destination: RepositoryEndpoint,
  node: ImageNode,
  tag?: string,
): Promise<StoredManifest> {
  await Promise.all(node.children.map((child) => pushManifests(destination, child)));
  return putVerified(destination, node.manifest, tag);
}

/** Stores `manifest`'s exact bytes; the digest the destination reports must be the source's. */
async function putVerified(
  destination: RepositoryEndpoint,
  manifest: Manifest,
  tag: string | undefined,
): Promise<StoredManifest> {
  const stored = await destination.repository.putManifest(
    { bytes: manifest.bytes, mediaType: manifest.descriptor.mediaType },
    tag,
  );
  if (stored.digest !== manifest.descriptor.digest) {
    throw new DigestMismatchError(
      `manifest ${destination.repository.name}${tag === undefined ? "" : `:${tag}`} as stored`,
      manifest.descriptor.digest,
      stored.digest,
      manifest.bytes.length,
    );
  }
  return stored;
}
