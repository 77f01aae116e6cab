/**
 * D11: knowing, from the files alone, whether a tag's import-relevant spec
 * changed since its status was written. OpenShift compares server-managed
 * generations (G2, G6); Git has none. So when the tool writes a tag's status
 * it also writes, on the spec tag, the annotation
 *
 *     imagestream-gitops.io/imported-from: quay.io/org/app:1.2 Legacy
 *
 * holding exactly the fields G2 counts: `from.namespace` (when it is not
 * the stream's own), `from.name`, `reference`, and `importMode` for an
 * importable tag. A tag whose record differs from its spec is imported
 * again; a change of `insecure`, `scheduled`, `referencePolicy`,
 * `from.kind` or annotations leaves the record, and the status, alone.
 *
 * One line per tag, next to the spec it describes, so a reviewer sees the
 * record move with the status in the same diff. A tag without a record
 * (written by hand, or by OpenShift) is taken at its status's word when the
 * status matches the spec (see `statusMatchesSpec`); only an imported
 * change gets a record.
 */
import type { TagReference, TagEvent } from "../model/generated/imagestream.ts";
import { statusPullSpec } from "./import-settings.ts";
import { qualifiedSourceName } from "./tag-source.ts";

import { importedFromAnnotation } from "../model/plan.ts";

/** The record of `tag`'s import-relevant spec, in the stream's `namespace`. */
export function specRecord(
  namespace: string,
  tag: TagReference,
  mode: "Legacy" | "PreserveOriginal",
): string | undefined {
  const name = qualifiedSourceName(namespace, tag);
  if (name === undefined) return undefined;
  if (tag.reference === true) return `${name} reference`;
  return tag.from?.kind === "DockerImage" ? `${name} ${mode}` : name;
}

/** The record the spec tag carries, if any. */
export function recordOf(tag: TagReference): string | undefined {
  const value = tag.annotations?.[importedFromAnnotation];
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Without a record: whether the head status item can have come from the
 * tag's DockerImage spec (H1, H9). A reference tag's item holds `from.name`
 * verbatim with no image; an imported tag's holds `from.name` without its
 * tag, `@image`. A changed tag (`:1.2` to `:1.3` of the same repository)
 * passes this check; the record is what catches that once it exists.
 */
export function statusMatchesSpec(tag: TagReference, head: TagEvent): boolean {
  const from = tag.from;
  if (from?.kind !== "DockerImage") return true;
  if (tag.reference === true) return head.dockerImageReference === from.name && head.image === "";
  if (head.image === "") return false;
  try {
    // A pinned digest other than the head's: changed (a Legacy pick of a
    // pinned index also lands here once, and its re-import writes the record).
    const at = from.name.indexOf("@");
    if (at !== -1 && from.name.slice(at + 1) !== head.image) return false;
    return head.dockerImageReference === statusPullSpec(from.name, head.image);
  } catch {
    return false;
  }
}
