/** A repository on a registry, as an ImageRepository, every request within its host's limit. */
import type { ImageRepository } from "./image-repository.ts";
import type { Descriptor, Manifest, Platform } from "./manifest.ts";
import { resolvePlatform } from "./platform-manifest.ts";
import { fetchManifest, resolveManifest } from "./remote-manifests.ts";
import { listTags } from "./remote-tags.ts";
import type { RegistrySession, RepositoryTarget } from "./session.ts";

/** Options of a remote repository. */
export interface RemoteRepositoryOptions {
  /** Tags asked for per page of the tag list. */
  readonly tagPageSize?: number;
}

/** A registry repository. */
export class RemoteRepository implements ImageRepository {
  readonly name: string;
  readonly target: RepositoryTarget;
  readonly #session: RegistrySession;
  readonly #options: RemoteRepositoryOptions;

  constructor(
    session: RegistrySession,
    target: RepositoryTarget,
    options: RemoteRepositoryOptions = {},
  ) {
    this.#session = session;
    this.target = target;
    this.name = target.display;
    this.#options = options;
  }

  async resolve(reference: string, platform?: Platform): Promise<Descriptor> {
    if (platform !== undefined) return resolvePlatform(this, reference, platform);
    return this.#limited(() => resolveManifest(this.#session, this.target, reference));
  }

  async getManifest(reference: string): Promise<Manifest> {
    return this.#limited(() => fetchManifest(this.#session, this.target, reference));
  }

  async listTags(): Promise<string[]> {
    return this.#limited(() => listTags(this.#session, this.target, this.#options.tagPageSize));
  }

  #limited<T>(task: () => Promise<T>): Promise<T> {
    return this.#session.limited(this.target.host, task);
  }
}
