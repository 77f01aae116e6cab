/**
 * Blob uploads (go-containerregistry remote/write.go, OCI distribution spec
 * "Pushing blobs"): POST opens an upload session, or mounts the blob from
 * another repository of the same registry; then one PUT ?digest= carries
 * the whole blob, streamed as it is read and verified on the way, so an
 * upload costs two requests and never holds a blob in memory. A registry
 * that asks for chunks (a configured chunk size; a 413 to a blob sent
 * whole, see UploadTooLargeError) gets PATCHes instead (upload-chunked.ts).
 */
import { finished } from "node:stream/promises";
import { ReconcilerError } from "../errors.ts";
import { RegistryError, UploadTooLargeError } from "./errors.ts";
import type { BlobContent } from "./image-repository.ts";
import type { Descriptor } from "./manifest.ts";
import { blobDisplay } from "./remote-blobs.ts";
import { responseError } from "./response-error.ts";
import type { RegistrySession, RepositoryTarget } from "./session.ts";
import { sendChunked } from "./upload-chunked.ts";
import {
  cancel,
  commit,
  holdingLast,
  openedUpload,
  request,
  verify,
  type OpenedUpload,
  type UploadContext,
} from "./upload-requests.ts";

/** PATCH size for a registry that asks for chunks without saying how large: few requests, little to buffer. */
export const defaultChunkSize = 8 * 1024 * 1024;

/** How a blob is uploaded. */
export interface UploadOptions {
  /** A repository on the same host that holds the blob: mount it from there instead of sending bytes. */
  readonly mountFrom?: string;
  /**
   * Send the blob in PATCHes of this many bytes (or the session's
   * OCI-Chunk-Min-Length, if larger) instead of one streaming PUT; content
   * no larger than one chunk still goes in one PUT.
   */
  readonly chunkSize?: number;
}

/** How a blob got into the repository. */
export type UploadResult = "mounted" | "uploaded";

/** The token scopes a push to `target` needs, with pull on `mountFrom` for a mount. */
export function pushScopes(target: RepositoryTarget, mountFrom?: string): string[] {
  return [
    `repository:${target.repository}:pull,push`,
    ...(mountFrom === undefined || mountFrom === target.repository
      ? []
      : [`repository:${mountFrom}:pull`]),
  ];
}

/**
 * Uploads `descriptor`'s blob to `target`: mounted from `options.mountFrom`
 * when the registry agrees, else sent from what `content` returns (called
 * once, by this attempt), whole or in `options.chunkSize` chunks. Every
 * request runs within the host's limit; a failed upload's session is
 * cancelled.
 *
 * @throws DigestMismatchError when the content is not the descriptor's;
 *   UploadTooLargeError when the registry refuses the blob whole (413);
 *   RegistryError for other failed requests.
 */
export async function uploadBlob(
  session: RegistrySession,
  target: RepositoryTarget,
  descriptor: Descriptor,
  content: () => BlobContent | Promise<BlobContent>,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const { chunkSize } = options;
  if (chunkSize !== undefined && (!Number.isSafeInteger(chunkSize) || chunkSize < 1)) {
    throw new RangeError(`chunk size must be a positive integer, got ${String(chunkSize)}`);
  }
  const context: UploadContext = {
    session,
    target,
    scopes: pushScopes(target, options.mountFrom),
    descriptor,
    where: blobDisplay(target, descriptor.digest),
  };
  let opened: OpenedUpload | undefined;
  if (options.mountFrom !== undefined && options.mountFrom !== target.repository) {
    const mount = await startMount(context, options.mountFrom);
    if (mount === "mounted") return "mounted";
    opened = mount;
  }
  opened ??= await startUpload(context);
  await sendContent(context, opened, content, chunkSize);
  return "uploaded";
}

/**
 * POST ?mount=&from=: 201 means mounted; 202 means the registry declined
 * and opened an upload session instead (the blob is not in the source, or
 * the registry does not mount). Registries that refuse mounts outright
 * (no pull on the source, the feature disabled) answer 400, 401, 403 or
 * 404: undefined, and the caller uploads normally.
 */
async function startMount(
  context: UploadContext,
  from: string,
): Promise<"mounted" | OpenedUpload | undefined> {
  const { target, descriptor } = context;
  const mount = new URLSearchParams({ mount: descriptor.digest, from });
  return request(
    context,
    { method: "POST", path: `/v2/${target.repository}/blobs/uploads/?${mount.toString()}` },
    async (response) => {
      if (response.status === 201) {
        await response.body.dump();
        return "mounted";
      }
      if (response.status === 202) return openedUpload(context, response);
      if ([400, 401, 403, 404].includes(response.status)) {
        await response.body.dump();
        return undefined;
      }
      throw await responseError(response, "POST", `mount of ${context.where} from ${from}`);
    },
  );
}

/** POST /blobs/uploads/: the upload session. */
async function startUpload(context: UploadContext): Promise<OpenedUpload> {
  return request(
    context,
    { method: "POST", path: `/v2/${context.target.repository}/blobs/uploads/` },
    async (response) => {
      if (response.status === 202) return openedUpload(context, response);
      throw await responseError(response, "POST", `upload of ${context.where}`);
    },
  );
}

/** Sends what `open` gives into the session `opened` and commits it, whole or in chunks. */
async function sendContent(
  context: UploadContext,
  opened: OpenedUpload,
  open: () => BlobContent | Promise<BlobContent>,
  chunkSize: number | undefined,
): Promise<void> {
  let content: BlobContent;
  try {
    content = await open();
  } catch (err) {
    await cancel(context, opened.location);
    throw err;
  }
  if (chunkSize === undefined) {
    await sendWhole(context, opened, content);
  } else {
    const size = Math.max(chunkSize, opened.chunkMinLength ?? 0);
    await sendChunked(context, opened.location, content, size);
  }
}

/**
 * One PUT ?digest= with the whole blob: bytes as they are, once verified; a
 * stream piped through verification as the request reads it, never held
 * whole, its last chunk sent only once the content proved right. Content
 * that is not the descriptor's fails the PUT with its own error (a
 * DigestMismatchError, or the source's), not the broken request's; a 413
 * is an UploadTooLargeError. Any failure cancels the session.
 */
async function sendWhole(
  context: UploadContext,
  opened: OpenedUpload,
  content: BlobContent,
): Promise<void> {
  const verified = verify(context, content);
  // The first error on the content's side: the reason the request broke off.
  let broken: unknown;
  verified.on("error", (err) => {
    broken ??= err;
  });
  const body = content instanceof Uint8Array ? content : holdingLast(verified);
  try {
    if (body instanceof Uint8Array) await finished(verified.resume());
    await commit(context, opened.location, body);
  } catch (err) {
    // Ends the whole chain, the source (another registry's response, say) included.
    verified.destroy();
    await cancel(context, opened.location);
    if (broken instanceof ReconcilerError) throw broken;
    if (err instanceof RegistryError && err.status === 413) {
      throw new UploadTooLargeError(err, opened.chunkMinLength);
    }
    throw err;
  }
}
