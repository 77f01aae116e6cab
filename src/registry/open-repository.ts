/**
 * Opens a repository by name, wherever it is served: `oci:PATH[:TAG]` is a
 * layout directory; an image reference goes to its registry, or where its
 * host's `location` in the config sends it (registry-location.ts has the
 * rules). Nothing is read here: a layout is looked at on first use, so a
 * layout to be written need not exist yet.
 */
import path from "node:path";
import { parseLocation, type Reference, type RegistryLocation } from "../reference/index.ts";
import type { ImageRepository } from "./image-repository.ts";
import { OciLayout } from "./oci-layout/oci-layout.ts";
import { parseRepositoryName, routeRepository, type RepositoryName } from "./registry-location.ts";
import type { RemoteRepository } from "./remote-repository.ts";

/** What a repository is opened with. */
export interface OpenRepositoryOptions {
  /** Opens a registry repository (RegistryClient.repository). */
  readonly remote: (ref: Reference) => RemoteRepository;
  /** Base of relative `oci:` paths in names (the working directory). */
  readonly cwd: string;
  /** `registries` of the config: only `location` is read here. */
  readonly registries?: Readonly<
    Record<string, { readonly location?: string | undefined } | undefined>
  >;
  /** Base of relative `oci:` locations (the config file's directory; default `cwd`). */
  readonly configDir?: string;
}

/** An opened repository and what to ask it for. */
export interface OpenedRepository {
  readonly repository: ImageRepository;
  /** The tag or digest to resolve; "" for a layout's only image. */
  readonly reference: string;
  /** The registry host whose `location` served the name, when one did. */
  readonly viaLocation?: string;
}

/**
 * Opens `name` (a string, or one parsed by parseRepositoryName).
 *
 * @throws OciReferenceError, ReferenceParseError (code REFERENCE_INVALID)
 *   for a bad name; LocationError (INPUT_INVALID) for a bad location.
 */
export function openRepository(
  name: string | RepositoryName,
  options: OpenRepositoryOptions,
): OpenedRepository {
  const parsed = typeof name === "string" ? parseRepositoryName(name) : name;
  const route = routeRepository(parsed, (domain) => locationOf(options, domain));
  const via = route.viaLocation === undefined ? {} : { viaLocation: route.viaLocation };
  if (route.kind === "registry") {
    return { repository: options.remote(route.ref), reference: route.reference, ...via };
  }
  const base = route.viaLocation === undefined ? options.cwd : (options.configDir ?? options.cwd);
  const repository = new OciLayout(path.resolve(base, route.dir));
  return { repository, reference: route.reference, ...via };
}

function locationOf(options: OpenRepositoryOptions, domain: string): RegistryLocation | undefined {
  const location = options.registries?.[domain]?.location;
  return location === undefined ? undefined : parseLocation(location);
}
