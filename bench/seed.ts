/**
 * Fills a plain-HTTP registry fast, over the distribution API itself:
 * blobs by monolithic upload, cross-repository mounts, and manifests put
 * under many tags. Pushing 1,000 tags with skopeo would take minutes; this
 * takes seconds. Each tag gets its own manifest digest from an annotation,
 * so every tag resolves to a different image without new blobs.
 */
import { createHash } from "node:crypto";
import type { Agent } from "undici";
import { request } from "undici";
import type { Descriptor } from "../src/registry/manifest.ts";
import { MEDIA_TYPES } from "../test/support/oci-image.ts";
import { inPool } from "./log.ts";

/** A plain-HTTP registry at `url` (`http://127.0.0.1:PORT`). */
export interface Target {
  readonly url: string;
  readonly dispatcher: Agent;
}

/** The sha256 digest of `data`. */
export function digestOf(data: Uint8Array): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

async function expect(what: string, response: Awaited<ReturnType<typeof request>>, want: number) {
  const text = await response.body.text();
  if (response.statusCode !== want) {
    throw new Error(`seed: ${what} answered ${String(response.statusCode)}: ${text.slice(0, 300)}`);
  }
  return response;
}

/** Uploads `data` into `repo` (POST, then one PUT with the digest). */
export async function pushBlob(
  target: Target,
  repo: string,
  data: Uint8Array,
  mediaType: string,
): Promise<Descriptor> {
  const digest = digestOf(data);
  const post = await expect(
    `POST ${repo} upload`,
    await request(`${target.url}/v2/${repo}/blobs/uploads/`, {
      method: "POST",
      dispatcher: target.dispatcher,
    }),
    202,
  );
  const location = new URL(String(post.headers.location), target.url);
  location.searchParams.set("digest", digest);
  await expect(
    `PUT ${repo} ${digest}`,
    await request(location, {
      method: "PUT",
      dispatcher: target.dispatcher,
      headers: { "content-type": "application/octet-stream" },
      body: data,
    }),
    201,
  );
  return { mediaType, digest, size: data.length };
}

/** Mounts blob `digest` of `from` into `repo` (same registry). */
export async function mountBlob(
  target: Target,
  repo: string,
  from: string,
  digest: string,
): Promise<void> {
  const url = `${target.url}/v2/${repo}/blobs/uploads/?mount=${digest}&from=${from}`;
  await expect(
    `mount ${digest} into ${repo}`,
    await request(url, { method: "POST", dispatcher: target.dispatcher }),
    201,
  );
}

/** An OCI image manifest of `config` and `layers`; `mark` makes its digest unique. */
export function manifestBytes(
  config: Descriptor,
  layers: readonly Descriptor[],
  mark: string,
): Buffer {
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config,
    layers,
    annotations: { "bench.imagestream-gitops.io/mark": mark },
  };
  return Buffer.from(JSON.stringify(manifest));
}

/** Puts `manifest` as `repo:reference`; resolves to its digest. */
export async function putManifest(
  target: Target,
  repo: string,
  reference: string,
  manifest: Buffer,
): Promise<string> {
  await expect(
    `PUT ${repo}:${reference}`,
    await request(`${target.url}/v2/${repo}/manifests/${reference}`, {
      method: "PUT",
      dispatcher: target.dispatcher,
      headers: { "content-type": MEDIA_TYPES.manifest },
      body: manifest,
    }),
    201,
  );
  return digestOf(manifest);
}

/** A config blob the way skopeo inspect wants one (it reads os and architecture). */
export function configBytes(diffIds: readonly string[], label: string): Buffer {
  const config = {
    created: "2024-01-01T00:00:00Z",
    architecture: "amd64",
    os: "linux",
    config: { Labels: { "bench.imagestream-gitops.io/image": label } },
    rootfs: { type: "layers", diff_ids: diffIds },
  };
  return Buffer.from(JSON.stringify(config));
}

/** What {@link seedTags} pushed: each `repo:tag`'s digest, and the blobs every manifest shares. */
export interface SeededTags {
  readonly digests: ReadonlyMap<string, string>;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

/**
 * Pushes one small image's blobs into `repos[0]`, mounts them into the
 * other repositories, and tags a distinct manifest as every `repo:tag`,
 * `parallel` requests at a time.
 */
export async function seedTags(
  target: Target,
  repos: readonly string[],
  tags: readonly string[],
  parallel = 16,
): Promise<SeededTags> {
  const [first] = repos;
  if (first === undefined) throw new Error("seedTags: no repositories");
  const layerData = createHash("sha512").update("isg-bench-small-layer").digest();
  const layer = await pushBlob(target, first, layerData, MEDIA_TYPES.layer);
  const config = await pushBlob(
    target,
    first,
    configBytes([layer.digest], "small"),
    MEDIA_TYPES.config,
  );
  await inPool(repos.slice(1), parallel, async (repo) => {
    await mountBlob(target, repo, first, layer.digest);
    await mountBlob(target, repo, first, config.digest);
  });
  const pairs = repos.flatMap((repo) => tags.map((tag) => ({ repo, tag })));
  const digests = await inPool(pairs, parallel, ({ repo, tag }) =>
    putManifest(target, repo, tag, manifestBytes(config, [layer], `${repo}:${tag}`)),
  );
  return {
    digests: new Map(pairs.map(({ repo, tag }, i) => [`${repo}:${tag}`, digests[i] ?? ""])),
    config,
    layers: [layer],
  };
}
