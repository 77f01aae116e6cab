/**
 * The referrers of a manifest on a registry (distribution-spec 1.1 "Listing
 * Referrers"): the Referrers API first, following Link pagination; when the
 * registry does not implement it (a 404, or an answer that is not an image
 * index), the image index under the referrers tag schema's tag, read and
 * verified like any manifest. go-containerregistry remote/referrers.go and
 * oras-go registry/remote/repository.go take the same two paths.
 */
import { parseDigest } from "../reference/index.ts";
import { maxManifestBytes } from "./body.ts";
import { RegistryError } from "./errors.ts";
import type { Manifest } from "./manifest.ts";
import { contentMediaType, ociIndex } from "./media-types.ts";
import {
  artifactTypeFiltered,
  filterByArtifactType,
  parseReferrersIndex,
  referrersTag,
  tagIndexReferrers,
  type Referrer,
} from "./referrers.ts";
import { fetchManifest } from "./remote-manifests.ts";
import { nextPage } from "./remote-tags.ts";
import { responseError } from "./response-error.ts";
import type { RegistrySession, RepositoryTarget } from "./session.ts";

/** Options of {@link listReferrers}. */
export interface ListReferrersOptions {
  /** Only referrers of this artifact type (`application/spdx+json`, a signature type). */
  readonly artifactType?: string;
}

/** Pages followed at most: a registry that never stops linking is broken. */
const maxPages = 1000;

/** One page of the Referrers API, or the sign that the registry does not implement it. */
type Page =
  | { readonly kind: "page"; readonly referrers: Referrer[]; readonly next: string | undefined }
  | { readonly kind: "unsupported" };

/**
 * The descriptors of the manifests in `target` whose `subject` is `digest`,
 * with their `artifactType` and annotations, in the order the registry
 * lists them. With `options.artifactType`, only those of that type: the
 * registry is asked to filter, and the client filters unless the registry
 * says (OCI-Filters-Applied) that it did. No referrers is an empty list.
 *
 * Sends GETs to `/v2/<name>/referrers/<digest>` (then to each `rel="next"`
 * page) and, when the API is missing, one GET of the manifest tagged
 * `<alg>-<hex>`, verified against the digest the registry announces. The
 * caller runs this within the host's limit (`session.limited`).
 *
 * @throws ReferenceParseError (REFERENCE_INVALID) when `digest` is not a digest.
 * @throws RegistryError (REGISTRY) on a failed request, an unknown repository
 *   (404 NAME_UNKNOWN from the API), or a referrers index with an entry that
 *   is not a descriptor.
 * @throws DigestMismatchError (DIGEST_MISMATCH) when the tag's index does not
 *   hash to the digest the registry announces.
 */
export async function listReferrers(
  session: RegistrySession,
  target: RepositoryTarget,
  digest: string,
  options: ListReferrersOptions = {},
): Promise<Referrer[]> {
  parseDigest(digest);
  const fromApi = await referrersFromApi(session, target, digest, options.artifactType);
  return fromApi ?? referrersFromTag(session, target, digest, options.artifactType);
}

/** Every page of the Referrers API; undefined when the registry does not implement it. */
async function referrersFromApi(
  session: RegistrySession,
  target: RepositoryTarget,
  digest: string,
  artifactType: string | undefined,
): Promise<Referrer[] | undefined> {
  const query =
    artifactType === undefined ? "" : `?${new URLSearchParams({ artifactType }).toString()}`;
  let path: string | undefined = `/v2/${target.repository}/referrers/${digest}${query}`;
  const referrers: Referrer[] = [];
  const seen = new Set<string>();
  for (let page = 0; path !== undefined && !seen.has(path); page++) {
    seen.add(path);
    const url = new URL(path, await session.origin(target.host)).toString();
    if (page >= maxPages) {
      throw new RegistryError(`the referrers list goes on for more than ${maxPages} pages`, {
        method: "GET",
        url,
        transient: false,
      });
    }
    const result = await fetchPage(session, target, path, digest, artifactType);
    if (result.kind === "unsupported") {
      if (page === 0) return undefined;
      throw new RegistryError("a later page of the referrers list is not an image index", {
        method: "GET",
        url,
        transient: false,
      });
    }
    referrers.push(...result.referrers);
    path = result.next;
  }
  return referrers;
}

/** One page: its referrers (filtered unless the registry did) and the next page's path. */
async function fetchPage(
  session: RegistrySession,
  target: RepositoryTarget,
  path: string,
  digest: string,
  artifactType: string | undefined,
): Promise<Page> {
  const display = `referrers of ${target.display}@${digest}`;
  // Read whole inside the transport's retries, as manifests are: a page cut off is fetched again.
  const response = await session.read(
    target,
    [`repository:${target.repository}:pull`],
    { method: "GET", path, headers: { accept: ociIndex } },
    maxManifestBytes,
  );
  if (response.status === 404) {
    const error = await responseError(response, "GET", display);
    // A 404 that names the repository is about the repository, not the API (as oras-go reads it).
    if (error.ociErrors.some((e) => e.code === "NAME_UNKNOWN")) throw error;
    return { kind: "unsupported" };
  }
  if (response.status !== 200) throw await responseError(response, "GET", display);
  const parsed = parseReferrersIndex(contentMediaType(response.headers), parseJson(response.bytes));
  if (parsed.kind === "not-index") return { kind: "unsupported" };
  if (parsed.kind === "invalid") throw invalidIndex(response.url.toString(), parsed.reason);
  const filtered =
    artifactType !== undefined &&
    artifactTypeFiltered(response.headers["oci-filters-applied"], parsed.filtersApplied);
  return {
    kind: "page",
    referrers: filtered ? parsed.referrers : filterByArtifactType(parsed.referrers, artifactType),
    next: nextPage(response.headers["link"]),
  };
}

/** The referrers listed by the index the referrers tag schema's tag holds. */
async function referrersFromTag(
  session: RegistrySession,
  target: RepositoryTarget,
  digest: string,
  artifactType: string | undefined,
): Promise<Referrer[]> {
  const tag = referrersTag(digest);
  let manifest: Manifest;
  try {
    manifest = await fetchManifest(session, target, tag);
  } catch (err) {
    // No tag: nothing refers to the digest yet.
    if (err instanceof RegistryError && err.status === 404) return [];
    throw err;
  }
  const referrers = tagIndexReferrers(manifest, artifactType);
  if (Array.isArray(referrers)) return referrers;
  const origin = await session.origin(target.host);
  throw invalidIndex(`${origin}/v2/${target.repository}/manifests/${tag}`, referrers.invalid);
}

function invalidIndex(url: string, reason: string): RegistryError {
  return new RegistryError(`the referrers index lists an invalid descriptor: ${reason}`, {
    method: "GET",
    url,
    status: 200,
    transient: false,
  });
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}
