/**
 * Referrers (distribution-spec 1.1 "Listing Referrers"), the pure parts: the
 * referrers tag schema's tag for a digest, reading a referrers image index
 * into descriptors, and the `artifactType` filter a registry may or may not
 * have applied. The requests live in remote-referrers.ts.
 */
import { parseDigest } from "../reference/index.ts";
import type { Descriptor, Manifest } from "./manifest.ts";
import { ociIndex } from "./media-types.ts";

/** A manifest whose `subject` is the digest asked about: a signature, an SBOM, an attestation. */
export interface Referrer extends Descriptor {
  /** The manifest's `artifactType` (or its config media type); absent for an index without one. */
  readonly artifactType?: string;
}

/** What a referrers response or referrers tag holds. */
export type ParsedReferrers =
  | { readonly kind: "index"; readonly referrers: Referrer[]; readonly filtersApplied: string[] }
  /** Not an image index at all: the registry does not implement the API (or the tag holds something else). */
  | { readonly kind: "not-index"; readonly reason: string }
  /** An image index with an entry that is not a descriptor: the registry sent broken content. */
  | { readonly kind: "invalid"; readonly reason: string };

/** The annotation that said which filters were applied before the OCI-Filters-Applied header (1.1.0-rc1). */
const filtersAppliedAnnotation = "org.opencontainers.referrers.filtersApplied";

/** Characters allowed in a tag; the tag schema replaces any other with `-`. */
const notTagCharacter = /[^a-zA-Z0-9_.-]/g;

/**
 * The referrers tag schema's tag for `digest`: the algorithm truncated to
 * 32 characters, `-`, the encoded part truncated to 64, any character a tag
 * may not hold replaced with `-` (distribution-spec 1.1 "Referrers Tag
 * Schema"). `sha256:abc…` gives `sha256-abc…`.
 */
export function referrersTag(digest: string): string {
  const colon = digest.indexOf(":");
  const algorithm = digest.slice(0, colon).slice(0, 32);
  const encoded = digest.slice(colon + 1).slice(0, 64);
  return `${algorithm}-${encoded}`.replace(notTagCharacter, "-");
}

/**
 * Reads a referrers image index (a Referrers API page or the index a
 * referrers tag holds). `mediaType` is the Content-Type it was served with.
 * Every entry must be a descriptor with a valid digest; `artifactType` and
 * string-valued `annotations` are kept when present.
 */
export function parseReferrersIndex(mediaType: string, json: unknown): ParsedReferrers {
  if (mediaType !== ociIndex) {
    return { kind: "not-index", reason: `served as "${mediaType}", not as an OCI image index` };
  }
  if (!isRecord(json) || !Array.isArray(json["manifests"])) {
    return { kind: "not-index", reason: "the body is not an image index (no manifests list)" };
  }
  const declared = json["mediaType"];
  if (declared !== undefined && declared !== ociIndex) {
    return {
      kind: "not-index",
      reason: `the body declares media type ${JSON.stringify(declared)}`,
    };
  }
  const referrers: Referrer[] = [];
  for (const [i, entry] of json["manifests"].entries()) {
    const referrer = parseReferrer(entry);
    if (typeof referrer === "string") {
      return { kind: "invalid", reason: `manifests[${i}]: ${referrer}` };
    }
    referrers.push(referrer);
  }
  const annotations = isRecord(json["annotations"]) ? json["annotations"] : {};
  const annotated = annotations[filtersAppliedAnnotation];
  return {
    kind: "index",
    referrers,
    filtersApplied: typeof annotated === "string" ? splitList(annotated) : [],
  };
}

/**
 * True when the registry says it filtered by `artifactType`: the
 * OCI-Filters-Applied header (a comma-separated list), or the annotation
 * registries used before the header was specified.
 */
export function artifactTypeFiltered(
  header: string | undefined,
  annotated: readonly string[],
): boolean {
  return [...splitList(header ?? ""), ...annotated].includes("artifactType");
}

/** The referrers of `artifactType`; all of them when it is undefined. */
export function filterByArtifactType(
  referrers: readonly Referrer[],
  artifactType: string | undefined,
): Referrer[] {
  return artifactType === undefined
    ? [...referrers]
    : referrers.filter((r) => r.artifactType === artifactType);
}

/**
 * The referrers of `artifactType` (all when undefined) in the manifest the
 * referrers tag schema's tag holds; none when it is not an image index (the
 * spec: such a tag means no referrers), or why an entry is not a descriptor.
 */
export function tagIndexReferrers(
  manifest: Manifest,
  artifactType: string | undefined,
): Referrer[] | { readonly invalid: string } {
  const parsed = parseReferrersIndex(manifest.descriptor.mediaType, manifest.json);
  if (parsed.kind === "not-index") return [];
  if (parsed.kind === "invalid") return { invalid: parsed.reason };
  return filterByArtifactType(parsed.referrers, artifactType);
}

/** The descriptor in `value`, or what is wrong with it. */
function parseReferrer(value: unknown): Referrer | string {
  if (!isRecord(value)) return "not an object";
  const { mediaType, digest, size, artifactType, annotations } = value;
  if (typeof mediaType !== "string" || mediaType === "") return "no mediaType";
  if (typeof digest !== "string" || !isValidDigest(digest)) {
    return `invalid digest ${JSON.stringify(digest)}`;
  }
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    return `invalid size ${JSON.stringify(size)}`;
  }
  if (artifactType !== undefined && typeof artifactType !== "string") {
    return "artifactType is not a string";
  }
  if (annotations !== undefined && !isStringRecord(annotations)) {
    return "annotations are not a map of strings";
  }
  return {
    mediaType,
    digest,
    size,
    ...(artifactType === undefined || artifactType === "" ? {} : { artifactType }),
    ...(annotations === undefined ? {} : { annotations }),
  };
}

function isValidDigest(digest: string): boolean {
  try {
    parseDigest(digest);
    return true;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === "string");
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
