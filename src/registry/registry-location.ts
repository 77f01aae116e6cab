/**
 * Where a repository name is served from, as pure data. A name is either an
 * OCI layout (`oci:PATH[:TAG]`) or an image reference; a reference whose
 * registry has a `location` in the config is routed there:
 *
 * - `location: host[:port][/prefix]` sends the requests to that registry,
 *   the prefix taking the place of the host, as a registries.conf
 *   `[[registry]] location` rewrites `prefix` (containers/image
 *   sysregistriesv2 rewriteReference): with `mirror:5000/quay`,
 *   `quay.io/org/app:1` is read as `mirror:5000/quay/org/app:1`.
 * - `location: oci:DIR` serves every repository of that host from its own
 *   layout `DIR/<repository path>`: `quay.io/org/app:1` is the tag `1` of the
 *   layout `DIR/org/app`. One layout per repository, as `oc image mirror`'s
 *   `file://` mirrors keep one directory per repository, so a tag means the
 *   same thing in the layout as on the registry.
 *
 * Paths stay as written; the caller resolves relative ones against its base
 * directory (the working directory for names, the config file's directory
 * for locations).
 */
import {
  isOciName,
  parseNormalizedReference,
  parseOciReference,
  type Reference,
  type RegistryLocation,
} from "../reference/index.ts";

/** A repository name, parsed: a layout or a registry reference. */
export type RepositoryName =
  | { readonly kind: "layout"; readonly path: string; readonly reference: string }
  | { readonly kind: "registry"; readonly ref: Reference };

/** Where a name is read and written, and the tag or digest to ask for there. */
export type RepositoryRoute =
  | {
      readonly kind: "layout";
      readonly dir: string;
      /** The name came from a `location: oci:` of this host: `dir` is relative to the config. */
      readonly viaLocation: string | undefined;
      readonly reference: string;
    }
  | {
      readonly kind: "registry";
      /** The reference to send requests for, after any rewrite. */
      readonly ref: Reference;
      readonly viaLocation: string | undefined;
      readonly reference: string;
    };

/**
 * Parses a repository name: `oci:PATH[:TAG]`, or an image reference with
 * Docker's familiar-name rules.
 *
 * @throws OciReferenceError or ReferenceParseError (code REFERENCE_INVALID).
 */
export function parseRepositoryName(name: string): RepositoryName {
  if (isOciName(name)) return { kind: "layout", ...parseOciReference(name) };
  return { kind: "registry", ref: parseNormalizedReference(name) };
}

/**
 * Where `name` is served: a layout name as it is, a reference through its
 * host's location when `locationOf` gives one (looked up by the domain as
 * written in configs: `docker.io` for Docker Hub). The reference asked for
 * is the digest when there is one, else the tag, else `latest`.
 */
export function routeRepository(
  name: RepositoryName,
  locationOf: (domain: string) => RegistryLocation | undefined,
): RepositoryRoute {
  if (name.kind === "layout")
    return { kind: "layout", dir: name.path, viaLocation: undefined, reference: name.reference };
  const { ref } = name;
  const reference = ref.digest ?? ref.tag ?? "latest";
  const domain = ref.domain ?? "docker.io";
  const location = locationOf(domain);
  if (location === undefined) return { kind: "registry", ref, viaLocation: undefined, reference };
  if (location.kind === "layout") {
    const dir = `${location.dir.replace(/\/+$/, "")}/${ref.path}`;
    return { kind: "layout", dir, viaLocation: domain, reference };
  }
  const path = location.prefix === "" ? ref.path : `${location.prefix}/${ref.path}`;
  const rewritten: Reference = { ...ref, domain: location.host, path };
  return { kind: "registry", ref: rewritten, viaLocation: domain, reference };
}
