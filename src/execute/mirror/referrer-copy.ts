/**
 * Copies what refers to an image (signatures, SBOMs, attestations: manifests
 * whose `subject` is the image) along with it. Referrers are found with the
 * Referrers API or the `<alg>-<hex>` tag schema (referrers.ts); each is
 * copied by digest like an image. A destination that says it indexes
 * subjects itself (OCI-Subject) needs nothing more; for any other the
 * referrers tag is kept up to date: what it lists already, merged with what
 * was copied, so a later signer's entries are never dropped.
 */
import type { StoredManifest } from "../../registry/image-repository.ts";
import { ociIndex } from "../../registry/media-types.ts";
import { referrersTag, type Referrer } from "../../registry/referrers.ts";
import { listReferrersByTag } from "../../registry/tag-referrers.ts";
import type { RepositoryEndpoint } from "./endpoint.ts";
import { readTree } from "./image-tree.ts";
import { pushTree, type PushTarget } from "./push-tree.ts";
import { isNotFound } from "./not-found.ts";

/** Referrer chains followed at most this deep (a signature of an SBOM of an image is 2). */
const maxDepth = 4;

/**
 * Copies the referrers of each of `subjects` (digests present at both ends)
 * from the source to the destination; returns how many were newly stored.
 */
export async function copyReferrers(
  target: PushTarget,
  subjects: readonly string[],
  warn: (message: string) => void,
  depth = 0,
): Promise<number> {
  let copied = 0;
  for (const subject of subjects) {
    const referrers = await referrersOf(target.source, subject);
    if (referrers.length === 0) continue;
    // Manifests newly stored here; undefined for one the destination held already.
    const stored: (StoredManifest | undefined)[] = [];
    for (const referrer of referrers) {
      const copy = await copyReferrer(target, referrer, warn);
      stored.push(copy);
      if (copy !== undefined) copied++;
    }
    if (depth + 1 < maxDepth) {
      copied += await copyReferrers(
        target,
        referrers.map((r) => r.digest),
        warn,
        depth + 1,
      );
    }
    // A registry that indexed every new one itself needs no tag; otherwise ask what it lists.
    const indexed = stored.every((s) => s?.subjectIndexed === true);
    if (!indexed) await completeReferrers(target.destination, subject, referrers);
  }
  return copied;
}

function referrersOf(endpoint: RepositoryEndpoint, subject: string): Promise<Referrer[]> {
  const { repository } = endpoint;
  return repository.listReferrers === undefined
    ? listReferrersByTag(repository, subject)
    : repository.listReferrers(subject);
}

/** One referrer, unless the destination holds it already (then undefined). */
async function copyReferrer(
  target: PushTarget,
  referrer: Referrer,
  warn: (message: string) => void,
): Promise<StoredManifest | undefined> {
  const { source, destination } = target;
  try {
    await destination.repository.resolve(referrer.digest);
    return undefined;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const manifest = await source.repository.getManifest(referrer.digest);
  const { root } = await readTree(source.repository, manifest, { keepManifestList: true }, warn);
  if (root === undefined) throw new Error(`referrer ${referrer.digest} has no content`);
  return pushTree(target, root);
}

/**
 * Makes the destination list `referrers` for `subject`: nothing when it
 * does already (its Referrers API, or its tag), else the referrers tag gets
 * the missing ones added to what it lists.
 */
async function completeReferrers(
  destination: RepositoryEndpoint,
  subject: string,
  referrers: readonly Referrer[],
): Promise<void> {
  const seen = new Set((await referrersOf(destination, subject)).map((r) => r.digest));
  if (referrers.every((r) => seen.has(r.digest))) return;
  const listed = await listReferrersByTag(destination.repository, subject);
  const known = new Set(listed.map((r) => r.digest));
  const added = referrers.filter((r) => !known.has(r.digest));
  const index = {
    schemaVersion: 2,
    mediaType: ociIndex,
    manifests: [...listed, ...added].map(indexEntry),
  };
  await destination.repository.putManifest(
    { bytes: Buffer.from(JSON.stringify(index)), mediaType: ociIndex },
    referrersTag(subject),
  );
}

/** The descriptor as a referrers index lists it. */
function indexEntry(referrer: Referrer): Record<string, unknown> {
  return {
    mediaType: referrer.mediaType,
    digest: referrer.digest,
    size: referrer.size,
    ...(referrer.artifactType === undefined ? {} : { artifactType: referrer.artifactType }),
    ...(referrer.annotations === undefined ? {} : { annotations: referrer.annotations }),
  };
}
