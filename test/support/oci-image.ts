/**
 * OCI image layouts written by hand (no tool): `oci-layout`, `index.json` and
 * `blobs/sha256/` with gzip'ed ustar layers, image configs, image manifests
 * and, for several platforms, an image index. The content depends only on
 * the inputs, so digests are stable for given options and differ per seed.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";

/** OCI media types. */
export const MEDIA_TYPES = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

/** An image's platform. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** Options of {@link writeImage}. */
export interface ImageOptions {
  /** The tag (`org.opencontainers.image.ref.name` in `index.json`). */
  readonly tag: string;
  /** One manifest per platform; several make an image index (default linux/amd64). */
  readonly platforms?: readonly Platform[];
  /** Layers per manifest (default 1). */
  readonly layers?: number;
  /** The config's `created` and the files' mtime (default 2024-01-01T00:00:00Z). */
  readonly created?: string;
  /** Distinguishes images with otherwise equal options (default: the tag). */
  readonly seed?: string;
  /** Extra `config.Labels`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The config's `author`. */
  readonly author?: string;
  /** More of the config's `config` (the container defaults): Env, Entrypoint, Cmd, User, ... */
  readonly runtime?: Readonly<RuntimeConfig>;
}

/** Fields of an image config's `config` besides Labels (image-spec config.md). */
export interface RuntimeConfig {
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[];
  readonly Cmd?: readonly string[];
  readonly User?: string;
  readonly WorkingDir?: string;
  readonly ExposedPorts?: Readonly<Record<string, object>>;
}

/** One platform's manifest as written. */
export interface WrittenManifest {
  readonly platform: Platform;
  readonly digest: string;
  readonly size: number;
  readonly configDigest: string;
  /** Digests of the gzip'ed layer blobs. */
  readonly layerDigests: readonly string[];
  /** `rootfs.diff_ids`: digests of the uncompressed tars. */
  readonly diffIds: readonly string[];
}

/** What {@link writeImage} wrote. */
export interface WrittenImage {
  readonly tag: string;
  /** The digest the tag resolves to: the index's, or the only manifest's. */
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  /** The image index's digest, with several platforms. */
  readonly indexDigest?: string;
  /** One per platform, in the order given. */
  readonly manifests: readonly WrittenManifest[];
}

/** A blob's descriptor. */
interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: Platform;
  readonly annotations?: Readonly<Record<string, string>>;
}

const DEFAULT_PLATFORMS: readonly Platform[] = [{ os: "linux", architecture: "amd64" }];
const DEFAULT_CREATED = "2024-01-01T00:00:00Z";
const REF_NAME = "org.opencontainers.image.ref.name";

/** `sha256:HEX` of `data`. */
export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** Writes `data` to `blobs/sha256/` of the layout and returns its descriptor. */
async function writeBlob(layout: string, mediaType: string, data: Buffer): Promise<Descriptor> {
  const digest = sha256Digest(data);
  const dir = path.join(layout, "blobs", "sha256");
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, digest.slice("sha256:".length)), data);
  return { mediaType, digest, size: data.length };
}

/** Writes `value` as a JSON blob. */
function writeJsonBlob(layout: string, mediaType: string, value: object): Promise<Descriptor> {
  return writeBlob(layout, mediaType, Buffer.from(JSON.stringify(value)));
}

/** Writes `value` NUL-terminated as octal into `header` at `offset`, `width` bytes wide. */
function writeOctal(header: Buffer, offset: number, width: number, value: number): void {
  header.write(`${value.toString(8).padStart(width - 1, "0")}\0`, offset, width, "ascii");
}

/** One 512-byte ustar header for a regular file (`0`) or directory (`5`). */
function tarHeader(name: string, size: number, type: "0" | "5", mtime: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, "utf8");
  writeOctal(header, 100, 8, type === "5" ? 0o755 : 0o644);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, size);
  writeOctal(header, 136, 12, mtime);
  header.write("        ", 148, 8, "ascii");
  header.write(type, 156, 1, "ascii");
  header.write("ustar\0", 257, 6, "ascii");
  header.write("00", 263, 2, "ascii");
  header.write("root", 265, 32, "ascii");
  header.write("root", 297, 32, "ascii");
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${checksum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return header;
}

/** A ustar archive of `files` (path → contents) under one directory. */
export function tarArchive(
  dir: string,
  files: Readonly<Record<string, string>>,
  mtime: number,
): Buffer {
  const parts = [tarHeader(`${dir}/`, 0, "5", mtime)];
  for (const [name, contents] of Object.entries(files)) {
    const data = Buffer.from(contents);
    parts.push(tarHeader(`${dir}/${name}`, data.length, "0", mtime), data);
    parts.push(Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** `os/architecture[/variant]`. */
function platformName(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter((s) => s !== undefined).join("/");
}

/** Writes one layer: its gzip'ed blob, and the digest of the plain tar. */
async function writeLayer(
  layout: string,
  seed: string,
  platform: Platform,
  index: number,
  mtime: number,
): Promise<{ blob: Descriptor; diffId: string }> {
  const tar = tarArchive(
    "isg",
    {
      [`layer-${index}.txt`]: `seed=${seed}\nplatform=${platformName(platform)}\nlayer=${index}\n`,
    },
    mtime,
  );
  const blob = await writeBlob(layout, MEDIA_TYPES.layer, gzipSync(tar, { level: 9 }));
  return { blob, diffId: sha256Digest(tar) };
}

/** Writes one platform's layers, config and manifest. */
async function writeManifest(
  layout: string,
  options: ImageOptions,
  seed: string,
  platform: Platform,
): Promise<{ written: WrittenManifest; descriptor: Descriptor }> {
  const created = options.created ?? DEFAULT_CREATED;
  const mtime = Math.floor(Date.parse(created) / 1000);
  const layers = [];
  for (let i = 0; i < (options.layers ?? 1); i++) {
    layers.push(await writeLayer(layout, seed, platform, i, mtime));
  }
  const diffIds = layers.map((l) => l.diffId);
  const config = await writeJsonBlob(layout, MEDIA_TYPES.config, {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant === undefined ? {} : { variant: platform.variant }),
    ...(options.author === undefined ? {} : { author: options.author }),
    config: { ...options.runtime, Labels: { "io.isg.test.seed": seed, ...options.labels } },
    rootfs: { type: "layers", diff_ids: diffIds },
    history: layers.map((_, i) => ({ created, created_by: `isg test layer ${i}` })),
  });
  const manifest = await writeJsonBlob(layout, MEDIA_TYPES.manifest, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config,
    layers: layers.map((l) => l.blob),
  });
  const written = {
    platform,
    digest: manifest.digest,
    size: manifest.size,
    configDigest: config.digest,
    layerDigests: layers.map((l) => l.blob.digest),
    diffIds,
  };
  return { written, descriptor: { ...manifest, platform } };
}

/** Adds `descriptor` to the layout's `index.json` under `tag`, replacing that tag. */
async function tagInLayout(layout: string, tag: string, descriptor: Descriptor): Promise<void> {
  const file = path.join(layout, "index.json");
  let manifests: Descriptor[] = [];
  try {
    const existing = JSON.parse(await readFile(file, "utf8")) as { manifests?: Descriptor[] };
    manifests = (existing.manifests ?? []).filter((d) => d.annotations?.[REF_NAME] !== tag);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const { mediaType, digest, size } = descriptor;
  manifests.push({ mediaType, digest, size, annotations: { [REF_NAME]: tag } });
  const index = { schemaVersion: 2, mediaType: MEDIA_TYPES.index, manifests };
  await writeFile(file, JSON.stringify(index, null, 2));
  await writeFile(path.join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
}

/**
 * Writes an image into the OCI layout at `layout` (created if missing; other
 * tags already there are kept) and tags it. One platform gives an image
 * manifest, several give an image index over one manifest each.
 */
export async function writeImage(layout: string, options: ImageOptions): Promise<WrittenImage> {
  const seed = options.seed ?? options.tag;
  const platforms = options.platforms ?? DEFAULT_PLATFORMS;
  if (platforms.length === 0) throw new Error("writeImage: no platforms");
  const parts = [];
  for (const platform of platforms) {
    parts.push(await writeManifest(layout, options, seed, platform));
  }
  const manifests = parts.map((p) => p.written);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only) {
    await tagInLayout(layout, options.tag, only.descriptor);
    const { digest, size } = only.written;
    return { tag: options.tag, digest, size, mediaType: MEDIA_TYPES.manifest, manifests };
  }
  const index = await writeJsonBlob(layout, MEDIA_TYPES.index, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: parts.map((p) => p.descriptor),
  });
  await tagInLayout(layout, options.tag, index);
  const { digest, size, mediaType } = index;
  return { tag: options.tag, digest, size, mediaType, indexDigest: digest, manifests };
}

/** The empty JSON config of an artifact (image-spec 1.1 "Guidance for an Empty Descriptor"). */
export const EMPTY_CONFIG_MEDIA_TYPE = "application/vnd.oci.empty.v1+json";

/** A manifest descriptor with what a referrers list adds: `artifactType` and the annotations. */
export interface ReferrerDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Options of {@link writeArtifact}. */
export interface ArtifactOptions {
  /** The manifest it refers to (its `subject`). */
  readonly subject: { readonly mediaType: string; readonly digest: string; readonly size: number };
  /** `artifactType` of the manifest, also the media type of its one blob. */
  readonly artifactType: string;
  /** The blob's content (an SBOM, a signature payload). */
  readonly content: string;
  /** The manifest's annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Tags the artifact in the layout, so that skopeo can copy it. */
  readonly tag?: string;
}

/**
 * Writes an artifact into the layout: an OCI image manifest with
 * `artifactType`, the empty config, one blob and a `subject` (image-spec 1.1
 * "Guidelines for Artifact Usage"). Returns the descriptor a referrers list
 * holds for it.
 */
export async function writeArtifact(
  layout: string,
  options: ArtifactOptions,
): Promise<ReferrerDescriptor> {
  const config = await writeBlob(layout, EMPTY_CONFIG_MEDIA_TYPE, Buffer.from("{}"));
  const blob = await writeBlob(layout, options.artifactType, Buffer.from(options.content));
  const { mediaType, digest, size } = options.subject;
  const manifest = await writeJsonBlob(layout, MEDIA_TYPES.manifest, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    artifactType: options.artifactType,
    config: { ...config, data: "e30=" },
    layers: [blob],
    subject: { mediaType, digest, size },
    ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
  });
  if (options.tag !== undefined) await tagInLayout(layout, options.tag, manifest);
  return {
    ...manifest,
    artifactType: options.artifactType,
    ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
  };
}

/** A referrers tag schema index, as {@link referrersIndex} builds it. */
export interface ReferrersIndex {
  /** `<alg>-<hex>` of the subject digest. */
  readonly tag: string;
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly bytes: Buffer;
}

/**
 * The image index of the referrers tag schema (distribution-spec 1.1
 * "Referrers Tag Schema") listing `referrers`, and its tag `<alg>-<hex>` of
 * `subjectDigest`. Not written to a layout: skopeo 1.9 drops `artifactType`
 * from index entries when it copies an index, so it refuses to copy this one
 * with its digest preserved; tests PUT the bytes themselves.
 */
export function referrersIndex(
  subjectDigest: string,
  referrers: readonly ReferrerDescriptor[],
): ReferrersIndex {
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.index, manifests: referrers }),
  );
  const tag = subjectDigest.replace(":", "-");
  return {
    tag,
    mediaType: MEDIA_TYPES.index,
    digest: sha256Digest(bytes),
    size: bytes.length,
    bytes,
  };
}
