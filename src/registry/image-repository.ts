/**
 * One repository of images, wherever it is stored: a registry (over the
 * distribution API) or an OCI image layout directory. Imports and mirrors
 * are written against this port, so a layout can stand in for a registry
 * (disconnected use, the embedded demo) and a copy can go either way.
 */
import type { Readable } from "node:stream";
import type { Descriptor, Manifest, Platform } from "./manifest.ts";

/** A manifest to store: the exact bytes (their hash is the digest) and media type. */
export interface ManifestUpload {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
}

/** A blob's content as `putBlob` takes it: a stream, or bytes that may be sent again. */
export type BlobContent = Readable | Uint8Array;

/** How a blob came to be in a repository: already there, mounted from another repository, or sent. */
export type PutBlobResult = "exists" | "mounted" | "uploaded";

/** Options of one {@link ImageRepository.putBlob}. */
export interface PutBlobOptions {
  /**
   * A repository on the same registry holding the blob: mount it from there
   * instead of uploading (a registry may decline; a layout ignores this).
   */
  readonly mountFrom?: string;
}

/** A stored manifest's descriptor, and what the registry said of it. */
export interface StoredManifest extends Descriptor {
  /**
   * For a manifest with a `subject`: whether the registry said (OCI-Subject,
   * distribution-spec 1.1) it indexes that subject for the referrers API
   * itself; when false, referrers are found only through the tag schema.
   * Absent for a manifest without a subject, and from a layout.
   */
  readonly subjectIndexed?: boolean;
}

/** A repository's manifests, tags and blobs. */
export interface ImageRepository {
  /** For messages: `quay.io/org/app`, `oci:/srv/layout`. */
  readonly name: string;
  /** The descriptor a tag or digest points at; with `platform`, that platform's manifest of an index. */
  resolve(reference: string, platform?: Platform): Promise<Descriptor>;
  /** The manifest a tag or digest points at, verified against the digest. */
  getManifest(reference: string): Promise<Manifest>;
  /** Every tag. */
  listTags(): Promise<string[]>;
  /** The blob's descriptor (digest and size) when the repository holds it; undefined when it does not. */
  statBlob(digest: string): Promise<Descriptor | undefined>;
  /**
   * The blob's bytes, verified while streaming: the stream errors with a
   * DigestMismatchError instead of ending when the size or digest differ.
   */
  openBlob(descriptor: Descriptor): Promise<Readable>;
  /**
   * Stores a blob unless the repository already holds it, verified against
   * `descriptor`. `open` is called only when the content is needed, once per
   * attempt, so a retry never replays a consumed stream; it may be async
   * (another repository's openBlob), so a copy opens nothing it skips.
   * `options.mountFrom` names a repository to mount the blob from.
   */
  putBlob(
    descriptor: Descriptor,
    open: () => BlobContent | Promise<BlobContent>,
    options?: PutBlobOptions,
  ): Promise<PutBlobResult>;
  /**
   * Stores a manifest under `tag`, or by its digest when no tag is given;
   * returns its descriptor, with whether a registry indexes its subject.
   */
  putManifest(manifest: ManifestUpload, tag?: string): Promise<StoredManifest>;
}
