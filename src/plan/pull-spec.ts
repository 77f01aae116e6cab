/**
 * What consumers of a tag (triggers, lookup policy) resolve it to, by the
 * tag's reference policy (SEMANTICS §5, D9). Pure.
 */
import type { TagEvent, TagReference } from "../model/generated/imagestream.ts";

/**
 * The local registry's pull spec of `image` in the stream: the config's
 * `localRegistry` prefix, then `<namespace>/<stream>@<image>` (L3, D9).
 */
export function localPullSpec(
  localRegistry: string,
  namespace: string,
  stream: string,
  image: string,
): string {
  return `${localRegistry.replace(/\/+$/, "")}/${namespace}/${stream}@${image}`;
}

/**
 * L2-L6: Source gives `items[0].dockerImageReference`; Local gives the local
 * registry's pull spec, falling back to Source when no local registry is
 * configured or the item has no image (a reference tag, L4). A status-only
 * tag (no spec) resolves as Source (L6).
 */
export function consumerPullSpec(
  head: TagEvent,
  tag: TagReference | undefined,
  where: {
    readonly localRegistry: string | undefined;
    readonly namespace: string;
    readonly stream: string;
  },
): string {
  if (
    tag?.referencePolicy?.type === "Local" &&
    where.localRegistry !== undefined &&
    where.localRegistry !== "" &&
    head.image !== ""
  ) {
    return localPullSpec(where.localRegistry, where.namespace, where.stream, head.image);
  }
  return head.dockerImageReference;
}
