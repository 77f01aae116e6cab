/**
 * A layout's `index.json` and `oci-layout` files as data (OCI image-spec
 * image-layout.md): parsing them with errors that say what is wrong, finding
 * a tag, and the update a tagged write makes. Fields this tool does not know
 * (index annotations, an entry's platform or urls) are kept as they were
 * read. Pure.
 */
import type { Descriptor } from "../manifest.ts";
import { ociIndex } from "../media-types.ts";

/** The annotation that names an entry of index.json (OCI annotations.md). */
export const refNameAnnotation = "org.opencontainers.image.ref.name";

/** The `oci-layout` file this tool writes (image-layout.md, "oci-layout file"). */
export const layoutFileContent = JSON.stringify({ imageLayoutVersion: "1.0.0" });

/** A parsed index.json: its entries and every other field, kept for writing back. */
export interface LayoutIndex {
  readonly manifests: readonly Descriptor[];
  readonly rest: Readonly<Record<string, unknown>>;
}

/** An empty index, for a new layout. */
export const emptyIndex: LayoutIndex = {
  manifests: [],
  rest: { schemaVersion: 2, mediaType: ociIndex },
};

/** Parses index.json; returns the problem as a string when it is not an image index. */
export function parseLayoutIndex(text: string): LayoutIndex | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return `index.json is not JSON (${err instanceof Error ? err.message : String(err)})`;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return "index.json is not a JSON object";
  const { manifests, ...rest } = json as Record<string, unknown>;
  if (manifests === undefined || manifests === null) return { manifests: [], rest };
  if (!Array.isArray(manifests)) return "index.json: manifests is not an array";
  const bad = manifests.findIndex((m) => !isDescriptor(m));
  if (bad !== -1)
    return `index.json: manifests[${String(bad)}] is not a descriptor (mediaType, digest, size)`;
  return { manifests: manifests as Descriptor[], rest };
}

/** Checks the `oci-layout` file; returns the problem as a string. */
export function checkLayoutFile(text: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return "oci-layout is not JSON";
  }
  const version = (json as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
  if (typeof version !== "string") return "oci-layout has no imageLayoutVersion";
  // Every 1.x layout has the same structure; a 2.x one may not.
  if (!version.startsWith("1.")) return `unsupported imageLayoutVersion "${version}"`;
  return undefined;
}

/** index.json's text. */
export function formatLayoutIndex(index: LayoutIndex): string {
  return JSON.stringify({ ...index.rest, manifests: index.manifests });
}

/** The tag of an entry, if it has one. */
export function tagOf(entry: Descriptor): string | undefined {
  return entry.annotations?.[refNameAnnotation];
}

/** The first entry tagged `tag` (containers/image picks the first, too). */
export function findTagged(index: LayoutIndex, tag: string): Descriptor | undefined {
  return index.manifests.find((m) => tagOf(m) === tag);
}

/** Every tag, sorted and without repeats (a registry's tag list is sorted, too). */
export function layoutTags(index: LayoutIndex): string[] {
  const tags = index.manifests.map(tagOf).filter((t) => t !== undefined);
  return [...new Set(tags)].sort();
}

/**
 * index.json after storing `descriptor` under `tag` (or untagged), where
 * `children` are the digests the new manifest references as manifests (an
 * index's entries):
 *
 * - an entry already tagged `tag` is replaced in place, as containers/image's
 *   oci destination replaces a name it writes again;
 * - otherwise an untagged entry with the same digest is replaced in place,
 *   and else the entry is appended;
 * - untagged top-level entries for `children` are dropped, since the new
 *   entry reaches them now. A copy writes an index's images first, each
 *   untagged so it stays reachable, then the tagged index, which leaves one
 *   entry, as skopeo's copy does.
 */
export function withManifest(
  index: LayoutIndex,
  descriptor: Descriptor,
  tag: string | undefined,
  children: readonly string[],
): LayoutIndex {
  const { mediaType, digest, size } = descriptor;
  const entry: Descriptor =
    tag === undefined
      ? { mediaType, digest, size }
      : { mediaType, digest, size, annotations: { [refNameAnnotation]: tag } };
  const manifests = [...index.manifests];
  let at = tag === undefined ? -1 : manifests.findIndex((m) => tagOf(m) === tag);
  if (at === -1) at = manifests.findIndex((m) => m.digest === digest && tagOf(m) === undefined);
  if (at === -1) manifests.push(entry);
  else manifests[at] = entry;
  const reached = new Set(children);
  return {
    rest: index.rest,
    manifests: manifests.filter(
      (m) => m === entry || tagOf(m) !== undefined || !reached.has(m.digest),
    ),
  };
}

function isDescriptor(value: unknown): value is Descriptor {
  const d = value as { [K in keyof Descriptor]?: unknown } | null;
  return (
    typeof d?.digest === "string" &&
    typeof d.mediaType === "string" &&
    typeof d.size === "number" &&
    (d.annotations === undefined || (typeof d.annotations === "object" && d.annotations !== null))
  );
}
