/**
 * What `describe` says about one image stream, as data: the stream's header
 * fields and, per tag, where it comes from, how it is imported and its
 * status history. `--json` prints it as it is; describe-render.ts turns it
 * into text. Built from the loaded model alone, without the registry. Pure.
 */
import type { ResolvedConfig } from "../model/config.ts";
import type {
  ObjectReference,
  TagEvent,
  TagEventCondition,
  TagReference,
} from "../model/generated/imagestream.ts";
import { formatPlatform } from "../model/platform.ts";
import type { StreamEntry } from "../model/repository.ts";
import { importInsecure, importMode, legacyPlatform } from "../plan/import-settings.ts";
import { rankRepositoryTags } from "../plan/rank-tags.ts";
import {
  DOCKER_HUB_DOMAIN,
  DOCKER_HUB_LEGACY_DOMAIN,
  parseDockerImageReference,
  parseSourceName,
} from "../reference/index.ts";

/**
 * What a tag is: `imported` from a registry (DockerImage), `tracking`
 * another tag of its stream, tagged from a tag of another stream
 * (`cross-stream`), `pinned` to one image (ImageStreamImage), a `reference`
 * that is never imported, `status-only` (its spec tag was removed), or
 * `spec-only` (a spec tag without `from`).
 */
export type TagKind =
  "imported" | "tracking" | "cross-stream" | "pinned" | "reference" | "status-only" | "spec-only";

/** A tag's `from`, as written. */
export interface TagSource {
  readonly kind: NonNullable<ObjectReference>["kind"];
  readonly name: string;
  readonly namespace?: string;
}

/** The registry's metadata of a tag's current image (`items[0]`). */
export interface DescribedImage {
  /** The manifest items[0] names: an image, or an index. */
  readonly digest: string;
  readonly mediaType: string;
  /** The image config's `created`, RFC 3339; for an index, the picked platform's. */
  readonly created?: string;
  /** The image the fields below describe: the image itself, or an index's Legacy pick. */
  readonly platform: string;
  /** An index's entries (`os/arch[/variant]`, digest), in its order; empty for an image. */
  readonly platforms: readonly { readonly platform: string; readonly digest: string }[];
  /** Bytes, as `oc describe isimage` counts them: the layers, each blob once, and the config. */
  readonly size: number;
  /** Number of layers. */
  readonly layers: number;
  readonly labels: Readonly<Record<string, string>>;
}

/** A failure reading the registry, with its stable code. */
export interface DescribeError {
  readonly code: string;
  readonly message: string;
}

/** One tag: its spec (when it has one) and its status. */
export interface DescribedTag {
  readonly name: string;
  /** The spec tag's `from`; null for a status-only tag or a spec tag without `from`. */
  readonly source: TagSource | null;
  readonly kind: TagKind;
  /** The spec tag's policy (`Source` when unset); null for a status-only tag. */
  readonly referencePolicy: "Source" | "Local" | null;
  /** How an imported tag is imported (the tag's, else the config's); null for other kinds. */
  readonly importMode: "Legacy" | "PreserveOriginal" | null;
  /** The platform a Legacy import records from an index (`os/arch[/variant]`). */
  readonly legacyPlatform?: string;
  /** An imported tag's import skips TLS verification and may fall back to HTTP (D1). */
  readonly insecure: boolean;
  /** An imported tag is re-imported on every scheduled run. */
  readonly scheduled: boolean;
  /** The spec tag's annotations. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Status history, items[0] the current image. */
  readonly items: readonly TagEvent[];
  readonly conditions: readonly TagEventCondition[];
  /** The registry's metadata of items[0], when it was asked for and read. */
  readonly image?: DescribedImage;
  /** Why items[0] could not be read from the registry. */
  readonly error?: DescribeError;
}

/** The stream's header fields. */
export interface DescribedStream {
  readonly name: string;
  readonly namespace: string;
  /** Repository-relative path of the file defining it. */
  readonly file: string;
  /** 1-based line where its definition starts. */
  readonly line: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /**
   * Where consumers pull it: `<localRegistry>/<namespace>/<name>` when the
   * config sets a local registry, else `spec.dockerImageRepository`; null for neither.
   */
  readonly imageRepository: string | null;
  /** `spec.lookupPolicy.local`. */
  readonly lookupLocal: boolean;
  /** Distinct `image` digests over every tag's status items. */
  readonly uniqueImages: number;
  /** Every tag, spec or status, whether shown or not. */
  readonly tagCount: number;
}

/** The `--json` document. Fields are added, never renamed. */
export interface StreamDescription {
  readonly stream: DescribedStream;
  readonly tags: readonly DescribedTag[];
}

/** Where the stream is defined. */
export interface StreamPlace {
  readonly file: string;
  readonly line: number;
}

/**
 * Describes `entry`: every tag, in the order `oc describe is` shows them
 * (library-go PrioritizeTags: latest, then versions newest first, then the
 * rest by name), or only `onlyTag`.
 */
export function describeStream(
  entry: StreamEntry,
  config: ResolvedConfig,
  place: StreamPlace,
  onlyTag?: string,
): StreamDescription {
  const { stream, namespace } = entry;
  const specTags = new Map((stream.spec?.tags ?? []).map((t) => [t.name, t]));
  const statusTags = new Map((stream.status?.tags ?? []).map((t) => [t.tag, t]));
  const names = rankRepositoryTags([...statusTags.keys(), ...specTags.keys()]);
  const shown = onlyTag === undefined ? names : names.filter((n) => n === onlyTag);
  const images = new Set(
    [...statusTags.values()].flatMap((t) => (t.items ?? []).map((i) => i.image)),
  );
  images.delete("");
  const { name } = stream.metadata;
  const local = config.localRegistry;
  return {
    stream: {
      name,
      namespace,
      ...place,
      labels: definedValues(stream.metadata.labels),
      annotations: definedValues(stream.metadata.annotations),
      imageRepository:
        local !== undefined
          ? `${local}/${namespace}/${name}`
          : stream.spec?.dockerImageRepository || null,
      lookupLocal: stream.spec?.lookupPolicy?.local === true,
      uniqueImages: images.size,
      tagCount: names.length,
    },
    tags: shown.map((tag) => {
      const status = statusTags.get(tag);
      return {
        name: tag,
        ...describeSpec(entry, specTags.get(tag), config),
        items: status?.items ?? [],
        conditions: status?.conditions ?? [],
      };
    }),
  };
}

type SpecFields = Omit<DescribedTag, "name" | "items" | "conditions" | "image" | "error">;

function describeSpec(
  entry: StreamEntry,
  spec: TagReference | undefined,
  config: ResolvedConfig,
): SpecFields {
  const kind = tagKind(entry, spec);
  const from = spec?.from ?? null;
  const imported = kind === "imported" && spec !== undefined && from !== null;
  const mode = imported ? importMode(spec, config) : null;
  return {
    source:
      from === null
        ? null
        : {
            kind: from.kind,
            name: from.name,
            ...(from.namespace === undefined ? {} : { namespace: from.namespace }),
          },
    kind,
    referencePolicy:
      spec === undefined ? null : spec.referencePolicy?.type === "Local" ? "Local" : "Source",
    importMode: mode,
    ...(mode === "Legacy" && spec !== undefined
      ? { legacyPlatform: formatPlatform(legacyPlatform(spec, config)) }
      : {}),
    insecure: imported && importInsecure(entry.stream, spec, registryInsecure(from.name, config)),
    scheduled: imported && spec.importPolicy?.scheduled === true,
    annotations: definedValues(spec?.annotations),
  };
}

function tagKind(entry: StreamEntry, spec: TagReference | undefined): TagKind {
  if (spec === undefined) return "status-only";
  const from = spec.from;
  if (from === undefined || from === null) return "spec-only";
  if (spec.reference === true) return "reference";
  switch (from.kind) {
    case "DockerImage":
      return "imported";
    case "ImageStreamImage":
      return "pinned";
    case "ImageStreamTag":
      return sourceStream(entry, from) === undefined ? "tracking" : "cross-stream";
  }
}

/**
 * How a stream-sourced `from` is shown: `stream:tag` or `stream@id`, with
 * `namespace/` in front when it is another namespace's, as `oc describe`
 * shows it. Other sources as written.
 */
export function sourceDisplayName(
  stream: Pick<DescribedStream, "name" | "namespace">,
  source: TagSource,
): string {
  if (source.kind === "DockerImage") return source.name;
  const prefix =
    source.namespace !== undefined &&
    source.namespace !== "" &&
    source.namespace !== stream.namespace
      ? `${source.namespace}/`
      : "";
  try {
    if (source.kind === "ImageStreamTag") {
      const parsed = parseSourceName(source.kind, source.name);
      return `${prefix}${parsed.stream ?? stream.name}:${parsed.tag}`;
    }
    const parsed = parseSourceName(source.kind, source.name);
    return `${prefix}${parsed.stream ?? stream.name}@${parsed.id}`;
  } catch {
    // The loader reports a malformed name; show it as written.
    return `${prefix}${source.name}`;
  }
}

/** `namespace/name` of another stream `from` names, or undefined for the tag's own stream. */
function sourceStream(entry: StreamEntry, from: NonNullable<ObjectReference>): string | undefined {
  const namespace =
    from.namespace === undefined || from.namespace === "" ? entry.namespace : from.namespace;
  let stream: string;
  try {
    stream = parseSourceName("ImageStreamTag", from.name).stream ?? entry.stream.metadata.name;
  } catch {
    return from.name;
  }
  const own = namespace === entry.namespace && stream === entry.stream.metadata.name;
  return own ? undefined : `${namespace}/${stream}`;
}

/** Whether the config marks the registry of pull spec `name` insecure. */
function registryInsecure(name: string, config: ResolvedConfig): boolean {
  let host: string;
  try {
    host = parseDockerImageReference(name).domain ?? DOCKER_HUB_DOMAIN;
  } catch {
    return false;
  }
  if (host === DOCKER_HUB_LEGACY_DOMAIN) host = DOCKER_HUB_DOMAIN;
  return config.registries[host]?.insecure === true;
}

/** A label or annotation map without the keys YAML left without a value. */
function definedValues(
  map: Readonly<Record<string, string | undefined>> | null | undefined,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
  );
}
