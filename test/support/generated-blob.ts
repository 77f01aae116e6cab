/**
 * Blobs of any size made on the fly, never held whole: an AES-CTR keystream
 * from a seed, so the same seed gives the same incompressible bytes on every
 * read. The digest comes from a first pass over the stream, before the test
 * reads it again.
 */
import { createCipheriv, createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { Descriptor } from "../../src/registry/manifest.ts";

/** Bytes per chunk the stream delivers. */
const chunkBytes = 256 * 1024;

/** A generated blob: its descriptor, and a way to read it again. */
export interface GeneratedBlob {
  readonly descriptor: Descriptor;
  /** A fresh stream of the blob's bytes. */
  readonly open: () => Readable;
  /** How often `open` was called. */
  readonly opened: () => number;
}

/** `size` pseudo-random bytes from `seed`, as a stream producing them as they are read. */
export function generatedStream(seed: string, size: number): Readable {
  const key = createHash("sha256").update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  const zeros = Buffer.alloc(chunkBytes);
  let left = size;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const length = Math.min(left, chunkBytes);
      left -= length;
      this.push(cipher.update(zeros.subarray(0, length)));
    },
  });
}

/** A blob of `size` bytes from `seed`, hashed once here, read again by each `open`. */
export async function generatedBlob(
  seed: string,
  size: number,
  mediaType = "application/octet-stream",
): Promise<GeneratedBlob> {
  const hash = createHash("sha256");
  for await (const chunk of generatedStream(seed, size)) hash.update(chunk as Buffer);
  const descriptor = { mediaType, digest: `sha256:${hash.digest("hex")}`, size };
  let opened = 0;
  return {
    descriptor,
    open: () => {
      opened++;
      return generatedStream(seed, size);
    },
    opened: () => opened,
  };
}
