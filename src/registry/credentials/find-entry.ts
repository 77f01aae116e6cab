/**
 * Picks the auth entry for a registry and repository (SEMANTICS §9.2(b)):
 * containers/image's per-repository keys, most specific first.
 */
import type { AuthEntry } from "./parse-auth-file.ts";
import type { RegistryKey } from "./registry-key.ts";

/**
 * The entry of `entries` whose key covers `target` most specifically, or
 * undefined. A key covers a target on the same (canonical) host when its
 * path is empty (the whole registry) or equals the target's repository or
 * one of its leading path components: `quay.io/org` covers `quay.io/org/app`
 * but not `quay.io/organization/app` (containers/image; OpenShift's importer
 * uses a plain string prefix). The longest covering path wins; among keys
 * that normalise alike (`docker.io` and `https://index.docker.io/v1/`) the
 * first in the file wins, where Go's map order would pick at random.
 */
export function findEntry(
  entries: readonly AuthEntry[],
  target: RegistryKey,
): AuthEntry | undefined {
  let best: AuthEntry | undefined;
  for (const entry of entries) {
    if (!covers(entry.registry, target)) continue;
    if (best === undefined || entry.registry.path.length > best.registry.path.length) best = entry;
  }
  return best;
}

function covers(key: RegistryKey, target: RegistryKey): boolean {
  if (key.host !== target.host) return false;
  return key.path === "" || target.path === key.path || target.path.startsWith(`${key.path}/`);
}
