/**
 * What a spec tag's `from` makes of it (SEMANTICS §1.1, §1.7, §2.2): an
 * image to import, a reference recorded as written, a tag tracking another
 * tag of its own stream, a tag resolved once from another stream, or a tag
 * pinned to one image. Pure.
 */
import type { TagReference } from "../model/generated/imagestream.ts";
import { parseSourceName } from "../reference/index.ts";

/** A spec tag's source, classified. */
export type TagSource =
  | { readonly kind: "none" }
  | { readonly kind: "docker"; readonly name: string }
  | { readonly kind: "reference"; readonly name: string }
  /** T1: an ImageStreamTag in the same stream and namespace. */
  | { readonly kind: "tracking"; readonly tag: string }
  /** T2: an ImageStreamTag in another stream or namespace. */
  | {
      readonly kind: "cross-stream";
      readonly namespace: string;
      readonly stream: string;
      readonly tag: string;
    }
  /** An ImageStreamImage: one image of a stream's history, never moving. */
  | {
      readonly kind: "pinned";
      readonly namespace: string;
      readonly stream: string;
      readonly id: string;
      readonly exact: boolean;
    };

/**
 * Classifies `tag` of the stream `stream` in `namespace`.
 *
 * @throws ReferenceParseError when an ImageStreamTag or ImageStreamImage
 *   name is malformed (validation reports these first).
 */
export function tagSource(namespace: string, stream: string, tag: TagReference): TagSource {
  const from = tag.from;
  if (from === undefined || from === null) return { kind: "none" };
  const sourceNamespace =
    from.namespace === undefined || from.namespace === "" ? namespace : from.namespace;
  switch (from.kind) {
    case "DockerImage":
      return tag.reference === true
        ? { kind: "reference", name: from.name }
        : { kind: "docker", name: from.name };
    case "ImageStreamTag": {
      const parsed = parseSourceName("ImageStreamTag", from.name);
      const sourceStream = parsed.stream ?? stream;
      if (sourceNamespace === namespace && sourceStream === stream)
        return { kind: "tracking", tag: parsed.tag };
      return {
        kind: "cross-stream",
        namespace: sourceNamespace,
        stream: sourceStream,
        tag: parsed.tag,
      };
    }
    case "ImageStreamImage": {
      const parsed = parseSourceName("ImageStreamImage", from.name);
      return {
        kind: "pinned",
        namespace: sourceNamespace,
        stream: parsed.stream ?? stream,
        id: parsed.id,
        exact: parsed.exact,
      };
    }
  }
}

/**
 * `from.name`, prefixed with `from.namespace/` when that is another
 * namespace than the stream's `namespace` (G2: an empty namespace and the
 * stream's own are the same source); undefined without `from`.
 */
export function qualifiedSourceName(namespace: string, tag: TagReference): string | undefined {
  const from = tag.from;
  if (from === undefined || from === null) return undefined;
  const other =
    from.namespace !== undefined && from.namespace !== "" && from.namespace !== namespace;
  return other ? `${from.namespace ?? ""}/${from.name}` : from.name;
}

/** The source as the plan shows it: `DockerImage quay.io/o/a:1`, `ImageStreamTag shared/base:1.0`. */
export function describeSource(namespace: string, tag: TagReference): string | undefined {
  const name = qualifiedSourceName(namespace, tag);
  return name === undefined ? undefined : `${tag.from?.kind ?? ""} ${name}`;
}
