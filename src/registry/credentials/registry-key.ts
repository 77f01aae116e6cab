/**
 * Auth-file keys and lookup hosts in one normal form (SEMANTICS §9.2, §8.3).
 *
 * A key is `host[:port][/repository/prefix]`, optionally written as a URL.
 * As in containers/image (`normalizeAuthFileKey`) and the docker CLI
 * (`ConvertToHostname`): `http://` / `https://` are stripped and, when a
 * scheme was present, so is the whole path (`https://index.docker.io/v1/` is
 * the host `index.docker.io`); without a scheme the path is kept as a
 * per-repository key (`quay.io/org`). The port is kept: `quay.io:443` is not
 * `quay.io`. Hosts are compared case-insensitively, and Docker Hub's three
 * names (`docker.io`, `index.docker.io`, `registry-1.docker.io`) are one host.
 */
import {
  DOCKER_HUB_API_HOST,
  DOCKER_HUB_DOMAIN,
  DOCKER_HUB_LEGACY_DOMAIN,
  OFFICIAL_REPOSITORY_PREFIX,
} from "../../reference/index.ts";

/** A normalised key: the registry host and a repository prefix ("" for the whole host). */
export interface RegistryKey {
  readonly host: string;
  readonly path: string;
}

/** The server URL Docker stores Docker Hub credentials under (moby registry `IndexServer`). */
export const DOCKER_HUB_SERVER_URL = "https://index.docker.io/v1/";

const scheme = /^https?:\/\//i;
const dockerHubHosts = new Set([DOCKER_HUB_DOMAIN, DOCKER_HUB_LEGACY_DOMAIN, DOCKER_HUB_API_HOST]);

/** `host` lowercased, with Docker Hub's names folded into `docker.io`. */
export function canonicalHost(host: string): string {
  const lower = host.toLowerCase();
  return dockerHubHosts.has(lower) ? DOCKER_HUB_DOMAIN : lower;
}

/** Parses an auth-file (or `credHelpers`) key into its normal form. */
export function parseRegistryKey(key: string): RegistryKey {
  const trimmed = key.trim();
  const withoutScheme = trimmed.replace(scheme, "");
  const slash = withoutScheme.indexOf("/");
  const host = slash === -1 ? withoutScheme : withoutScheme.slice(0, slash);
  const rest = slash === -1 ? "" : withoutScheme.slice(slash + 1);
  const path = withoutScheme === trimmed ? trimSlashes(rest) : "";
  return { host: canonicalHost(host), path };
}

/**
 * The normal form of a lookup: `host` may be any of the key spellings;
 * `repository` loses surrounding slashes, and a one-component Docker Hub
 * repository gets `library/` (N-4) so `nginx` finds a `docker.io/library/nginx` key.
 */
export function lookupKey(host: string, repository = ""): RegistryKey {
  const parsed = parseRegistryKey(host);
  const path = trimSlashes(repository);
  const official =
    parsed.host === DOCKER_HUB_DOMAIN && path !== "" && !path.includes("/")
      ? `${OFFICIAL_REPOSITORY_PREFIX}${path}`
      : path;
  return { host: parsed.host, path: official };
}

/** The server URL a credential helper is asked about: Docker's for Docker Hub, else the host. */
export function helperServerUrl(host: string): string {
  return host === DOCKER_HUB_DOMAIN ? DOCKER_HUB_SERVER_URL : host;
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}
