/**
 * Blob uploads (go-containerregistry remote/write.go, OCI distribution spec
 * "Pushing blobs"): POST opens an upload session, or mounts the blob from
 * another repository of the same registry; bytes go in one PUT (small
 * content) or in PATCHes of a fixed size with Content-Range, each following
 * the new Location; PUT ?digest= commits. What is sent is hashed on the way
 * and compared with the descriptor before the commit, so wrong content is a
 * DigestMismatchError and never lands in the registry.
 */
import { pipeline, type Readable } from "node:stream";
import { DigestMismatchError, RegistryError } from "./errors.ts";
import type { BlobContent } from "./image-repository.ts";
import type { Descriptor } from "./manifest.ts";
import { blobDisplay } from "./remote-blobs.ts";
import { responseError } from "./response-error.ts";
import type { RegistrySession, RepositoryTarget, SessionRequest } from "./session.ts";
import type { HttpResponse } from "./transport.ts";
import { verifiedStream } from "./verified-stream.ts";

/** PATCH size when none is given: large enough to keep requests few, small enough to buffer. */
export const defaultChunkSize = 8 * 1024 * 1024;

/** How a blob is uploaded. */
export interface UploadOptions {
  /** A repository on the same host that holds the blob: mount it from there instead of sending bytes. */
  readonly mountFrom?: string;
  /** Bytes per PATCH; content no larger than this goes in one PUT. */
  readonly chunkSize?: number;
}

/** How a blob got into the repository. */
export type UploadResult = "mounted" | "uploaded";

/** Where requests of one upload go, and with which token scopes. */
interface UploadContext {
  readonly session: RegistrySession;
  readonly target: RepositoryTarget;
  readonly scopes: readonly string[];
  readonly descriptor: Descriptor;
  /** `repo@digest`, for messages. */
  readonly where: string;
}

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
 * once, by this attempt). Every request runs within the host's limit.
 */
export async function uploadBlob(
  session: RegistrySession,
  target: RepositoryTarget,
  descriptor: Descriptor,
  content: () => BlobContent | Promise<BlobContent>,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const chunkSize = options.chunkSize ?? defaultChunkSize;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`chunk size must be a positive integer, got ${String(chunkSize)}`);
  }
  const context: UploadContext = {
    session,
    target,
    scopes: pushScopes(target, options.mountFrom),
    descriptor,
    where: blobDisplay(target, descriptor.digest),
  };
  let location: URL | undefined;
  if (options.mountFrom !== undefined && options.mountFrom !== target.repository) {
    const mount = await startMount(context, options.mountFrom);
    if (mount === "mounted") return "mounted";
    location = mount;
  }
  location ??= await startUpload(context);
  await sendContent(context, location, content, chunkSize);
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
): Promise<"mounted" | URL | undefined> {
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
      if (response.status === 202) return uploadLocation(context, response, "POST");
      if ([400, 401, 403, 404].includes(response.status)) {
        await response.body.dump();
        return undefined;
      }
      throw await responseError(response, "POST", `mount of ${context.where} from ${from}`);
    },
  );
}

/** POST /blobs/uploads/: the upload session's URL. */
async function startUpload(context: UploadContext): Promise<URL> {
  return request(
    context,
    { method: "POST", path: `/v2/${context.target.repository}/blobs/uploads/` },
    async (response) => {
      if (response.status === 202) return uploadLocation(context, response, "POST");
      throw await responseError(response, "POST", `upload of ${context.where}`);
    },
  );
}

/**
 * Sends what `open` gives into the session at `location` and commits it. Bytes
 * given whole, and streams that end within one chunk, go in a single PUT;
 * longer streams go in PATCHes of `chunkSize`, then an empty PUT. The
 * content is verified as it is read: a mismatch cancels the session.
 */
async function sendContent(
  context: UploadContext,
  location: URL,
  open: () => BlobContent | Promise<BlobContent>,
  chunkSize: number,
): Promise<void> {
  let current = location;
  try {
    const content = await open();
    // Bytes given whole are sent whole: nothing is gained by cutting them up.
    const limit = content instanceof Uint8Array ? Infinity : chunkSize;
    const verified = verify(context, content);
    let pending: Buffer[] = [];
    let pendingSize = 0;
    let offset = 0;
    // More than a chunk buffered means more content follows: send a chunk now.
    for await (const chunk of verified) {
      const buffer = chunk as Buffer;
      pending.push(buffer);
      pendingSize += buffer.length;
      while (pendingSize > limit) {
        const all = Buffer.concat(pending);
        current = await patch(context, current, all.subarray(0, limit), offset);
        offset += limit;
        pending = [all.subarray(limit)];
        pendingSize -= limit;
      }
    }
    const rest = Buffer.concat(pending);
    if (offset === 0) {
      await commit(context, current, rest);
      return;
    }
    if (rest.length > 0) current = await patch(context, current, rest, offset);
    await commit(context, current, new Uint8Array(0));
  } catch (err) {
    await cancel(context, current);
    throw err;
  }
}

/** `content` as a stream that errors instead of ending unless it is the descriptor's. */
function verify(context: UploadContext, content: BlobContent): Readable {
  const verified = verifiedStream(context.descriptor, `blob ${context.where} to upload`);
  if (content instanceof Uint8Array) {
    verified.end(content);
    return verified;
  }
  pipeline(content, verified, () => undefined);
  return verified;
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

/** PUT ?digest= with the last bytes (all of them for a monolithic upload). */
async function commit(context: UploadContext, location: URL, body: Uint8Array): Promise<void> {
  // Appended to the query as given: re-encoding it could break a signed upload URL.
  const url = new URL(location);
  const digest = `digest=${encodeURIComponent(context.descriptor.digest)}`;
  url.search = url.search === "" ? `?${digest}` : `${url.search}&${digest}`;
  await request(
    context,
    {
      method: "PUT",
      path: url.toString(),
      headers: { "content-type": "application/octet-stream" },
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
async function cancel(context: UploadContext, location: URL): Promise<void> {
  try {
    await request(context, { method: "DELETE", path: location.toString() }, async (response) => {
      await response.body.dump();
    });
  } catch {
    // The failure being reported matters more; the registry purges stale uploads anyway.
  }
}

/** The Location of an upload answer, resolved against the URL that answered (it may be relative). */
async function uploadLocation(
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

/** Sends one request within the host's limit and handles its answer there too. */
function request<T>(
  context: UploadContext,
  sessionRequest: SessionRequest,
  handle: (response: HttpResponse) => Promise<T>,
): Promise<T> {
  const { session, target, scopes } = context;
  return session.limited(target.host, async () =>
    handle(await session.send(target, scopes, sessionRequest)),
  );
}
