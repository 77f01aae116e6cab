/**
 * Docker Hub's names (distribution/reference:normalize.go; SEMANTICS.md §8.3)
 * and the host its v2 API really lives on
 * (openshift/library-go:pkg/image/reference/reference.go `AsV2`).
 */

/** The canonical Docker Hub domain that familiar names expand to. */
export const DOCKER_HUB_DOMAIN = "docker.io";

/** The legacy Docker Hub domain, rewritten to {@link DOCKER_HUB_DOMAIN} on normalisation. */
export const DOCKER_HUB_LEGACY_DOMAIN = "index.docker.io";

/** The host that serves Docker Hub's registry v2 API. */
export const DOCKER_HUB_API_HOST = "registry-1.docker.io";

/** The namespace of Docker Hub's official images. */
export const OFFICIAL_REPOSITORY_PREFIX = "library/";

/** The tag a reference without tag or digest means. */
export const DEFAULT_TAG = "latest";

/**
 * The host to send registry API requests to for `domain`: Docker Hub's
 * names (`docker.io`, `index.docker.io`) map to `registry-1.docker.io`;
 * every other domain is returned unchanged.
 */
export function registryApiHost(domain: string): string {
  return domain === DOCKER_HUB_DOMAIN || domain === DOCKER_HUB_LEGACY_DOMAIN
    ? DOCKER_HUB_API_HOST
    : domain;
}

/** Whether `domain` is one of Docker Hub's names (`docker.io`, `index.docker.io`, the API host). */
export function isDockerHubDomain(domain: string): boolean {
  const lower = domain.toLowerCase();
  return (
    lower === DOCKER_HUB_DOMAIN ||
    lower === DOCKER_HUB_LEGACY_DOMAIN ||
    lower === DOCKER_HUB_API_HOST
  );
}
