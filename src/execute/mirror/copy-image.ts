/**
 * Mirrors one source image to its destinations (oc image mirror, §10.4,
 * with D13's platforms): the source manifest is read once and verified, each
 * destination is asked whether its tag already points at the image (then
 * only the referrers are checked), the tree is read and filtered, and each
 * destination gets blobs, manifests and tag in that order. A destination
 * that fails does not stop the others.
 */
import { errorSummary } from "../../errors.ts";
import { indexManifests, type Manifest } from "../../registry/manifest.ts";
import type { BlobCopier } from "./blob-copier.ts";
import type { RepositoryEndpoint } from "./endpoint.ts";
import { readTree, treeBlobs, type Filtering, type ImageNode } from "./image-tree.ts";
import type { MirrorEvent } from "./mirror-events.ts";
import { isNotFound } from "./not-found.ts";
import type { PlatformFilter } from "./platform-filter.ts";
import { pushManifests, pushTree, type PushTarget } from "./push-tree.ts";
import { copyReferrers } from "./referrer-copy.ts";

/** One destination of an image. */
export interface MirrorDestination {
  readonly endpoint: RepositoryEndpoint;
  /** The tag to point at the image; none pushes by digest only (X4). */
  readonly tag?: string;
  /** How the user named it, for messages and results. */
  readonly display: string;
}

/** One image to mirror. */
export interface ImageCopy {
  readonly source: RepositoryEndpoint;
  /** The tag or digest to read ("" for a layout's only image). */
  readonly reference: string;
  /** How the user named the source. */
  readonly display: string;
  readonly destinations: readonly MirrorDestination[];
}

/** How images are copied. */
export interface CopyOptions {
  readonly filter: PlatformFilter;
  /** Copy referrers with the image (default); `--skip-referrers` turns it off. */
  readonly referrers: boolean;
  /** Copy blobs even when the destination holds the manifest (oc's --force). */
  readonly force: boolean;
  readonly copier: BlobCopier;
  readonly emit: (event: MirrorEvent) => void;
  /** Read the source and ask each destination what it holds; write nothing. */
  readonly dryRun?: boolean;
  /** A source that does not exist is a warning, not a failure (oc's --skip-missing). */
  readonly skipMissing?: boolean;
}

/** What happened at one destination. */
export interface DestinationResult {
  readonly destination: string;
  readonly tag?: string;
  /** The digest the destination holds now (the pushed top manifest's), and its media type. */
  readonly digest?: string;
  readonly mediaType?: string;
  /**
   * copied: something was written; unchanged: the tag already pointed at
   * the image; planned: a dry run would copy it.
   */
  readonly status: "copied" | "unchanged" | "planned" | "failed";
  /** Referrers copied (0 when none, or when they were there already). */
  readonly referrers: number;
  /** Why the referrers could not be copied; the image itself was. */
  readonly referrersError?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

/** What happened to one image. */
export interface ImageResult {
  readonly source: string;
  /** The source's digest (its index, for a multi-platform image). */
  readonly sourceDigest?: string;
  /** What the platform filter did; anything but "none" means the destination digest differs. */
  readonly filtering: Filtering;
  readonly destinations: readonly DestinationResult[];
  /** The source could not be read: nothing was written anywhere. */
  readonly error?: { readonly code: string; readonly message: string };
  /** The source does not exist and --skip-missing said to go on. */
  readonly missing?: boolean;
}

/** Mirrors `image` to each of its destinations. */
export async function copyImage(image: ImageCopy, options: CopyOptions): Promise<ImageResult> {
  const warn = (message: string): void => {
    options.emit({ type: "warning", message });
  };
  let top: Manifest;
  try {
    top = await image.source.repository.getManifest(image.reference);
  } catch (err) {
    return sourceFailed(image, options, err, undefined);
  }
  const sourceDigest = top.descriptor.digest;
  // Unfiltered, the digest pushed is the source's: a destination holding it needs nothing
  // more read (a no-op re-run costs one GET at the source and one HEAD per destination).
  if (options.filter.pattern === undefined) {
    const states = await heldStates(image, sourceDigest, options);
    if (states.every((s) => s.held === "tagged")) {
      const root = { manifest: top, blobs: [], children: [] };
      return finish(image, options, root, "none", states, sourceDigest);
    }
  }
  let tree: { root: ImageNode | undefined; filtering: Filtering };
  try {
    tree = await readTree(image.source.repository, top, options.filter, warn);
  } catch (err) {
    return sourceFailed(image, { ...options, skipMissing: false }, err, sourceDigest);
  }
  const { root, filtering } = tree;
  if (root === undefined) {
    warn(`no platform of ${image.display} matches the filter: nothing copied (ML6)`);
    return { source: image.display, sourceDigest, filtering, destinations: [] };
  }
  const states = await heldStates(image, root.manifest.descriptor.digest, options);
  return finish(image, options, root, filtering, states, sourceDigest);
}

type States = readonly { readonly d: MirrorDestination; readonly held: Held }[];

async function heldStates(image: ImageCopy, digest: string, options: CopyOptions): Promise<States> {
  return Promise.all(
    image.destinations.map(async (d) => ({ d, held: await heldState(d, digest, options) })),
  );
}

/** Announces the work, then copies to every destination at once. */
async function finish(
  image: ImageCopy,
  options: CopyOptions,
  root: ImageNode,
  filtering: Filtering,
  states: States,
  sourceDigest: string,
): Promise<ImageResult> {
  const blobs = treeBlobs(root);
  const copying = options.dryRun === true ? 0 : states.filter((s) => s.held === "missing").length;
  options.emit({
    type: "image",
    source: image.display,
    destinations: image.destinations.map((d) => d.display),
    blobs: blobs.length * copying,
    bytes: blobs.reduce((sum, b) => sum + b.size, 0) * copying,
  });
  const destinations = await Promise.all(
    states.map(({ d, held }) => copyTo(image, d, held, root, options)),
  );
  return { source: image.display, sourceDigest, filtering, destinations };
}

/** The source could not be read: every destination fails, or with --skip-missing a warning. */
function sourceFailed(
  image: ImageCopy,
  options: CopyOptions,
  err: unknown,
  sourceDigest: string | undefined,
): ImageResult {
  if (options.skipMissing === true && isNotFound(err)) {
    options.emit({
      type: "warning",
      message: `Image ${image.display} does not exist and will not be mirrored`,
    });
    return { source: image.display, filtering: "none", destinations: [], missing: true };
  }
  const error = errorSummary(err);
  for (const d of image.destinations) emitFailed(options, image, d, error.message);
  return {
    source: image.display,
    ...(sourceDigest === undefined ? {} : { sourceDigest }),
    filtering: "none",
    destinations: image.destinations.map((d) => ({
      destination: d.display,
      ...tagOf(d),
      status: "failed",
      referrers: 0,
      error,
    })),
    error,
  };
}

/** tagged: the tag points at the image; manifest: the image is there, the tag is not; missing. */
type Held = "tagged" | "manifest" | "missing" | { readonly error: unknown };

/** What the destination holds of the image (Y1), asked with one or two HEADs. */
async function heldState(
  destination: MirrorDestination,
  digest: string,
  options: CopyOptions,
): Promise<Held> {
  if (options.force) return "missing";
  try {
    const { repository } = destination.endpoint;
    if (destination.tag !== undefined) {
      const tagged = await present(() => repository.resolve(destination.tag ?? ""));
      if (tagged?.digest === digest) return "tagged";
    }
    const held = await present(() => repository.resolve(digest));
    if (held === undefined) return "missing";
    return destination.tag === undefined ? "tagged" : "manifest";
  } catch (err) {
    return { error: err };
  }
}

async function present<T>(ask: () => Promise<T>): Promise<T | undefined> {
  try {
    return await ask();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function copyTo(
  image: ImageCopy,
  destination: MirrorDestination,
  held: Held,
  root: ImageNode,
  options: CopyOptions,
): Promise<DestinationResult> {
  const { digest, mediaType } = root.manifest.descriptor;
  const base = { destination: destination.display, ...tagOf(destination) };
  const target = pushTarget(image, destination, options);
  try {
    if (typeof held === "object") throw held.error;
    if (options.dryRun === true) {
      const status = held === "tagged" ? "unchanged" : "planned";
      return { ...base, digest, mediaType, status, referrers: 0 };
    }
    if (held === "missing") {
      await pushTree(target, root, destination.tag);
    } else if (held === "manifest") {
      // Y1: the destination has the image; only the tag is written.
      await pushManifests(destination.endpoint, { ...root, children: [] }, destination.tag);
    }
    if (held !== "tagged") {
      options.emit({
        type: "pushed",
        source: image.display,
        destination: destination.display,
        digest,
        ...tagOf(destination),
      });
    }
    const { referrers, referrersError } = await withReferrers(image, destination, root, options);
    const status = held === "tagged" && referrers === 0 ? "unchanged" : "copied";
    return {
      ...base,
      digest,
      mediaType,
      status,
      referrers,
      ...(referrersError === undefined ? {} : { referrersError }),
    };
  } catch (err) {
    const error = errorSummary(err);
    emitFailed(options, image, destination, error.message);
    return { ...base, status: "failed", referrers: 0, error };
  }
}

/**
 * Copies the image's referrers, once the image is in place. A referrer that
 * cannot be copied (deleted at the source, a Referrers API failing) is a
 * warning, not a failed image: the image is complete, and failing it would
 * fail every later run too and hold back the triggers that wait for it.
 */
async function withReferrers(
  image: ImageCopy,
  destination: MirrorDestination,
  root: ImageNode,
  options: CopyOptions,
): Promise<{ referrers: number; referrersError?: string }> {
  if (!options.referrers) return { referrers: 0 };
  const target = pushTarget(image, destination, options);
  const warn = (message: string): void => {
    options.emit({ type: "warning", message });
  };
  try {
    return { referrers: await copyReferrers(target, subjectsOf(root), warn) };
  } catch (err) {
    const { message } = errorSummary(err);
    warn(`${image.display} -> ${destination.display}: referrers not copied: ${message}`);
    return { referrers: 0, referrersError: message };
  }
}

function pushTarget(
  image: ImageCopy,
  destination: MirrorDestination,
  options: CopyOptions,
): PushTarget {
  return { source: image.source, destination: destination.endpoint, copier: options.copier };
}

/** The digests whose referrers travel with the image: the top manifest's and those it lists. */
function subjectsOf(root: ImageNode): string[] {
  const { descriptor, json } = root.manifest;
  return [descriptor.digest, ...indexManifests(descriptor.mediaType, json).map((m) => m.digest)];
}

function emitFailed(
  options: CopyOptions,
  image: ImageCopy,
  destination: MirrorDestination,
  message: string,
): void {
  options.emit({
    type: "failed",
    source: image.display,
    destination: destination.display,
    message,
  });
}

function tagOf(destination: MirrorDestination): { tag?: string } {
  return destination.tag === undefined ? {} : { tag: destination.tag };
}
