/**
 * Images that move without a change in Git: a `latest` tag, or no tag at
 * all, without a digest. Kubernetes pulls those with imagePullPolicy
 * Always (K1, K2), so what runs depends on when a pod starts. Pure.
 */
import { DEFAULT_TAG, parseNormalizedReference, ReferenceParseError } from "../reference/index.ts";

/** Why `image` floats, or undefined when it is pinned, tagged otherwise, or not a pull spec. */
export function floatingLatest(image: string): string | undefined {
  let reference;
  try {
    reference = parseNormalizedReference(image);
  } catch (err) {
    if (err instanceof ReferenceParseError) return undefined;
    throw err;
  }
  if (reference.digest !== undefined) return undefined;
  if (reference.tag !== undefined && reference.tag !== DEFAULT_TAG) return undefined;
  const how = reference.tag === undefined ? "has no tag (so latest)" : "is a latest tag";
  return `${image} ${how} without a digest: Kubernetes pulls it with imagePullPolicy Always and it changes without a change in Git`;
}
