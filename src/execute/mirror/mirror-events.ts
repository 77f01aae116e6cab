/**
 * What a mirror run reports while it works, for progress displays and the
 * final summary. The copy engine emits these; the CLI renders them. Pure
 * types and counters: no I/O.
 */

/** How one blob reached one destination repository. */
export type BlobOutcome =
  /** The destination held it already (a HEAD said so, or this run put it there). */
  | "skipped"
  /** Mounted from another repository of the destination registry: no bytes sent. */
  | "mounted"
  /** Streamed from the source. */
  | "uploaded";

/** One step of a mirror run. */
export type MirrorEvent =
  /** A source image was read: what it needs, summed over its destinations. */
  | {
      readonly type: "image";
      readonly source: string;
      readonly destinations: readonly string[];
      /** Blob copies to decide (blobs times destinations). */
      readonly blobs: number;
      /** Their bytes. */
      readonly bytes: number;
    }
  /** A blob copy was decided and, if it needed bytes, finished. */
  | {
      readonly type: "blob";
      readonly destination: string;
      readonly digest: string;
      readonly size: number;
      readonly outcome: BlobOutcome;
    }
  /**
   * Bytes streamed into a destination since the last such event; negative
   * when an upload attempt failed and its bytes are sent again.
   */
  | { readonly type: "bytes"; readonly count: number }
  /** An image's top-level manifest was stored (its tag, when it has one, points at it now). */
  | {
      readonly type: "pushed";
      readonly source: string;
      readonly destination: string;
      readonly digest: string;
      readonly tag?: string;
    }
  /** An image could not be mirrored to a destination. */
  | {
      readonly type: "failed";
      readonly source: string;
      readonly destination: string;
      readonly message: string;
    }
  /** Something the user should know that does not fail the run. */
  | { readonly type: "warning"; readonly message: string };

/** Totals of a run, as the summary prints them. */
export interface MirrorCounters {
  /** Images whose every destination got the image. */
  images: number;
  /** Images with at least one destination that failed. */
  failed: number;
  /** Blob copies announced by "image" events, and their bytes. */
  blobsTotal: number;
  bytesTotal: number;
  blobsUploaded: number;
  blobsSkipped: number;
  blobsMounted: number;
  /** Bytes streamed into destinations. */
  bytes: number;
  /** Top-level manifests stored. */
  manifests: number;
}

/** Counters at zero. */
export function emptyCounters(): MirrorCounters {
  return {
    images: 0,
    failed: 0,
    blobsTotal: 0,
    bytesTotal: 0,
    blobsUploaded: 0,
    blobsSkipped: 0,
    blobsMounted: 0,
    bytes: 0,
    manifests: 0,
  };
}

/** Adds `event` to `counters` (images are counted by the caller, which knows when one is done). */
export function count(counters: MirrorCounters, event: MirrorEvent): void {
  switch (event.type) {
    case "image":
      counters.blobsTotal += event.blobs;
      counters.bytesTotal += event.bytes;
      return;
    case "blob":
      if (event.outcome === "uploaded") counters.blobsUploaded++;
      else if (event.outcome === "mounted") counters.blobsMounted++;
      else counters.blobsSkipped++;
      return;
    case "bytes":
      counters.bytes += event.count;
      return;
    case "pushed":
      counters.manifests++;
      return;
    case "failed":
    case "warning":
      return;
  }
}
