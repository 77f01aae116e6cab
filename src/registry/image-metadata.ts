/**
 * An image's metadata as OpenShift shows it for an ImageStreamImage (`oc
 * describe isimage`: the image's dockerImageMetadata and dockerImageLayers),
 * read from an image manifest and its config blob. The fields are the OCI
 * image config's (image-spec config.md); Docker's config has the same names
 * and writes null for empty lists and maps. Pure.
 */
import { ReconcilerError } from "../errors.ts";
import { UnsupportedManifestError } from "./errors.ts";
import type { Descriptor, Manifest } from "./manifest.ts";
import { isIndex } from "./media-types.ts";

/** One layer of an image, as the manifest lists it. */
export interface LayerMetadata {
  readonly digest: string;
  /** Bytes of the (usually compressed) blob. */
  readonly size: number;
  readonly mediaType: string;
}

/** What an ImageStreamImage shows of an image. */
export interface ImageMetadata {
  /** The manifest's digest: the image's name in OpenShift. */
  readonly digest: string;
  readonly mediaType: string;
  /** The config's digest: dockerImageMetadata.Id for schema 2 and OCI images. */
  readonly configDigest: string;
  /** RFC 3339, as the config gives it; absent when the config has none. */
  readonly created?: string;
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly author?: string;
  readonly user?: string;
  readonly workingDir?: string;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** `NAME=value` entries, in the config's order. */
  readonly env: readonly string[];
  /** `8080/tcp`, in the config's order. */
  readonly exposedPorts: readonly string[];
  /** In the manifest's order, base layer first. */
  readonly layers: readonly LayerMetadata[];
  /** Sum of the layer sizes, each distinct blob counted once (a repeated empty layer once). */
  readonly totalLayerSize: number;
  /** OpenShift's dockerImageMetadata.Size: the config's size plus {@link totalLayerSize}. */
  readonly size: number;
}

/** An image config that is not what image-spec config.md describes. */
export class InvalidImageConfigError extends ReconcilerError {
  /** JSON pointer of the offending field; "" for the config itself. */
  readonly pointer: string;

  constructor(image: string, pointer: string, rule: string) {
    super(
      "IMAGE_CONFIG_INVALID",
      `image config of ${image}: ${pointer === "" ? "the config" : pointer} ${rule}`,
    );
    this.pointer = pointer;
  }
}

/**
 * The config descriptor of an image manifest.
 *
 * @throws UnsupportedManifestError (UNSUPPORTED_MANIFEST) for an index, or a
 *   manifest without a config descriptor.
 */
export function imageConfigDescriptor(manifest: Manifest): Descriptor {
  return imageParts(manifest).config;
}

/**
 * The metadata of the image `manifest` describes, from its parsed config blob.
 *
 * @throws UnsupportedManifestError (UNSUPPORTED_MANIFEST) when `manifest` is
 *   not an image manifest with a config and a list of layer descriptors.
 * @throws InvalidImageConfigError (UNSUPPORTED_MANIFEST) when `config` is not
 *   an object, lacks `architecture` or `os`, or has a field of the wrong type.
 */
export function imageMetadata(manifest: Manifest, config: unknown): ImageMetadata {
  const { config: configDescriptor, layers } = imageParts(manifest);
  const read = new ConfigReader(manifest.descriptor.digest);
  const root = read.object(config, "");
  const created = read.optional(root, "/created");
  const variant = read.optional(root, "/variant");
  const author = read.optional(root, "/author");
  const totalLayerSize = distinctSize(layers);
  const configIsLayer = layers.some((l) => l.digest === configDescriptor.digest);
  return {
    digest: manifest.descriptor.digest,
    mediaType: manifest.descriptor.mediaType,
    configDigest: configDescriptor.digest,
    ...(created === undefined ? {} : { created }),
    architecture: read.required(root, "/architecture"),
    os: read.required(root, "/os"),
    ...(variant === undefined ? {} : { variant }),
    ...(author === undefined ? {} : { author }),
    ...runtimeConfig(read, read.object(root["config"] ?? null, "/config")),
    layers,
    totalLayerSize,
    // OpenShift counts the config's bytes too, once.
    size: totalLayerSize + (configIsLayer ? 0 : configDescriptor.size),
  };
}

/** The parts of the config's `config` (the container defaults) that an ImageStreamImage shows. */
function runtimeConfig(
  read: ConfigReader,
  run: Record<string, unknown>,
): Pick<
  ImageMetadata,
  "user" | "workingDir" | "entrypoint" | "cmd" | "labels" | "env" | "exposedPorts"
> {
  const user = read.optional(run, "/config/User");
  const workingDir = read.optional(run, "/config/WorkingDir");
  return {
    ...(user === undefined ? {} : { user }),
    ...(workingDir === undefined ? {} : { workingDir }),
    entrypoint: read.strings(run, "/config/Entrypoint"),
    cmd: read.strings(run, "/config/Cmd"),
    labels: read.labels(run, "/config/Labels"),
    env: read.strings(run, "/config/Env"),
    exposedPorts: Object.keys(read.object(run["ExposedPorts"] ?? null, "/config/ExposedPorts")),
  };
}

/** The config and layer descriptors of an image manifest. */
function imageParts(manifest: Manifest): { config: Descriptor; layers: LayerMetadata[] } {
  const { digest, mediaType } = manifest.descriptor;
  const unsupported = (hint: string): UnsupportedManifestError =>
    new UnsupportedManifestError(digest, mediaType, hint);
  if (isIndex(mediaType)) {
    throw unsupported("image metadata is read from an image manifest; pick a platform first");
  }
  const json = isRecord(manifest.json) ? manifest.json : {};
  const config = json["config"];
  if (!isDescriptor(config)) throw unsupported("the manifest has no config descriptor");
  const layers = json["layers"];
  if (!Array.isArray(layers) || !layers.every(isDescriptor)) {
    throw unsupported("the manifest's layers are not a list of descriptors");
  }
  return {
    config,
    layers: layers.map(({ digest: d, size, mediaType: m }) => ({ digest: d, size, mediaType: m })),
  };
}

/**
 * Reads config fields by JSON pointer (one level below the object given),
 * throwing InvalidImageConfigError naming the field.
 */
class ConfigReader {
  readonly #image: string;

  constructor(image: string) {
    this.#image = image;
  }

  /** An object; Docker's null counts as empty, except for the config itself. */
  object(value: unknown, pointer: string): Record<string, unknown> {
    if (value === null && pointer !== "") return {};
    if (!isRecord(value)) throw this.#invalid(pointer, `must be a JSON object, got ${kind(value)}`);
    return value;
  }

  /** A non-empty string (image-spec marks `architecture` and `os` REQUIRED). */
  required(from: Record<string, unknown>, pointer: string): string {
    const value = from[lastKey(pointer)];
    if (typeof value === "string" && value !== "") return value;
    throw this.#invalid(
      pointer,
      value === undefined ? "is missing" : `must be a non-empty string, got ${kind(value)}`,
    );
  }

  /** A string; undefined when absent, null or empty. */
  optional(from: Record<string, unknown>, pointer: string): string | undefined {
    const value = from[lastKey(pointer)];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") {
      throw this.#invalid(pointer, `must be a string, got ${kind(value)}`);
    }
    return value;
  }

  /** A list of strings; empty when absent or null. */
  strings(from: Record<string, unknown>, pointer: string): string[] {
    const value = from[lastKey(pointer)];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw this.#invalid(pointer, `must be a list, got ${kind(value)}`);
    return value.map((item: unknown, i) => {
      if (typeof item !== "string") {
        throw this.#invalid(`${pointer}/${i}`, `must be a string, got ${kind(item)}`);
      }
      return item;
    });
  }

  /** A map of strings; empty when absent or null. */
  labels(from: Record<string, unknown>, pointer: string): Record<string, string> {
    const entries = Object.entries(this.object(from[lastKey(pointer)] ?? null, pointer));
    const labels: [string, string][] = [];
    for (const [name, text] of entries) {
      if (typeof text !== "string") {
        throw this.#invalid(
          `${pointer}/${escapePointer(name)}`,
          `must be a string, got ${kind(text)}`,
        );
      }
      labels.push([name, text]);
    }
    // fromEntries defines own properties: a label named __proto__ stays a label.
    return Object.fromEntries(labels);
  }

  #invalid(pointer: string, rule: string): InvalidImageConfigError {
    return new InvalidImageConfigError(this.#image, pointer, rule);
  }
}

/** The last key of a pointer (none of ours needs unescaping). */
function lastKey(pointer: string): string {
  return pointer.slice(pointer.lastIndexOf("/") + 1);
}

function distinctSize(layers: readonly LayerMetadata[]): number {
  const sizes = new Map(layers.map((l) => [l.digest, l.size]));
  return [...sizes.values()].reduce((sum, size) => sum + size, 0);
}

function isDescriptor(value: unknown): value is Descriptor {
  return (
    isRecord(value) &&
    typeof value["digest"] === "string" &&
    typeof value["mediaType"] === "string" &&
    typeof value["size"] === "number" &&
    Number.isSafeInteger(value["size"]) &&
    value["size"] >= 0
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "a list" : typeof value;
}

/** RFC 6901: `~` as `~0`, `/` as `~1`. */
function escapePointer(name: string): string {
  return name.replaceAll("~", "~0").replaceAll("/", "~1");
}
