/**
 * A registry's `location` setting (`registries.<host>.location` in the
 * config): `oci:DIR` serves the host from OCI layouts, `host[:port][/prefix]`
 * from another registry, the prefix taking the place of the host as a
 * registries.conf `location` does. Pure; shared by the config's validation
 * and the registry code that routes requests.
 */
import { ReconcilerError } from "../errors.ts";
import * as grammar from "./grammar.ts";
import { isOciName, parseOciReference } from "./oci-reference.ts";

/** A registry's `location` setting, parsed. */
export type RegistryLocation =
  | { readonly kind: "layout"; readonly dir: string }
  | { readonly kind: "registry"; readonly host: string; readonly prefix: string };

/** A `location` that is neither `oci:DIR` nor `host[:port][/prefix]`. */
export class LocationError extends ReconcilerError {
  readonly location: string;

  constructor(location: string, message: string) {
    super("INPUT_INVALID", `invalid location "${location}": ${message}`);
    this.location = location;
  }
}

const hostPattern = grammar.ANCHORED_DOMAIN_AND_PORT;
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
