/**
 * The HTTP floor: the least work any client can do to move the layers
 * between two registries. Each blob is one streaming GET from the source
 * piped as the body of one monolithic upload (POST, then PUT with the
 * digest) to the destination, 6 at a time (oc's and our default
 * `--max-per-registry`). No existence checks, no hashing, no manifests,
 * no retries; runs inside the benchmark process, so no process start-up.
 */
import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";
import { Agent, request } from "undici";
import type { Descriptor } from "../src/registry/manifest.ts";

/** A repository on a plain-HTTP registry. */
export interface PlainRepository {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly name: string;
}

/** Blob transfers in flight, as `mirror --max-per-registry` defaults to. */
export const FLOOR_PARALLEL = 6;

/**
 * Copies `blobs` from `source` to `destination`; resolves to the seconds
 * taken, and the CPU time of this process meanwhile (nothing else runs in it).
 */
export async function copyBlobsPlain(
  source: PlainRepository,
  destination: PlainRepository,
  blobs: readonly Descriptor[],
): Promise<{ seconds: number; cpuSeconds: number }> {
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  const queue = [...blobs];
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  try {
    const worker = async (): Promise<void> => {
      for (let blob = queue.shift(); blob !== undefined; blob = queue.shift()) {
        await copyBlob(dispatcher, source, destination, blob);
      }
    };
    await Promise.all(Array.from({ length: Math.min(FLOOR_PARALLEL, blobs.length) }, worker));
    const cpu = process.cpuUsage(cpuStart);
    return {
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    // destroy, not close: after a failure, close would wait for the unread GET bodies.
    await dispatcher.destroy();
  }
}

async function copyBlob(
  dispatcher: Agent,
  source: PlainRepository,
  destination: PlainRepository,
  blob: Descriptor,
): Promise<void> {
  const get = await request(`${source.url}/v2/${source.name}/blobs/${blob.digest}`, { dispatcher });
  expectStatus("GET blob", get.statusCode, 200);
  try {
    await upload(dispatcher, destination, blob, get.body);
  } finally {
    get.body.destroy();
  }
}

/** POST, then one PUT of `body` with the digest: a monolithic upload (distribution-spec). */
async function upload(
  dispatcher: Agent,
  destination: PlainRepository,
  blob: Descriptor,
  body: Readable,
): Promise<void> {
  const post = await request(`${destination.url}/v2/${destination.name}/blobs/uploads/`, {
    method: "POST",
    dispatcher,
  });
  await post.body.dump();
  expectStatus("POST upload", post.statusCode, 202);
  const location = new URL(String(post.headers.location), destination.url);
  location.searchParams.set("digest", blob.digest);
  const put = await request(location, {
    method: "PUT",
    dispatcher,
    headers: { "content-type": "application/octet-stream", "content-length": String(blob.size) },
    body,
  });
  await put.body.dump();
  expectStatus("PUT upload", put.statusCode, 201);
}

function expectStatus(what: string, got: number, want: number): void {
  if (got !== want)
    throw new Error(`HTTP floor: ${what} answered ${String(got)}, want ${String(want)}`);
}
