/**
 * Reading response bodies with a size limit, and hashing what was served:
 * a digest is the sha256 of the bytes received, never of re-serialised JSON.
 */
import { createHash } from "node:crypto";
import type { DigestAlgorithm } from "../reference/index.ts";
import type { HttpResponse } from "./transport.ts";

/** Manifests larger than this are refused (the OCI distribution spec's suggested limit). */
export const maxManifestBytes = 4 * 1024 * 1024;

/** The whole body, or an error naming the limit once it is passed. */
export async function readLimited(response: HttpResponse, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      response.body.destroy();
      throw new RangeError(`response body exceeds ${String(limit)} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** `sha256:<hex>` of `bytes`. */
export function sha256Digest(bytes: Uint8Array): string {
  return contentDigest(bytes, "sha256");
}

/** `<algorithm>:<hex>` of `bytes`, for a registered algorithm (sha256, sha384, sha512). */
export function contentDigest(bytes: Uint8Array, algorithm: DigestAlgorithm): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}
