/** A repository on a registry, as an ImageRepository, every request within its host's limit. */
import type { Readable } from "node:stream";
import { isTransient, UploadTooLargeError } from "./errors.ts";
import type {
  BlobContent,
  ImageRepository,
  ManifestUpload,
  PutBlobOptions,
  PutBlobResult,
  StoredManifest,
} from "./image-repository.ts";
import type { Descriptor, Manifest, Platform } from "./manifest.ts";
import { resolvePlatform } from "./platform-manifest.ts";
import { openBlob, statBlob } from "./remote-blobs.ts";
import { fetchManifest, putManifest, resolveManifest } from "./remote-manifests.ts";
import type { Referrer } from "./referrers.ts";
import { listReferrers, type ListReferrersOptions } from "./remote-referrers.ts";
import { listTags } from "./remote-tags.ts";
import { defaultChunkSize, pushScopes, uploadBlob } from "./remote-uploads.ts";
import type { RegistrySession, RepositoryTarget } from "./session.ts";

/** Options of a remote repository. */
export interface RemoteRepositoryOptions {
  /** Tags asked for per page of the tag list. */
  readonly tagPageSize?: number;
  /**
   * Send blobs in PATCHes of this many bytes instead of one streaming PUT
   * each. Without it blobs go whole, until the host refuses one as too
   * large (413): then in chunks of 8 MiB, or the size the host announces.
   */
  readonly uploadChunkSize?: number;
  /**
   * Attempts at a blob upload in all (default 3). Each request is already
   * retried by the transport; this starts the upload again, reopening the
   * content, when it still fails in a way that may pass (a lost session).
   */
  readonly uploadAttempts?: number;
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

  async statBlob(digest: string): Promise<Descriptor | undefined> {
    return this.#limited(() => statBlob(this.#session, this.target, digest));
  }

  /**
   * Signatures, SBOMs and other artifacts whose `subject` is `digest`: the
   * referrers API, else the `sha256-<hex>` tag schema.
   */
  async listReferrers(digest: string, options?: ListReferrersOptions): Promise<Referrer[]> {
    return this.#limited(() => listReferrers(this.#session, this.target, digest, options));
  }

  /** The limit covers the request; reading the stream is the caller's time. */
  async openBlob(descriptor: Descriptor): Promise<Readable> {
    return this.#limited(() => openBlob(this.#session, this.target, descriptor));
  }

  /**
   * Stores the blob unless the repository holds it already: mounted from
   * `options.mountFrom` when the registry agrees, else uploaded from what
   * `open` returns (called again for each attempt) in one streaming PUT, or
   * in chunks when configured or once the host has refused a blob whole.
   */
  async putBlob(
    descriptor: Descriptor,
    open: () => BlobContent | Promise<BlobContent>,
    options: PutBlobOptions = {},
  ): Promise<PutBlobResult> {
    // The push token (with pull on a mount source) serves the HEAD too: one token for it all.
    const scopes = pushScopes(this.target, options.mountFrom);
    const existing = await this.#limited(() =>
      statBlob(this.#session, this.target, descriptor.digest, scopes),
    );
    if (existing !== undefined) return "exists";
    const attempts = this.#options.uploadAttempts ?? 3;
    let failed = 0;
    for (;;) {
      const chunkSize = this.#uploadChunkSize();
      try {
        // uploadBlob runs each of its requests within the limit itself.
        return await uploadBlob(this.#session, this.target, descriptor, open, {
          ...options,
          ...(chunkSize === undefined ? {} : { chunkSize }),
        });
      } catch (err) {
        // A cap on request bodies (a proxy's, say): this host gets chunks from now on.
        // Sending the blob again in chunks is a change of method, not another attempt.
        if (err instanceof UploadTooLargeError && chunkSize === undefined) {
          const size = Math.max(defaultChunkSize, err.chunkMinLength ?? 0);
          this.#session.rememberUploadChunkSize(this.target.host, size);
          continue;
        }
        failed++;
        if (failed >= attempts || !isTransient(err)) throw err;
      }
    }
  }

  /** Stores the manifest; says whether the registry indexes its subject for the referrers API. */
  async putManifest(manifest: ManifestUpload, tag?: string): Promise<StoredManifest> {
    return this.#limited(() => putManifest(this.#session, this.target, manifest, tag));
  }

  /** The configured chunk size, else the one the host asked for; undefined: blobs go whole. */
  #uploadChunkSize(): number | undefined {
    return this.#options.uploadChunkSize ?? this.#session.uploadChunkSize(this.target.host);
  }

  #limited<T>(task: () => Promise<T>): Promise<T> {
    return this.#session.limited(this.target.host, task);
  }
}
