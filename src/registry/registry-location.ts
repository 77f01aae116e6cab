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
import { ReconcilerError } from "../errors.ts";
import { grammar, parseNormalizedReference, type Reference } from "../reference/index.ts";
import { isOciName, parseOciReference } from "./oci-layout/oci-reference.ts";

/** A registry's `location` setting, parsed. */
export type RegistryLocation =
  | { readonly kind: "layout"; readonly dir: string }
  | { readonly kind: "registry"; readonly host: string; readonly prefix: string };

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

/** A `location` that is neither `oci:DIR` nor `host[:port][/prefix]`. */
export class LocationError extends ReconcilerError {
  readonly location: string;

  constructor(location: string, message: string) {
    super("INPUT_INVALID", `invalid location "${location}": ${message}`);
    this.location = location;
  }
}

const hostPattern = new RegExp(`^${grammar.DOMAIN_AND_PORT}$`);
const prefixPattern = new RegExp(`^${grammar.REMOTE_NAME}$`);

/**
 * Parses a `registries.<host>.location` value.
 *
 * @throws LocationError (code INPUT_INVALID) for anything else, such as a
 *   URL with a scheme, a tag, or an `oci:` location naming an image.
 */
export function parseLocation(text: string): RegistryLocation {
  if (isOciName(text)) {
    const { path, reference } = parseOciReference(text);
    if (reference !== "")
      throw new LocationError(text, "an oci: location names a directory, not an image");
    return { kind: "layout", dir: path };
  }
  if (/^[a-z]+:\/\//i.test(text))
    throw new LocationError(text, "give host[:port][/prefix] without a scheme");
  const slash = text.indexOf("/");
  const host = slash === -1 ? text : text.slice(0, slash);
  const prefix = slash === -1 ? "" : text.slice(slash + 1);
  if (!hostPattern.test(host))
    throw new LocationError(text, `"${host}" is not a registry host[:port]`);
  if (prefix !== "" && !prefixPattern.test(prefix))
    throw new LocationError(text, `"${prefix}" is not a repository path (lower-case, no tag)`);
  return { kind: "registry", host, prefix };
}

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
