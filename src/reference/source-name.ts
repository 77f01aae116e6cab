/**
 * The `from.name` of a spec tag whose source is another image stream
 * (openshift-apiserver imagestream strategy.go `parseFromReference`;
 * SEMANTICS.md §1.1, §1.3).
 */
import { readImageId } from "./image-id.ts";
import { ReferenceParseError } from "./parse-error.ts";
import { validateStreamName } from "./stream-name.ts";

/** The two `from.kind`s that name an image stream. */
export type StreamSourceKind = "ImageStreamTag" | "ImageStreamImage";

/** `<tag>` or `<stream>:<tag>`; without `stream`, the tag's own stream. */
export interface ImageStreamTagSource {
  readonly kind: "ImageStreamTag";
  readonly stream?: string;
  readonly tag: string;
  readonly id?: never;
  readonly exact?: never;
}

/** `<id>` or `<stream>@<id>`; without `stream`, the tag's own stream. */
export interface ImageStreamImageSource {
  readonly kind: "ImageStreamImage";
  readonly stream?: string;
  /** A full digest or an ID prefix, as written. */
  readonly id: string;
  /** True when `id` is a complete digest. */
  readonly exact: boolean;
  readonly tag?: never;
}

/** A parsed `from.name` of either kind. */
export type SourceName = ImageStreamTagSource | ImageStreamImageSource;

/**
 * Parses a spec tag's `from.name` for `kind`: `<tag>` or `<stream>:<tag>`
 * for ImageStreamTag, `<id>` or `<stream>@<id>` for ImageStreamImage. The
 * stream name must be valid and an ID must be a digest or hex prefix.
 * Stricter than OpenShift in one way: an empty stream, tag or ID is a form
 * error here (OpenShift reports the stream or tag as not found).
 *
 * @throws ReferenceParseError with reason `SOURCE_NAME_FORM` (message
 *   `must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>`),
 *   `STREAM_NAME_INVALID`, `IMAGE_ID_INVALID` or a `DIGEST_*` reason.
 */
export function parseSourceName(kind: "ImageStreamTag", name: string): ImageStreamTagSource;
export function parseSourceName(kind: "ImageStreamImage", name: string): ImageStreamImageSource;
export function parseSourceName(kind: StreamSourceKind, name: string): SourceName;
export function parseSourceName(kind: StreamSourceKind, name: string): SourceName {
  const parts = name.split(kind === "ImageStreamTag" ? ":" : "@");
  const [first = "", second] = parts;
  if (parts.length > 2 || parts.includes("")) {
    const index =
      parts.length > 2
        ? first.length + 1 + (second ?? "").length
        : first === ""
          ? 0
          : first.length + 1;
    const message = "must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>";
    throw new ReferenceParseError({ reason: "SOURCE_NAME_FORM", input: name, index, message });
  }
  const stream = second === undefined ? {} : { stream: first };
  if (second !== undefined) {
    const problem = validateStreamName(first);
    if (problem !== undefined) throw problem.relocate(name, problem.index);
  }
  if (kind === "ImageStreamTag") return { kind, ...stream, tag: second ?? first };
  return { kind, ...stream, ...readImageId(name, second === undefined ? 0 : first.length + 1) };
}
