/**
 * Blobs on a registry, read side (go-containerregistry remote/fetcher.go):
 * HEAD for presence and size, GET streamed through a verifier. Registries
 * redirect blob GETs to storage or a CDN on another origin; the transport
 * follows and leaves Authorization behind there.
 */
import { pipeline, type Readable } from "node:stream";
import { parseDigest } from "../reference/index.ts";
import { DigestMismatchError } from "./errors.ts";
import type { Descriptor } from "./manifest.ts";
import { responseError } from "./response-error.ts";
import type { RegistrySession, RepositoryTarget } from "./session.ts";
import { verifiedStream } from "./verified-stream.ts";

/** The media type a blob has when nothing better is known: the registry serves bytes. */
const octetStream = "application/octet-stream";

/** The token scope for reading `target`. */
export function pullScopes(target: RepositoryTarget): string[] {
  return [`repository:${target.repository}:pull`];
}

/**
 * The blob's descriptor (size from Content-Length, -1 when the registry
 * sends none) when `target` holds it, undefined on 404. `scopes` lets a
 * writer ask with the token it pushes with.
 */
export async function statBlob(
  session: RegistrySession,
  target: RepositoryTarget,
  digest: string,
  scopes: readonly string[] = pullScopes(target),
): Promise<Descriptor | undefined> {
  const response = await session.send(target, scopes, {
    method: "HEAD",
    path: blobPath(target, digest),
  });
  await response.body.dump();
  if (response.status === 404) return undefined;
  if (response.status !== 200)
    throw await responseError(response, "HEAD", blobDisplay(target, digest));
  const announced = response.headers["docker-content-digest"];
  if (announced !== undefined && announced !== digest) {
    throw new DigestMismatchError(`blob ${blobDisplay(target, digest)}`, digest, announced, 0);
  }
  const size = Number(response.headers["content-length"]);
  return {
    mediaType: octetStream,
    digest,
    size: Number.isSafeInteger(size) && size >= 0 ? size : -1,
  };
}

/**
 * Sends the GET for `descriptor`'s blob and returns its body as a stream
 * that errors (DigestMismatchError) instead of ending unless the bytes have
 * the descriptor's size and digest. The caller's limiter covers this call,
 * not the reading of the stream.
 */
export async function openBlob(
  session: RegistrySession,
  target: RepositoryTarget,
  descriptor: Descriptor,
): Promise<Readable> {
  const where = blobDisplay(target, descriptor.digest);
  // Built first: an unsupported digest algorithm fails before any request.
  const verified = verifiedStream(descriptor, `blob ${where}`);
  const response = await session.send(target, pullScopes(target), {
    method: "GET",
    path: blobPath(target, descriptor.digest),
  });
  if (response.status !== 200) {
    verified.destroy();
    throw await responseError(response, "GET", where);
  }
  // Errors of either side reach the verified stream; its consumer sees them there.
  pipeline(response.body, verified, () => undefined);
  return verified;
}

/**
 * `/v2/<name>/blobs/<digest>`. Digests come from manifests other people
 * wrote: one that is not `algorithm:hex` (say `sha256:../../x`) is refused
 * rather than let URL normalisation send it to another endpoint.
 */
export function blobPath(target: RepositoryTarget, digest: string): string {
  parseDigest(digest);
  return `/v2/${target.repository}/blobs/${digest}`;
}

/** `repo@digest`, for messages. */
export function blobDisplay(target: RepositoryTarget, digest: string): string {
  return `${target.display}@${digest}`;
}
