/**
 * The registry client: repositories on any number of registries, sharing
 * one session (endpoints, tokens, per-host limits) and one transport.
 * `resolve`, `getManifest` and `listTags` take a parsed reference, for
 * callers that hold one (the `digest` command).
 */
import { registryApiHost, type Reference } from "../reference/index.ts";
import type { Descriptor, Manifest, Platform } from "./manifest.ts";
import { RemoteRepository, type RemoteRepositoryOptions } from "./remote-repository.ts";
import { RegistrySession, type RegistrySessionOptions, type RepositoryTarget } from "./session.ts";

export type { ClientHostSettings } from "./session.ts";

/** What the client is built from. */
export type RegistryClientOptions = RegistrySessionOptions;

/** Talks the OCI distribution API to any number of registries. */
export class RegistryClient {
  readonly session: RegistrySession;

  constructor(options: RegistryClientOptions) {
    this.session = new RegistrySession(options);
  }

  /** The repository `ref` names (normalised: with a domain; Docker Hub without one). */
  repository(ref: Reference, options?: RemoteRepositoryOptions): RemoteRepository {
    return new RemoteRepository(this.session, targetOf(ref), options);
  }

  /**
   * The digest, media type and size `ref` points at, by HEAD where the
   * registry gives the digest. With `platform`, an index is read and the
   * matching platform's manifest is returned.
   */
  resolve(ref: Reference, platform?: Platform): Promise<Descriptor> {
    return this.repository(ref).resolve(referenceOf(ref), platform);
  }

  /** The manifest `ref` points at, verified against the digest asked for and the one announced. */
  getManifest(ref: Reference): Promise<Manifest> {
    return this.repository(ref).getManifest(referenceOf(ref));
  }

  /** Every tag of `ref`'s repository, asking `pageSize` at a time and following Link pagination. */
  listTags(ref: Reference, pageSize = 1000): Promise<string[]> {
    return this.repository(ref, { tagPageSize: pageSize }).listTags();
  }

  /** Releases connections. */
  async close(): Promise<void> {
    await this.session.transport.close();
  }
}

/** The tag or digest to ask for: the digest when both are given, as distribution does. */
function referenceOf(ref: Reference): string {
  return ref.digest ?? ref.tag ?? "latest";
}

function targetOf(ref: Reference): RepositoryTarget {
  const domain = ref.domain ?? "docker.io";
  return {
    host: registryApiHost(domain),
    repository: ref.path,
    display: `${domain}/${ref.path}`,
  };
}
