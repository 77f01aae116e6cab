/**
 * The order in which the writer puts the fields of new objects: the order of
 * openshift/api's Go structs, which is how `oc get -o yaml` prints them. A
 * sibling object's own order wins where it shows one.
 */

/** Key order of an object, and of the objects nested in it. */
export interface FieldOrder {
  readonly keys: readonly string[];
  /** Orders of the objects under some keys. */
  readonly fields?: Readonly<Record<string, FieldOrder>>;
  /** Order of the objects in an array value. */
  readonly items?: FieldOrder;
}

/** An array of objects in `items` order. */
export function listOf(items: FieldOrder): FieldOrder {
  return { keys: [], items };
}

/** A status history item (TagEvent). */
export const tagEventOrder: FieldOrder = {
  keys: ["created", "dockerImageReference", "image", "generation"],
};

/** A status tag entry (NamedTagEventList). */
export const statusTagOrder: FieldOrder = {
  keys: ["tag", "items", "conditions"],
  fields: { items: listOf(tagEventOrder) },
};

/** An ImageStream's `status`. */
export const statusOrder: FieldOrder = {
  keys: ["dockerImageRepository", "publicDockerImageRepository", "tags"],
  fields: { tags: listOf(statusTagOrder) },
};

/** A spec tag (TagReference). */
export const tagReferenceOrder: FieldOrder = {
  keys: [
    "name",
    "annotations",
    "from",
    "reference",
    "generation",
    "importPolicy",
    "referencePolicy",
  ],
  fields: {
    from: { keys: ["kind", "name", "namespace"] },
    importPolicy: { keys: ["insecure", "scheduled", "importMode"] },
  },
};

/** An ImageStream's `spec`. */
export const specOrder: FieldOrder = {
  keys: ["lookupPolicy", "dockerImageRepository", "tags"],
  fields: { tags: listOf(tagReferenceOrder) },
};

/**
 * The keys of `present` in writing order: the sibling's order for the keys it
 * has, each other key placed before the first one `order` puts after it.
 */
export function orderKeys(
  present: readonly string[],
  order: FieldOrder | undefined,
  sibling: readonly string[],
): string[] {
  const preferred = order?.keys ?? [];
  const rank = (key: string): number => {
    const at = preferred.indexOf(key);
    return at < 0 ? preferred.length : at;
  };
  const placed = sibling.filter((key) => present.includes(key));
  const rest = present.filter((key) => !placed.includes(key));
  for (const key of [...rest].sort((a, b) => rank(a) - rank(b))) {
    const before = placed.findIndex((other) => rank(other) > rank(key));
    placed.splice(before < 0 ? placed.length : before, 0, key);
  }
  return placed;
}
