/**
 * Copies blobs between repositories, each at most once per destination
 * registry in a run (oc image mirror's plan, Y3). What a destination holds
 * is recorded as the run learns it, so a blob is asked about once per
 * destination repository; a blob already in another repository of the
 * destination registry (put there by this run, or the source's own
 * repository on the same registry) is mounted instead of sent. Transfers
 * are bounded per destination registry (`maxPerRegistry`, oc's 6).
 */
import { pipeline, Transform, type Readable } from "node:stream";
import type { PutBlobResult } from "../../registry/image-repository.ts";
import { Limiter } from "../../registry/limiter.ts";
import { passVerification } from "../../registry/verified-stream.ts";
import type { Descriptor } from "../../registry/manifest.ts";
import type { RepositoryEndpoint } from "./endpoint.ts";
import type { BlobOutcome, MirrorEvent } from "./mirror-events.ts";

/** How blobs are copied. */
export interface BlobCopierOptions {
  /** Blob transfers in flight per destination registry (oc's --max-per-registry, 6). */
  readonly maxPerRegistry: number;
  /** Never mount across repositories (oc's --skip-mount). */
  readonly skipMount?: boolean;
  readonly emit: (event: MirrorEvent) => void;
}

/** The record of one run's blob copies. */
export class BlobCopier {
  readonly #options: BlobCopierOptions;
  readonly #limiters = new Map<string, Limiter>();
  /** Per registry, per digest: the repository paths known to hold the blob. */
  readonly #held = new Map<string, Map<string, Set<string>>>();
  /** Copies under way, per registry and digest: later ones wait, then mount or skip. */
  readonly #pending = new Map<string, Promise<unknown>>();

  constructor(options: BlobCopierOptions) {
    this.#options = options;
  }

  /**
   * Puts `descriptor`'s blob into `destination`, streaming it from `source`
   * when it must be sent. Emits one "blob" event, and "bytes" events while
   * bytes flow.
   */
  async copy(
    source: RepositoryEndpoint,
    destination: RepositoryEndpoint,
    descriptor: Descriptor,
  ): Promise<BlobOutcome> {
    const key = `${destination.registry}\n${descriptor.digest}`;
    // One copy of a digest per registry at a time: the next one then finds it recorded.
    for (let waiting = this.#pending.get(key); waiting !== undefined;) {
      await waiting.catch(() => undefined);
      waiting = this.#pending.get(key);
    }
    const copying = this.#copy(source, destination, descriptor);
    this.#pending.set(key, copying);
    try {
      const outcome = await copying;
      this.#options.emit({
        type: "blob",
        destination: destination.repository.name,
        digest: descriptor.digest,
        size: descriptor.size,
        outcome,
      });
      return outcome;
    } finally {
      this.#pending.delete(key);
    }
  }

  /** Records that `destination` holds `digest` (a manifest's blobs after a skipped push). */
  record(destination: RepositoryEndpoint, digest: string): void {
    let byDigest = this.#held.get(destination.registry);
    if (byDigest === undefined) {
      byDigest = new Map();
      this.#held.set(destination.registry, byDigest);
    }
    let paths = byDigest.get(digest);
    if (paths === undefined) {
      paths = new Set();
      byDigest.set(digest, paths);
    }
    paths.add(destination.path);
  }

  async #copy(
    source: RepositoryEndpoint,
    destination: RepositoryEndpoint,
    descriptor: Descriptor,
  ): Promise<BlobOutcome> {
    const holders = this.#held.get(destination.registry)?.get(descriptor.digest);
    if (holders?.has(destination.path) === true) return "skipped";
    const mountFrom = this.#mountSource(source, destination, holders);
    // Bytes of an attempt that failed are taken back: the count is of bytes that landed.
    const attempt = { bytes: 0 };
    const takeBack = (): void => {
      if (attempt.bytes > 0) this.#options.emit({ type: "bytes", count: -attempt.bytes });
      attempt.bytes = 0;
    };
    const open = async (): Promise<Readable> => {
      takeBack();
      return this.#counted(await source.repository.openBlob(descriptor), attempt);
    };
    const result = await this.#limiter(destination.registry)
      .run(() =>
        destination.repository.putBlob(
          descriptor,
          open,
          mountFrom === undefined ? undefined : { mountFrom },
        ),
      )
      .catch((err: unknown) => {
        takeBack();
        throw err;
      });
    this.record(destination, descriptor.digest);
    return outcomeOf(result);
  }

  /** A repository of the destination's registry holding the blob, to mount from. */
  #mountSource(
    source: RepositoryEndpoint,
    destination: RepositoryEndpoint,
    holders: ReadonlySet<string> | undefined,
  ): string | undefined {
    if (!destination.mounts || this.#options.skipMount === true) return undefined;
    for (const path of holders ?? []) if (path !== destination.path) return path;
    if (source.mounts && source.registry === destination.registry) return source.path;
    return undefined;
  }

  #limiter(registry: string): Limiter {
    let limiter = this.#limiters.get(registry);
    if (limiter === undefined) {
      limiter = new Limiter(this.#options.maxPerRegistry);
      this.#limiters.set(registry, limiter);
    }
    return limiter;
  }

  /** `stream`, reporting the bytes that pass (and adding them to `attempt`). */
  #counted(stream: Readable, attempt: { bytes: number }): Readable {
    const emit = this.#options.emit;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        attempt.bytes += chunk.length;
        emit({ type: "bytes", count: chunk.length });
        done(null, chunk);
      },
    });
    // pipeline, not pipe: an upload that gives up destroys the counter, and with it the
    // source's response, which would otherwise hold its connection (and the process) open.
    pipeline(stream, counter, () => undefined);
    // The counter ends only when the verified source does: the upload need not hash again.
    passVerification(stream, counter);
    return counter;
  }
}

function outcomeOf(result: PutBlobResult): BlobOutcome {
  return result === "exists" ? "skipped" : result;
}
