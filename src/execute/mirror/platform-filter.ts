/**
 * Which manifests of a multi-platform image a mirror copies (SEMANTICS
 * §10.3 and D13). Without a filter every platform is copied and the index
 * is pushed unchanged, so the destination digest equals the source's. With
 * `--filter-by-os`, the regular expression is matched unanchored against
 * `os/arch[/variant]`, as `oc image mirror` matches it (ML1):
 *
 * - every entry matches: the index unchanged (ML5);
 * - one matches: that platform's manifest alone, and its digest (ML3);
 * - several match: a new index of those entries, with a new digest (ML4);
 * - none match: nothing to copy (ML6);
 * - `--keep-manifest-list`: the source index unchanged, with the matching
 *   manifests (ML5).
 *
 * Pure: the new index keeps every field of the source's but `manifests`.
 */
import { formatPlatform } from "../../model/platform.ts";
import type { ManifestUpload } from "../../registry/image-repository.ts";
import type { Descriptor, Manifest } from "../../registry/manifest.ts";

/** What to copy of an index. */
export type FilteredIndex =
  /** The index as it is, with these of its manifests (all of them, unless kept with a filter). */
  | { readonly kind: "index"; readonly manifests: readonly Descriptor[] }
  /** One platform's manifest in place of the index. */
  | { readonly kind: "manifest"; readonly manifest: Descriptor }
  /** A new index listing only the matching manifests. */
  | {
      readonly kind: "new-index";
      readonly manifests: readonly Descriptor[];
      readonly index: ManifestUpload;
    }
  /** No platform matched. */
  | { readonly kind: "none" };

/** The filter flags. */
export interface PlatformFilter {
  /** `--filter-by-os`: undefined copies every platform (D13). */
  readonly pattern?: RegExp;
  /** `--keep-manifest-list`. */
  readonly keepManifestList: boolean;
}

/** `os/arch[/variant]` of a descriptor, as the filter reads it; `unknown/unknown` without a platform. */
export function platformName(descriptor: Descriptor): string {
  return descriptor.platform === undefined
    ? "unknown/unknown"
    : formatPlatform(descriptor.platform);
}

/** Applies `filter` to `index`, whose manifests are `manifests`. */
export function filterIndex(
  index: Manifest,
  manifests: readonly Descriptor[],
  filter: PlatformFilter,
): FilteredIndex {
  const { pattern } = filter;
  if (pattern === undefined) return { kind: "index", manifests };
  const matching = manifests.filter((m) => pattern.test(platformName(m)));
  if (matching.length === 0) return { kind: "none" };
  if (filter.keepManifestList || matching.length === manifests.length) {
    return { kind: "index", manifests: matching };
  }
  const [only] = matching;
  if (matching.length === 1 && only !== undefined) return { kind: "manifest", manifest: only };
  const kept = new Set(matching.map((m) => m.digest));
  const json = index.json as { manifests: { digest: string }[] };
  const bytes = Buffer.from(
    JSON.stringify({ ...json, manifests: json.manifests.filter((m) => kept.has(m.digest)) }),
  );
  return {
    kind: "new-index",
    manifests: matching,
    index: { bytes, mediaType: index.descriptor.mediaType },
  };
}
