/**
 * What the planner asks of the registries and what it gets back. Planning
 * is two pure steps around one I/O step: `observationRequests` says which
 * images and repositories to read, execute/observe reads them, and
 * `planRepository` decides from the answers. Repository imports need one
 * more round (list the tags, then resolve the ones the cap keeps), so the
 * requests are computed again once the listings are in.
 */
import type { Platform } from "../model/platform.ts";
import type { ImportFailure } from "../model/plan.ts";

/** One image to resolve: a DockerImage `from.name` read as one import mode reads it. */
export interface ImageRequest {
  /** The `from.name` as written (tag or digest). */
  readonly from: string;
  readonly mode: "Legacy" | "PreserveOriginal";
  /** The platform a Legacy import picks from an index (M1). */
  readonly platform: Platform;
  /** D1: skip TLS verification, fall back to plain HTTP. */
  readonly insecure: boolean;
  /**
   * Read the image's created time and platforms too (the minimum-age and
   * required-platforms gates), unless the digest is `known`.
   */
  readonly details: boolean;
  /** The digest the tag has now; details are not read again for it. */
  readonly known?: string;
}

/** What a registry said about one {@link ImageRequest}. */
export type ImageObservation =
  | {
      readonly kind: "image";
      /** The digest to record: the index's for PreserveOriginal, the picked manifest's for Legacy. */
      readonly digest: string;
      /** The digest the tag pointed at (the index, when it is one). */
      readonly tagDigest: string;
      readonly mediaType: string;
      /** Present when details were read: every platform of an index, or the image's own. */
      readonly platforms?: readonly Platform[];
      /** Present when details were read and the image config has one (RFC 3339). */
      readonly created?: string;
    }
  | { readonly kind: "error"; readonly failure: ImportFailure };

/** One repository whose tags a `spec.dockerImageRepository` import lists. */
export interface ListingRequest {
  readonly repository: string;
  readonly insecure: boolean;
}

/** What a registry said about one {@link ListingRequest}. */
export type ListingObservation =
  | { readonly kind: "tags"; readonly tags: readonly string[] }
  | { readonly kind: "error"; readonly failure: ImportFailure };

/** The requests of one planning round; keys are {@link imageKey} / the repository. */
export interface ObservationRequests {
  readonly images: ReadonlyMap<string, ImageRequest>;
  readonly listings: ReadonlyMap<string, ListingRequest>;
}

/** Everything observed so far, by request key. */
export interface Observations {
  readonly images: ReadonlyMap<string, ImageObservation>;
  readonly listings: ReadonlyMap<string, ListingObservation>;
}

/** No observations yet. */
export const noObservations: Observations = { images: new Map(), listings: new Map() };

/** The key of an image request: requests that read the same thing the same way share it. */
export function imageKey(request: ImageRequest): string {
  const { os, architecture, variant } = request.platform;
  const platform = request.mode === "Legacy" ? `${os}/${architecture}/${variant ?? ""}` : "";
  const details = request.details ? `details:${request.known ?? ""}` : "";
  return [request.from, request.mode, platform, request.insecure ? "insecure" : "", details].join(
    " ",
  );
}
