/**
 * Printing references back to strings, exactly as the parts are held: no
 * defaulting, so `parseReference(formatReference(r))` gives `r` back.
 */
import type { Reference } from "./reference.ts";

/**
 * The repository name: `domain/path`, or `path` alone when there is no
 * domain, or the domain alone for an OpenShift registry-only pull spec
 * (empty path).
 */
export function repositoryName(ref: Reference): string {
  if (ref.domain === undefined) return ref.path;
  return ref.path === "" ? ref.domain : `${ref.domain}/${ref.path}`;
}

/** The reference as a string: `[domain/]path[:tag][@digest]`. */
export function formatReference(ref: Reference): string {
  return repositoryName(ref) + formatTagAndDigest(ref);
}

/** The `[:tag][@digest]` suffix of `ref`; empty when it has neither. */
export function formatTagAndDigest(ref: Pick<Reference, "tag" | "digest">): string {
  const tag = ref.tag === undefined ? "" : `:${ref.tag}`;
  const digest = ref.digest === undefined ? "" : `@${ref.digest}`;
  return tag + digest;
}
