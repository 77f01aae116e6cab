/**
 * The requests every blob upload makes, whichever way its bytes go (OCI
 * distribution spec "Pushing blobs"): each within the host's limit, the
 * Location of each answer resolved against the URL that gave it, the PUT
 * ?digest= that commits, and the DELETE that frees a failed session. The
 * content is verified on its way out, so wrong content is a
 * DigestMismatchError and never committed.
 */
import { pipeline, Transform, type Readable, type TransformCallback } from "node:stream";
import { DigestMismatchError, RegistryError } from "./errors.ts";
import type { BlobContent } from "./image-repository.ts";
import type { Descriptor } from "./manifest.ts";
import { responseError } from "./response-error.ts";
import type { RegistrySession, RepositoryTarget, SessionRequest } from "./session.ts";
import type { HttpResponse } from "./transport.ts";
import { isVerifiedAs, verifiedStream } from "./verified-stream.ts";

/** Where requests of one upload go, and with which token scopes. */
export interface UploadContext {
  readonly session: RegistrySession;
  readonly target: RepositoryTarget;
  readonly scopes: readonly string[];
  readonly descriptor: Descriptor;
  /** `repo@digest`, for messages. */
  readonly where: string;
}

/** An upload session the registry opened. */
export interface OpenedUpload {
  /** Where the content goes. */
  readonly location: URL;
  /** The least chunk size the registry takes (OCI-Chunk-Min-Length), if it said. */
  readonly chunkMinLength: number | undefined;
}

/** The session a 202 answer to POST opened: its Location, and its OCI-Chunk-Min-Length. */
export async function openedUpload(
  context: UploadContext,
  response: HttpResponse,
): Promise<OpenedUpload> {
  // distribution-spec 1.1 "Pushing a blob in chunks": the registry may name a minimum.
  const announced = Number(response.headers["oci-chunk-min-length"] ?? "");
  const chunkMinLength = Number.isSafeInteger(announced) && announced > 0 ? announced : undefined;
  return { location: await uploadLocation(context, response, "POST"), chunkMinLength };
}

/** The Location of an upload answer, resolved against the URL that answered (it may be relative). */
export async function uploadLocation(
  context: UploadContext,
  response: HttpResponse,
  method: string,
): Promise<URL> {
  await response.body.dump();
  const location = response.headers["location"];
  if (location === undefined || location === "") {
    throw new RegistryError(`upload of ${context.where}: the registry sent no Location`, {
      method,
      url: response.url.toString(),
      status: response.status,
      transient: false,
    });
  }
  return new URL(location, response.url);
}

/**
 * `content` as a stream that errors instead of ending unless it is the
 * descriptor's; a stream already verified as that content (another
 * repository's openBlob) is used as it is.
 */
export function verify(context: UploadContext, content: BlobContent): Readable {
  if (!(content instanceof Uint8Array) && isVerifiedAs(content, context.descriptor)) return content;
  const verified = verifiedStream(context.descriptor, `blob ${context.where} to upload`);
  if (content instanceof Uint8Array) {
    verified.end(content);
    return verified;
  }
  pipeline(content, verified, () => undefined);
  return verified;
}

/**
 * `verified` with its latest chunk held back until it ends cleanly: a
 * request with an announced length then never gets its last bytes from
 * content that turns out wrong, so no registry can take it as complete.
 */
export function holdingLast(verified: Readable): Readable {
  let held: Buffer | undefined;
  const holder = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback: TransformCallback) {
      callback(null, held);
    },
  });
  pipeline(verified, holder, () => undefined);
  return holder;
}

/**
 * PUT ?digest= with the last bytes: all of them for a monolithic upload (a
 * stream announced with the descriptor's size, so it is sent as it is read),
 * none after the last PATCH.
 */
export async function commit(
  context: UploadContext,
  location: URL,
  body: Uint8Array | Readable,
): Promise<void> {
  // Appended to the query as given: re-encoding it could break a signed upload URL.
  const url = new URL(location);
  const digest = `digest=${encodeURIComponent(context.descriptor.digest)}`;
  url.search = url.search === "" ? `?${digest}` : `${url.search}&${digest}`;
  const length =
    body instanceof Uint8Array ? {} : { "content-length": String(context.descriptor.size) };
  await request(
    context,
    {
      method: "PUT",
      path: url.toString(),
      headers: { "content-type": "application/octet-stream", ...length },
      body,
    },
    async (response) => {
      if (response.status !== 201 && response.status !== 204) {
        // A 400 DIGEST_INVALID (bytes changed on the way) keeps its OCI code here.
        throw await responseError(response, "PUT", `upload of ${context.where}`);
      }
      await response.body.dump();
      const announced = response.headers["docker-content-digest"];
      if (announced !== undefined && announced !== context.descriptor.digest) {
        throw new DigestMismatchError(
          `blob ${context.where} as stored`,
          context.descriptor.digest,
          announced,
          context.descriptor.size,
        );
      }
    },
  );
}

/** DELETE the upload session after a failure, so the registry frees it; best effort. */
export async function cancel(context: UploadContext, location: URL): Promise<void> {
  try {
    await request(context, { method: "DELETE", path: location.toString() }, async (response) => {
      await response.body.dump();
    });
  } catch {
    // The failure being reported matters more; the registry purges stale uploads anyway.
  }
}

/** Sends one request within the host's limit and handles its answer there too. */
export function request<T>(
  context: UploadContext,
  sessionRequest: SessionRequest,
  handle: (response: HttpResponse) => Promise<T>,
): Promise<T> {
  const { session, target, scopes } = context;
  return session.limited(target.host, async () =>
    handle(await session.send(target, scopes, sessionRequest)),
  );
}
