/**
 * The parts of manifests and indexes the tool reads: media type, the
 * per-platform entries of an index, and platform matching. Pure.
 */
import type { Platform } from "../model/platform.ts";
import { isIndex } from "./media-types.ts";

export { formatPlatform, parsePlatform, type Platform } from "../model/platform.ts";

/** A content descriptor. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: Platform;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A fetched manifest: the bytes served, their digest and media type, and the parsed JSON. */
export interface Manifest {
  readonly descriptor: Descriptor;
  readonly bytes: Buffer;
  readonly json: unknown;
}

/** The descriptors of an index's manifests; empty for anything else. */
export function indexManifests(mediaType: string, json: unknown): Descriptor[] {
  if (!isIndex(mediaType) || typeof json !== "object" || json === null) return [];
  const manifests = (json as { manifests?: unknown }).manifests;
  return Array.isArray(manifests) ? manifests.filter(isDescriptor) : [];
}

/** The entry for `want`: a variant must match when asked for; without one, the first of that os/arch. */
export function selectPlatform(
  manifests: readonly Descriptor[],
  want: Platform,
): Descriptor | undefined {
  return manifests.find(
    (m) =>
      m.platform?.os === want.os &&
      m.platform.architecture === want.architecture &&
      (want.variant === undefined || m.platform.variant === want.variant),
  );
}

/** The media type a manifest declares in its body (schema 2 and OCI carry one). */
export function declaredMediaType(json: unknown): string | undefined {
  const value = (json as { mediaType?: unknown } | null)?.mediaType;
  return typeof value === "string" ? value : undefined;
}

/** Whether `value` has the digest, media type and size of a descriptor. */
export function isDescriptor(value: unknown): value is Descriptor {
  const d = value as Partial<Descriptor> | null;
  return (
    typeof d?.digest === "string" && typeof d.mediaType === "string" && typeof d.size === "number"
  );
}
