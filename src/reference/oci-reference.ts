/**
 * `oci:PATH[:REFERENCE]` names, split as containers/image's oci transport
 * does on Linux (oci/internal SplitPathAndImage): at the FIRST colon after
 * `oci:`. So the path can never contain a colon (skopeo cannot name such a
 * directory either; use a symlink), while the reference may: `oci:/l:a:b` is
 * the tag `a:b` of `/l`. The reference is a tag, matched against the
 * `org.opencontainers.image.ref.name` annotation with the grammar of
 * containers/image's ValidateImageName, or a digest (`sha256:` or `sha512:`
 * plus hex), which this tool adds. An empty reference means the layout's
 * only image, as in containers/image. Pure.
 */
import { ReconcilerError } from "../errors.ts";

/** The prefix that marks a layout name. */
export const ociPrefix = "oci:";

/** A parsed `oci:` name. */
export interface OciReference {
  /** The directory as written (relative paths are resolved by the caller). */
  readonly path: string;
  /** A tag, a digest, or "" for the layout's only image. */
  readonly reference: string;
}

/** An `oci:` name that cannot be parsed. */
export class OciReferenceError extends ReconcilerError {
  readonly input: string;

  constructor(input: string, message: string) {
    super("REFERENCE_INVALID", `invalid OCI layout reference "${input}": ${message}`);
    this.input = input;
  }
}

// containers/image oci/internal: the annotation's grammar (OCI annotations.md, ref.name).
const separator = "(?:[-._:@+]|--)";
const alphanum = "(?:[A-Za-z0-9]+)";
const component = `(?:${alphanum}(?:${separator}${alphanum})*)`;
const refNamePattern = new RegExp(`^${component}(?:/${component})*$`);

/** The digests a layout stores blobs under (blobs/<algorithm>/<hex>). */
const digestPattern = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const digestLike = /^(?:sha256|sha512):/;

/** True when `name` is an `oci:` layout name. */
export function isOciName(name: string): boolean {
  return name.startsWith(ociPrefix);
}

/** True when `reference` is a digest this layout can look up (sha256 or sha512, lower-case hex). */
export function isLayoutDigest(reference: string): boolean {
  return digestPattern.test(reference);
}

/** True when `tag` is a valid `org.opencontainers.image.ref.name` value. */
export function isLayoutTag(tag: string): boolean {
  return refNamePattern.test(tag);
}

/**
 * Parses `oci:PATH[:REFERENCE]`.
 *
 * @throws OciReferenceError (code REFERENCE_INVALID) without the `oci:`
 *   prefix, with an empty path, a malformed digest or an invalid tag.
 */
export function parseOciReference(input: string): OciReference {
  if (!isOciName(input)) throw new OciReferenceError(input, `must start with "${ociPrefix}"`);
  const rest = input.slice(ociPrefix.length);
  const colon = rest.indexOf(":");
  const path = colon === -1 ? rest : rest.slice(0, colon);
  const reference = colon === -1 ? "" : rest.slice(colon + 1);
  if (path === "") throw new OciReferenceError(input, "the directory is empty (oci:PATH[:TAG])");
  if (reference === "" || isLayoutDigest(reference)) return { path, reference };
  if (digestLike.test(reference)) {
    throw new OciReferenceError(
      input,
      `"${reference}" is not a digest: sha256 needs 64 and sha512 128 lower-case hex digits`,
    );
  }
  if (!isLayoutTag(reference)) {
    throw new OciReferenceError(
      input,
      `tag "${reference}" must be letters and digits separated by one of - . _ : @ + or --, and /`,
    );
  }
  return { path, reference };
}

/** `oci:PATH:REFERENCE`, or `oci:PATH` for the only image; parses back to the same parts. */
export function formatOciReference(path: string, reference: string): string {
  return reference === "" ? `${ociPrefix}${path}` : `${ociPrefix}${path}:${reference}`;
}
