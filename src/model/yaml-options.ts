/**
 * How every part of the tool reads Kubernetes YAML: the loader, and the
 * writer that must find the very nodes the loader validated. One definition,
 * so the two cannot drift apart.
 */
import type { ScalarTag, Tags } from "yaml";

/**
 * YAML 1.1 tags Kubernetes' reader (go-yaml v2) does not turn into values:
 * timestamps stay strings, and the collection tags would otherwise become
 * Maps and Sets that JSON Schema cannot see into.
 */
const unsupportedTags = new Set(
  ["timestamp", "omap", "set", "pairs"].map((t) => `tag:yaml.org,2002:${t}`),
);

/**
 * go-yaml v2's floats (resolve.go's yamlStyleFloat) have a digit in the
 * mantissa. yaml's YAML 1.1 patterns make it optional, so `e5`, `E5` and `.`
 * resolved to NaN, which becomes null: a container named e5 vanished. Keyed
 * by the source of the pattern each replaces; should yaml change its
 * patterns, test/model/yaml-options.test.ts says so.
 */
const goYamlFloats: ReadonlyMap<string, RegExp> = new Map([
  [
    "^[-+]?(?:[0-9][0-9_]*)?(?:\\.[0-9_]*)?[eE][-+]?[0-9]+$",
    /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$/,
  ],
  ["^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*$", /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/],
]);

/**
 * YAML 1.1 tags as go-yaml v2 reads them: without base-60 numbers (`1:20`
 * stays a string; go-yaml leaves them out on purpose) and with its floats.
 */
function asGoYaml(tags: Tags): Tags {
  return tags.flatMap((t): Tags => {
    if (typeof t === "string") return [t];
    if (unsupportedTags.has(t.tag) || t.format === "TIME") return [];
    const pattern = (t as ScalarTag).test;
    const test = pattern === undefined ? undefined : goYamlFloats.get(pattern.source);
    return test === undefined ? [t] : [{ ...(t as ScalarTag), test }];
  });
}

/**
 * Parse options matching how Kubernetes reads manifests (sigs.k8s.io/yaml on
 * go-yaml v2): YAML 1.1 scalars (yes/no/on/off are booleans), merge keys.
 */
export const kubernetesYamlOptions = {
  version: "1.1",
  merge: true,
  customTags: asGoYaml,
  keepSourceTokens: true,
  // yaml would otherwise print its own warnings on the process's stderr.
  logLevel: "error",
  prettyErrors: false,
  uniqueKeys: true,
} as const;
