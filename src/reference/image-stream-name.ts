/**
 * Names of ImageStreamTags (`[namespace/]stream:tag`) and ImageStreamImages
 * (`[namespace/]stream@id`), as `oc` and the API take them
 * (openshift/library-go imageutil `ParseImageStreamTagName`,
 * `ParseImageStreamImageName`).
 */
import { readImageId } from "./image-id.ts";
import { ReferenceParseError, type ReferenceParseReason } from "./parse-error.ts";
import { validateNamespace, validateStreamName } from "./stream-name.ts";

/** A parsed `[namespace/]stream:tag`. */
export interface ImageStreamTagName {
  readonly namespace?: string;
  readonly stream: string;
  readonly tag: string;
}

/** A parsed `[namespace/]stream@id`. */
export interface ImageStreamImageName {
  readonly namespace?: string;
  readonly stream: string;
  /** A full digest or an ID prefix, as written. */
  readonly id: string;
  /** True when `id` is a complete digest. */
  readonly exact: boolean;
}

/**
 * Parses `[namespace/]stream:tag`. The stream (and namespace) must be valid
 * names; the tag must be non-empty but is not otherwise checked, since the
 * API server accepts any tag name (use validateTagName for new tags).
 *
 * @throws ReferenceParseError with reason `ISTAG_FORM` (no or several `:`,
 *   an `@`, an empty part), `STREAM_NAME_INVALID`, `STREAM_NAME_TOO_LONG` or
 *   `NAMESPACE_INVALID`.
 */
export function parseImageStreamTagName(input: string): ImageStreamTagName {
  const form = (index: number, message: string) => formError("ISTAG_FORM", input, index, message);
  if (input.includes("@"))
    throw form(input.indexOf("@"), `"${input}" is an image stream image, not an image stream tag`);
  const colon = input.indexOf(":");
  if (colon === -1 || input.includes(":", colon + 1)) {
    const index = colon === -1 ? input.length : input.indexOf(":", colon + 1);
    throw form(index, `expected exactly one ":" delimiter in the istag "${input}"`);
  }
  const tag = input.slice(colon + 1);
  if (colon === 0 || tag === "")
    throw form(
      colon === 0 ? 0 : colon + 1,
      `image stream tag name "${input}" must have a name and a tag`,
    );
  return { ...readStreamPath(input, colon), tag };
}

/**
 * Parses `[namespace/]stream@id`, where id is a full digest or an ID prefix
 * (`ruby@3a335d7`).
 *
 * @throws ReferenceParseError with reason `ISIMAGE_FORM` (no or several `@`,
 *   an empty part), `IMAGE_ID_INVALID`, a `DIGEST_*` reason,
 *   `STREAM_NAME_INVALID`, `STREAM_NAME_TOO_LONG` or `NAMESPACE_INVALID`.
 */
export function parseImageStreamImageName(input: string): ImageStreamImageName {
  const form = (index: number, message: string) => formError("ISIMAGE_FORM", input, index, message);
  const at = input.indexOf("@");
  if (at === -1 || input.includes("@", at + 1)) {
    const index = at === -1 ? input.length : input.indexOf("@", at + 1);
    throw form(index, `expected exactly one "@" in the isimage name "${input}"`);
  }
  if (at === 0 || at === input.length - 1)
    throw form(at === 0 ? 0 : at + 1, `image stream image name "${input}" must have a name and ID`);
  return { ...readStreamPath(input, at), ...readImageId(input, at + 1) };
}

/** Validates `input[0, end)` as `[namespace/]stream`; errors point into `input`. */
function readStreamPath(input: string, end: number): { namespace?: string; stream: string } {
  const slash = input.slice(0, end).indexOf("/");
  const namespace = slash === -1 ? undefined : input.slice(0, slash);
  const stream = input.slice(slash + 1, end);
  const nsProblem = namespace === undefined ? undefined : validateNamespace(namespace);
  if (nsProblem !== undefined) throw nsProblem.relocate(input, nsProblem.index);
  const problem = validateStreamName(stream, namespace);
  if (problem !== undefined) throw problem.relocate(input, slash + 1 + problem.index);
  return { ...(namespace === undefined ? {} : { namespace }), stream };
}

function formError(
  reason: ReferenceParseReason,
  input: string,
  index: number,
  message: string,
): ReferenceParseError {
  return new ReferenceParseError({ reason, input, index, message });
}
