/**
 * One repository of images, wherever it is stored: a registry (over the
 * distribution API) or an OCI image layout directory. Imports and mirrors
 * are written against this port, so a layout can stand in for a registry
 * (disconnected use, the embedded demo) and a copy can go either way.
 */
import type { Descriptor, Manifest, Platform } from "./manifest.ts";

/** A repository's manifests and tags, read side. */
export interface ImageRepository {
  /** For messages: `quay.io/org/app`, `oci:/srv/layout`. */
  readonly name: string;
  /** The descriptor a tag or digest points at; with `platform`, that platform's manifest of an index. */
  resolve(reference: string, platform?: Platform): Promise<Descriptor>;
  /** The manifest a tag or digest points at, verified against the digest. */
  getManifest(reference: string): Promise<Manifest>;
  /** Every tag. */
  listTags(): Promise<string[]>;
}
