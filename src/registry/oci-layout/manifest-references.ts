/**
 * What a manifest references, for a layout to check before storing it (a
 * registry refuses a manifest whose blobs it lacks: MANIFEST_BLOB_UNKNOWN)
 * and to know which index entries a new index makes reachable. Pure.
 */
import { declaredMediaType, indexManifests } from "../manifest.ts";
import { isIndex } from "../media-types.ts";

/** The digests a manifest depends on. */
export interface ManifestReferences {
  /** Blobs and manifests that must be stored first: config and layers, or an index's manifests. */
  readonly required: readonly string[];
  /** An index's manifests (empty for an image manifest). */
  readonly manifests: readonly string[];
}

/**
 * The references of a parsed manifest of type `mediaType`. Layers with
 * `urls` (foreign, non-distributable) are not required: registries accept
 * them without the blob, too. Returns a string when the body's declared
 * media type contradicts `mediaType`.
 */
export function referencedBlobs(json: unknown, mediaType: string): ManifestReferences | string {
  const declared = declaredMediaType(json);
  if (declared !== undefined && declared !== mediaType)
    return `the manifest declares media type "${declared}", not "${mediaType}"`;
  if (isIndex(mediaType)) {
    const manifests = indexManifests(mediaType, json).map((d) => d.digest);
    return { required: manifests, manifests };
  }
  const body = json as { config?: unknown; layers?: unknown } | null;
  const layers: readonly unknown[] = Array.isArray(body?.layers) ? (body.layers as unknown[]) : [];
  const blobs = [body?.config, ...layers];
  const required = blobs
    .filter(
      (b): b is { digest: string; urls?: unknown } =>
        typeof (b as { digest?: unknown } | null)?.digest === "string",
    )
    .filter((b) => !Array.isArray(b.urls) || b.urls.length === 0)
    .map((b) => b.digest);
  return { required, manifests: [] };
}
