/**
 * Blobs of a layout (`blobs/<algorithm>/<hex>`): look one up, read it
 * verified while it streams, and store one through a temporary file that is
 * renamed into place only after its size and digest matched, so a blob file
 * always holds what its name says.
 */
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline as pipelineCallback, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BlobContent, PutBlobResult } from "../image-repository.ts";
import { ReconcilerError } from "../../errors.ts";
import type { Descriptor } from "../manifest.ts";
import { verifiedStream } from "../verified-stream.ts";
import { OciLayoutError } from "./layout-error.ts";
import { blobPath, errnoCode, ioError, tempPath } from "./layout-files.ts";

/** A blob's bytes, as a stream or in memory. */

/** A layout has no media types for blobs; registries answer a blob HEAD with this one too. */
const blobMediaType = "application/octet-stream";

/** The blob's descriptor when the layout holds it, else undefined (also for a missing layout). */
export async function statLayoutBlob(dir: string, digest: string): Promise<Descriptor | undefined> {
  const file = blobPath(dir, digest);
  try {
    const stats = await stat(file);
    return stats.isFile() ? { mediaType: blobMediaType, digest, size: stats.size } : undefined;
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw ioError(dir, `cannot look up blob ${digest}`, err);
  }
}

/**
 * The blob's bytes, verified while streaming against `descriptor` (size and
 * digest): the stream errors with a DigestMismatchError instead of ending.
 *
 * @throws OciLayoutError BLOB_UNKNOWN when the file is missing.
 */
export async function openLayoutBlob(dir: string, descriptor: Descriptor): Promise<Readable> {
  const file = blobPath(dir, descriptor.digest);
  const verify = verifiedStream(descriptor, `blob ${descriptor.digest} in oci:${dir}`);
  let handle;
  try {
    handle = await open(file, "r");
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ENOENT" || code === "ENOTDIR")
      throw new OciLayoutError("BLOB_UNKNOWN", dir, `blob ${descriptor.digest} is not in blobs/`);
    throw ioError(dir, `cannot open blob ${descriptor.digest}`, err);
  }
  // pipeline passes a read error on to `verify` and closes the file when the consumer stops early.
  pipelineCallback(handle.createReadStream(), verify, () => undefined);
  return verify;
}

/**
 * Stores the content `openContent` gives unless a blob of that digest and size is
 * already there. The content is written to a temporary file, synced, and
 * renamed to its digest's name only after it matched `descriptor`.
 *
 * @throws DigestMismatchError when the content does not match (nothing is
 *   kept); whatever `openContent` or its stream throws; OciLayoutError IO.
 */
export async function putLayoutBlob(
  dir: string,
  descriptor: Descriptor,
  openContent: () => BlobContent | Promise<BlobContent>,
): Promise<PutBlobResult> {
  const target = blobPath(dir, descriptor.digest);
  const present = await statLayoutBlob(dir, descriptor.digest);
  if (present !== undefined && (descriptor.size < 0 || present.size === descriptor.size))
    return "exists";
  const temp = tempPath(dir);
  let content: BlobContent | undefined;
  try {
    await mkdir(path.dirname(target), { recursive: true });
    content = await openContent();
    await writeVerified(temp, descriptor, content, `blob ${descriptor.digest} for oci:${dir}`);
    await rename(temp, target);
    return "uploaded";
  } catch (err) {
    if (content instanceof Readable) content.destroy();
    await rm(temp, { force: true });
    // Typed failures (a mismatch, the source registry's error) pass as they are.
    if (err instanceof ReconcilerError) throw err;
    throw ioError(dir, `cannot store blob ${descriptor.digest}`, err);
  }
}

async function writeVerified(
  file: string,
  descriptor: Descriptor,
  content: BlobContent,
  what: string,
): Promise<void> {
  const source = content instanceof Uint8Array ? Readable.from([content]) : content;
  const handle = await open(file, "wx");
  try {
    await pipeline(
      source,
      verifiedStream(descriptor, what),
      async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) {
          // A write may take only part of a chunk (a full disk): a short file must not be kept.
          for (let offset = 0; offset < chunk.length;) {
            const { bytesWritten } = await handle.write(chunk, offset);
            if (bytesWritten === 0) throw new Error(`no progress writing ${file}`);
            offset += bytesWritten;
          }
        }
      },
    );
    await handle.sync();
  } finally {
    await handle.close();
  }
}
