/**
 * What planning one run shares across streams: the config, the clock, the
 * observations so far (and the requests still missing), and every tag's
 * current image as the run moves it, so tags sourced from other tags see
 * this run's imports. Pure.
 */
import type { ResolvedConfig } from "../model/config.ts";
import type { TagEvent } from "../model/generated/imagestream.ts";
import {
  imageKey,
  type ImageObservation,
  type ImageRequest,
  type ListingObservation,
  type ListingRequest,
  type Observations,
} from "./observation.ts";

/** What to import beyond what the rules ask for (`import-image`). */
export interface ForcedImports {
  /** `namespace/stream:tag` keys of tags to import now, as `import-image STREAM:TAG` does (I3). */
  readonly tags?: ReadonlySet<string>;
  /** `namespace/stream` keys whose `spec.dockerImageRepository` is listed again (`import-image --all`). */
  readonly repositories?: ReadonlySet<string>;
}

/** The inputs of planning besides the streams. */
export interface PlanOptions {
  readonly config: ResolvedConfig;
  readonly observations: Observations;
  readonly now: Date;
  /** Whether the config marks the registry of a pull spec insecure. */
  readonly registryInsecure: (pullSpec: string) => boolean;
  readonly force?: ForcedImports;
}

/** Mutable state of one planning pass. */
export class PlanContext {
  readonly options: PlanOptions;
  readonly time: string;
  readonly #heads = new Map<string, TagEvent | undefined>();
  readonly #history = new Map<string, readonly TagEvent[]>();
  readonly pendingImages = new Map<string, ImageRequest>();
  readonly pendingListings = new Map<string, ListingRequest>();

  constructor(options: PlanOptions) {
    this.options = options;
    this.time = formatTime(options.now);
  }

  /** The observation of `request`, or undefined (and the request noted) when it is not in yet. */
  image(request: ImageRequest): ImageObservation | undefined {
    const key = imageKey(request);
    const seen = this.options.observations.images.get(key);
    if (seen === undefined) this.pendingImages.set(key, request);
    return seen;
  }

  /** The listing of `request.repository`, or undefined (and noted) when it is not in yet. */
  listing(request: ListingRequest): ListingObservation | undefined {
    const seen = this.options.observations.listings.get(request.repository);
    if (seen === undefined) this.pendingListings.set(request.repository, request);
    return seen;
  }

  /** Sets a tag's items as the run leaves them (`namespace/stream:tag`). */
  setItems(key: string, items: readonly TagEvent[]): void {
    this.#heads.set(key, items[0]);
    this.#history.set(key, items);
  }

  /** A tag's current image as the run leaves it so far. */
  head(key: string): TagEvent | undefined {
    return this.#heads.get(key);
  }

  /** Whether the tag is known at all (in spec or status). */
  has(key: string): boolean {
    return this.#heads.has(key);
  }

  /** Every item of every tag of the stream `namespace/stream`, newest first per tag. */
  streamItems(streamKey: string): TagEvent[] {
    const prefix = `${streamKey}:`;
    return [...this.#history.entries()].filter(([k]) => k.startsWith(prefix)).flatMap(([, v]) => v);
  }
}

/** RFC 3339 in UTC to the second, as Kubernetes writes times. */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
