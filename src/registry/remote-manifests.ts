/**
 * Manifests on a registry: resolve by HEAD (GET and hash when the registry
 * sends no Docker-Content-Digest), fetch verified against the digest asked
 * for and the one announced, and store by PUT, checking the digest the
 * registry announces. A digest is the sha256 of the bytes served or sent.
 */
import {
  grammar,
  parseDigest,
  ReferenceParseError,
  type DigestAlgorithm,
} from "../reference/index.ts";
import { contentDigest, maxManifestBytes, sha256Digest } from "./body.ts";
import { DigestMismatchError, UnsupportedManifestError } from "./errors.ts";
import type { ManifestUpload, StoredManifest } from "./image-repository.ts";
import type { Descriptor, Manifest } from "./manifest.ts";
import { contentMediaType, isSchema1, manifestAccept } from "./media-types.ts";
import { responseError } from "./response-error.ts";
import type { RegistrySession, RepositoryTarget } from "./session.ts";
import type { HttpResponse } from "./transport.ts";

/** The descriptor `reference` (a tag or digest) points at. */
export async function resolveManifest(
  session: RegistrySession,
  target: RepositoryTarget,
  reference: string,
): Promise<Descriptor> {
  // Registries announce sha256 only; another algorithm is checked on the bytes.
  if (isDigest(reference) && !reference.startsWith("sha256:"))
    return (await fetchManifest(session, target, reference)).descriptor;
  const response = await manifestRequest(session, "HEAD", target, reference);
  const digest = response.headers["docker-content-digest"];
  const mediaType = contentMediaType(response.headers);
  const size = Number(response.headers["content-length"] ?? "");
  await response.body.dump();
  // Without all three, the GET's bytes are the only source of truth.
  if (digest === undefined || mediaType === "" || !Number.isSafeInteger(size) || size <= 0)
    return (await fetchManifest(session, target, reference)).descriptor;
  checkSupported(display(target, reference), mediaType);
  if (isDigest(reference) && digest !== reference) {
    throw new DigestMismatchError(`manifest ${display(target, reference)}`, reference, digest, 0);
  }
  return { digest, mediaType, size };
}

/** The manifest `reference` points at, verified against the digest asked for and the one announced. */
export async function fetchManifest(
  session: RegistrySession,
  target: RepositoryTarget,
  reference: string,
): Promise<Manifest> {
  // Read whole inside the transport's retries: a body cut off mid-way is fetched again.
  const response = await session.read(
    target,
    [`repository:${target.repository}:pull`],
    {
      method: "GET",
      path: manifestPath(target, reference),
      headers: { accept: manifestAccept },
    },
    maxManifestBytes,
  );
  const where = display(target, reference);
  if (response.status !== 200) throw await responseError(response, "GET", where);
  const mediaType = contentMediaType(response.headers);
  const announced = response.headers["docker-content-digest"];
  const bytes = response.bytes;
  // Each digest is checked with its own algorithm; by digest, that is the one reported.
  const digest = isDigest(reference) ? reference : sha256Digest(bytes);
  for (const want of [digest, announced]) {
    const algorithm = want === undefined ? undefined : algorithmOf(want);
    if (want === undefined || algorithm === undefined) continue;
    const got = contentDigest(bytes, algorithm);
    if (got !== want) throw new DigestMismatchError(`manifest ${where}`, want, got, bytes.length);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new UnsupportedManifestError(where, mediaType, "the manifest is not JSON");
  }
  checkSupported(where, mediaType);
  return { descriptor: { digest, mediaType, size: bytes.length }, bytes, json };
}

/**
 * Stores `manifest` under `tag`, or under its digest when no tag is given,
 * with Content-Type set to its media type. The registry must announce the
 * sha256 of the bytes sent (when it announces a digest at all). For a
 * manifest with a `subject`, `subjectIndexed` says whether the registry
 * answered with that subject in OCI-Subject (distribution-spec 1.1 "Pushing
 * Manifests with Subject"): it maintains the referrers API itself.
 */
export async function putManifest(
  session: RegistrySession,
  target: RepositoryTarget,
  manifest: ManifestUpload,
  tag?: string,
): Promise<StoredManifest> {
  const digest = sha256Digest(manifest.bytes);
  const reference = tag ?? digest;
  const where = display(target, reference);
  checkSupported(where, manifest.mediaType);
  const response = await session.send(target, [`repository:${target.repository}:pull,push`], {
    method: "PUT",
    path: manifestPath(target, reference),
    headers: { "content-type": manifest.mediaType },
    body: manifest.bytes,
  });
  if (response.status !== 201 && response.status !== 200 && response.status !== 204) {
    throw await responseError(response, "PUT", where);
  }
  await response.body.dump();
  const announced = response.headers["docker-content-digest"];
  if (announced !== undefined && announced !== digest) {
    throw new DigestMismatchError(
      `manifest ${where} as stored`,
      digest,
      announced,
      manifest.bytes.length,
    );
  }
  const stored = { digest, mediaType: manifest.mediaType, size: manifest.bytes.length };
  const subject = subjectOf(manifest.bytes);
  if (subject === undefined) return stored;
  return { ...stored, subjectIndexed: response.headers["oci-subject"] === subject };
}

/** The digest of the manifest's `subject`, if it is JSON and has one. */
function subjectOf(bytes: Uint8Array): string | undefined {
  try {
    const json = JSON.parse(Buffer.from(bytes).toString("utf8")) as {
      subject?: { digest?: unknown };
    } | null;
    const digest = json?.subject?.digest;
    return typeof digest === "string" ? digest : undefined;
  } catch {
    return undefined;
  }
}

/** `repo:tag` or `repo@digest`, for messages. */
export function display(target: RepositoryTarget, reference: string): string {
  return `${target.display}${isDigest(reference) ? "@" : ":"}${reference}`;
}

async function manifestRequest(
  session: RegistrySession,
  method: "GET" | "HEAD",
  target: RepositoryTarget,
  reference: string,
): Promise<HttpResponse> {
  const response = await session.send(target, [`repository:${target.repository}:pull`], {
    method,
    path: manifestPath(target, reference),
    headers: { accept: manifestAccept },
  });
  if (response.status === 200) return response;
  throw await responseError(response, method, display(target, reference));
}

function isDigest(reference: string): boolean {
  return reference.includes(":");
}

/**
 * `/v2/<name>/manifests/<tag or digest>`, refusing what is neither: a
 * digest from someone else's index must not be able to name another path.
 */
function manifestPath(target: RepositoryTarget, reference: string): string {
  if (isDigest(reference)) parseDigest(reference);
  else if (!grammar.ANCHORED_TAG.test(reference))
    throw new ReferenceParseError({
      reason: "TAG_INVALID",
      input: reference,
      index: 0,
      message: `invalid tag ${JSON.stringify(reference)}`,
    });
  return `/v2/${target.repository}/manifests/${reference}`;
}

/** The registered algorithm of a well-formed digest; undefined for anything else. */
function algorithmOf(digest: string): DigestAlgorithm | undefined {
  try {
    return parseDigest(digest).algorithm;
  } catch {
    return undefined;
  }
}

function checkSupported(where: string, mediaType: string): void {
  if (isSchema1(mediaType)) {
    throw new UnsupportedManifestError(
      where,
      mediaType,
      "Docker schema 1 is not supported; re-push the image with a current client (docker push, skopeo copy) to get a schema 2 or OCI manifest",
    );
  }
}
