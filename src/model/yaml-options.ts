/**
 * How every part of the tool reads Kubernetes YAML: the loader, and the
 * writer that must find the very nodes the loader validated. One definition,
 * so the two cannot drift apart.
 */
import type { Tags } from "yaml";

/**
 * YAML 1.1 tags Kubernetes' reader (go-yaml v2) does not turn into values:
 * timestamps stay strings, and the collection tags would otherwise become
 * Maps and Sets that JSON Schema cannot see into.
 */
const unsupportedTags = new Set(
  ["timestamp", "omap", "set", "pairs"].map((t) => `tag:yaml.org,2002:${t}`),
);

/**
 * Parse options matching how Kubernetes reads manifests (sigs.k8s.io/yaml on
 * go-yaml v2): YAML 1.1 scalars (yes/no/on/off are booleans), merge keys.
 */
export const kubernetesYamlOptions = {
  version: "1.1",
  merge: true,
  customTags: (tags: Tags) =>
    tags.filter((t) => typeof t === "string" || !unsupportedTags.has(t.tag)),
  keepSourceTokens: true,
  // yaml would otherwise print its own warnings on the process's stderr.
  logLevel: "error",
  prettyErrors: false,
  uniqueKeys: true,
} as const;
