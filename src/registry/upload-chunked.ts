/**
 * A chunked blob upload (OCI distribution spec "Pushing a blob in chunks"),
 * for registries that ask for one: PATCHes of a fixed size with
 * Content-Range, each to the Location the previous answer gave, then an
 * empty PUT ?digest=. Content that ends within one chunk goes in the PUT
 * alone. One chunk at a time is held in memory.
 */
import { RegistryError } from "./errors.ts";
import type { BlobContent } from "./image-repository.ts";
import { responseError } from "./response-error.ts";
import {
  cancel,
  commit,
  request,
  uploadLocation,
  verify,
  type UploadContext,
} from "./upload-requests.ts";

/**
 * Sends `content` into the session at `location` in chunks of `chunkSize`
 * bytes and commits it. The content is verified as it is read: a mismatch
 * fails with DigestMismatchError before the commit, and any failure cancels
 * the session.
 */
export async function sendChunked(
  context: UploadContext,
  location: URL,
  content: BlobContent,
  chunkSize: number,
): Promise<void> {
  let current = location;
  try {
    let pending: Buffer[] = [];
    let pendingSize = 0;
    let offset = 0;
    for await (const chunk of verify(context, content)) {
      pending.push(chunk as Buffer);
      pendingSize += (chunk as Buffer).length;
      // More than a chunk buffered means more content follows: send a chunk now.
      while (pendingSize > chunkSize) {
        const [head, rest] = split(pending, chunkSize);
        current = await patch(context, current, head, offset);
        offset += chunkSize;
        pending = rest;
        pendingSize -= chunkSize;
      }
    }
    const last = Buffer.concat(pending);
    if (offset === 0) {
      await commit(context, current, last);
      return;
    }
    if (last.length > 0) current = await patch(context, current, last, offset);
    await commit(context, current, new Uint8Array(0));
  } catch (err) {
    await cancel(context, current);
    throw err;
  }
}

/** The first `size` bytes of `pieces`, and the pieces after them. */
function split(pieces: readonly Buffer[], size: number): [Buffer, Buffer[]] {
  const head: Buffer[] = [];
  let taken = 0;
  for (const [index, piece] of pieces.entries()) {
    const wanted = size - taken;
    if (piece.length >= wanted) {
      head.push(piece.subarray(0, wanted));
      const rest = piece.length > wanted ? [piece.subarray(wanted)] : [];
      return [join(head), [...rest, ...pieces.slice(index + 1)]];
    }
    head.push(piece);
    taken += piece.length;
  }
  return [join(head), []];
}

/** One buffer of `pieces`, copied only when there are several. */
function join(pieces: readonly Buffer[]): Buffer {
  return pieces.length === 1 && pieces[0] !== undefined ? pieces[0] : Buffer.concat(pieces);
}

/** PATCH one chunk at `offset`; the Location to send the next one to. */
async function patch(
  context: UploadContext,
  location: URL,
  chunk: Uint8Array,
  offset: number,
): Promise<URL> {
  const end = offset + chunk.length - 1;
  return request(
    context,
    {
      method: "PATCH",
      path: location.toString(),
      headers: {
        "content-type": "application/octet-stream",
        "content-range": `${String(offset)}-${String(end)}`,
      },
      body: chunk,
    },
    async (response) => {
      if (response.status === 416) {
        // The registry already holds a chunk whose answer was lost (the transport
        // sent it again): the session is out of step, and a fresh upload will do.
        await response.body.dump();
        throw new RegistryError(`upload of ${context.where} out of step (416)`, {
          method: "PATCH",
          url: response.url.toString(),
          status: 416,
          transient: true,
        });
      }
      if (response.status !== 202) {
        throw await responseError(response, "PATCH", `upload of ${context.where}`);
      }
      // The registry says how much it holds; anything else means the chunks went astray.
      const range = response.headers["range"];
      if (range !== undefined && !new RegExp(`^(bytes=)?0-${String(end)}$`).test(range)) {
        await response.body.dump();
        throw new RegistryError(
          `upload of ${context.where} out of step: sent bytes 0-${String(end)}, the registry holds "${range}"`,
          { method: "PATCH", url: response.url.toString(), status: 202, transient: true },
        );
      }
      return uploadLocation(context, response, "PATCH");
    },
  );
}
