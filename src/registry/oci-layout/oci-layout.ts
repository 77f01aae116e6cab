/**
 * One OCI image layout directory (OCI image-spec image-layout.md) as an
 * ImageRepository: tags are the `org.opencontainers.image.ref.name`
 * annotations of index.json, digests are whatever index.json reaches, blobs
 * live in `blobs/<algorithm>/<hex>`. Reads look at the files every time (the
 * directory may change under us); writes create the layout when it does not
 * exist, store content only after verifying it, and replace index.json
 * atomically, one write at a time per directory in this process.
 */
import path from "node:path";
import type { Readable } from "node:stream";
import { InternalError } from "../../errors.ts";
import { maxManifestBytes, sha256Digest } from "../body.ts";
import { UnsupportedManifestError } from "../errors.ts";
import type {
  BlobContent,
  ImageRepository,
  ManifestUpload,
  PutBlobResult,
} from "../image-repository.ts";
import type { Descriptor, Manifest, Platform } from "../manifest.ts";
import { resolvePlatform } from "../platform-manifest.ts";
import { openLayoutBlob, putLayoutBlob, statLayoutBlob } from "./layout-blobs.ts";
import { OciLayoutError } from "./layout-error.ts";
import { readLayoutIndex, readOrCreateLayout, writeLayoutIndex } from "./layout-files.ts";
import { formatLayoutIndex, layoutTags, withManifest } from "./layout-index.ts";
import { serialised } from "./layout-lock.ts";
import { findDigest, locateManifest, readLayoutManifest } from "./layout-manifests.ts";
import { referencedBlobs, type ManifestReferences } from "./manifest-references.ts";
import { isLayoutTag } from "../../reference/index.ts";

/** An OCI image layout directory. */
export class OciLayout implements ImageRepository {
  /** `oci:/absolute/dir`. */
  readonly name: string;
  /** The layout's directory, absolute. */
  readonly dir: string;
  #ready: Promise<void> | undefined;

  /** The layout at `dir`, which must be absolute (callers resolve relative paths against their base). */
  constructor(dir: string) {
    if (!path.isAbsolute(dir))
      throw new InternalError(`OciLayout needs an absolute path, got "${dir}"`);
    this.dir = path.normalize(dir);
    this.name = `oci:${this.dir}`;
  }

  /** The descriptor a tag, digest or "" (the only image) names; with `platform`, that platform's manifest of an index. */
  async resolve(reference: string, platform?: Platform): Promise<Descriptor> {
    if (platform !== undefined) return resolvePlatform(this, reference, platform);
    return (await this.getManifest(reference)).descriptor;
  }

  /** The manifest a tag, digest or "" names, verified against its digest. */
  async getManifest(reference: string): Promise<Manifest> {
    const index = await readLayoutIndex(this.dir);
    const descriptor = await locateManifest(this.dir, index, reference);
    return readLayoutManifest(this.dir, descriptor, reference);
  }

  /** Every tag of index.json, sorted. */
  async listTags(): Promise<string[]> {
    return layoutTags(await readLayoutIndex(this.dir));
  }

  /** The blob's descriptor when blobs/ holds it; undefined when not (or when there is no layout yet). */
  statBlob(digest: string): Promise<Descriptor | undefined> {
    return statLayoutBlob(this.dir, digest);
  }

  /** The blob's bytes, verified while streaming (the stream errors with DigestMismatchError). */
  openBlob(descriptor: Descriptor): Promise<Readable> {
    return openLayoutBlob(this.dir, descriptor);
  }

  /**
   * Stores a blob (creating the layout if needed) unless it is there;
   * verified before it is kept. `open` is called only when the blob is
   * missing, and may be async (say, another repository's openBlob).
   */
  async putBlob(
    descriptor: Descriptor,
    open: () => BlobContent | Promise<BlobContent>,
  ): Promise<PutBlobResult> {
    await this.#ensureLayout();
    return putLayoutBlob(this.dir, descriptor, open);
  }

  /**
   * Stores a manifest blob and records it in index.json: under `tag`
   * (replacing the entry that had that tag), or untagged unless index.json
   * already reaches its digest. Every blob and manifest it references must
   * be stored first (foreign layers with `urls` excepted), as a registry
   * requires.
   *
   * @throws OciLayoutError TAG_INVALID, BLOB_UNKNOWN, LAYOUT_INVALID;
   *   UnsupportedManifestError (not JSON, media type contradicting the body, too large).
   */
  async putManifest(manifest: ManifestUpload, tag?: string): Promise<Descriptor> {
    if (tag !== undefined && !isLayoutTag(tag))
      throw new OciLayoutError("TAG_INVALID", this.dir, `"${tag}" is not a valid tag`);
    if (manifest.bytes.length > maxManifestBytes)
      throw new UnsupportedManifestError(
        this.name,
        manifest.mediaType,
        `a manifest may hold at most ${String(maxManifestBytes)} bytes`,
      );
    const descriptor = {
      mediaType: manifest.mediaType,
      digest: sha256Digest(manifest.bytes),
      size: manifest.bytes.length,
    };
    const references = this.#references(manifest, descriptor.digest);
    for (const needed of references.required) {
      if ((await this.statBlob(needed)) !== undefined) continue;
      const message = `manifest ${descriptor.digest} references ${needed}, which is not stored`;
      throw new OciLayoutError("BLOB_UNKNOWN", this.dir, message);
    }
    await this.putBlob(descriptor, () => manifest.bytes);
    await serialised(this.dir, async () => {
      const index = await readLayoutIndex(this.dir);
      // Untagged and already reachable (say, a platform's manifest of a stored index): nothing to record.
      if (tag === undefined && (await findDigest(this.dir, index, descriptor.digest)) !== undefined)
        return;
      const updated = withManifest(index, descriptor, tag, references.manifests);
      // Writing the same tag again leaves the file (and its mtime) alone.
      if (formatLayoutIndex(updated) !== formatLayoutIndex(index))
        await writeLayoutIndex(this.dir, updated);
    });
    return descriptor;
  }

  #references(manifest: ManifestUpload, digest: string): ManifestReferences {
    const where = `${this.name}@${digest}`;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(manifest.bytes).toString("utf8"));
    } catch {
      throw new UnsupportedManifestError(where, manifest.mediaType, "the manifest is not JSON");
    }
    const references = referencedBlobs(json, manifest.mediaType);
    if (typeof references === "string")
      throw new UnsupportedManifestError(where, manifest.mediaType, references);
    return references;
  }

  /** Creates the layout, or checks the existing one, once per object (before the first write). */
  #ensureLayout(): Promise<void> {
    this.#ready ??= serialised(this.dir, async () => {
      await readOrCreateLayout(this.dir);
    });
    const ready = this.#ready;
    // A failure (say, a malformed layout the user then fixes) is not remembered.
    ready.catch(() => {
      if (this.#ready === ready) this.#ready = undefined;
    });
    return ready;
  }
}
