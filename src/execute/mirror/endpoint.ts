/**
 * A repository a mirror reads or writes, with what the copy engine needs to
 * know of where it lives: blobs are shared, and mounted, within one
 * registry, so the engine keys its record of what a destination holds by
 * registry and repository path.
 */
import type { ImageRepository } from "../../registry/image-repository.ts";
import type { Referrer } from "../../registry/referrers.ts";
import { RemoteRepository } from "../../registry/remote-repository.ts";

/** A repository, on a registry or in an OCI layout. */
export interface RepositoryEndpoint {
  readonly repository: ImageRepository & {
    /** The Referrers API with its tag-schema fallback, where the repository has one. */
    readonly listReferrers?: (digest: string) => Promise<Referrer[]>;
  };
  /** The registry host, or `oci:<dir>` for a layout: blobs are mounted within one. */
  readonly registry: string;
  /** The repository's path on the registry: the `from` of a mount. */
  readonly path: string;
  /** Whether blobs can be mounted into it from another repository of its registry. */
  readonly mounts: boolean;
}

/** The endpoint of an opened repository. */
export function endpointOf(repository: ImageRepository): RepositoryEndpoint {
  if (repository instanceof RemoteRepository) {
    return {
      repository,
      registry: repository.target.host,
      path: repository.target.repository,
      mounts: true,
    };
  }
  return { repository, registry: repository.name, path: "", mounts: false };
}
