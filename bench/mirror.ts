/**
 * Scenario 2, mirror: how fast `mirror` copies a ~210 MB, 10-layer image
 * between two local registries, and how much memory it takes, against
 * skopeo and two floors of the machine (a `cat` of the layer files from
 * the page cache, and plain streaming GET→PUT over HTTP) in the same run.
 * Each method runs `runs` times into a fresh destination repository; ours
 * and skopeo are then run again on the same destination (the no-op
 * re-run). Then one image of a single 1 GiB layer is mirrored once by each,
 * for peak RSS against layer size.
 */
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { Agent, request } from "undici";
import { startRegistry, type Registry } from "../test/support/registry-server.ts";
import { pushLayout } from "../test/support/skopeo.ts";
import { MEDIA_TYPES } from "../test/support/oci-image.ts";
import { writeBigImage, type BigImage } from "./big-image.ts";
import { oursCopy, skopeoCopy, type Command } from "./copiers.ts";
import { keep, measure, rotation, type BenchContext } from "./context.ts";
import { copyBlobsPlain } from "./http-floor.ts";
import { measureCommand } from "./measure.ts";
import { progress } from "./log.ts";
import { summarize, type Row, type Sample, type ScenarioResult } from "./report.ts";

const OURS = "ours: mirror";
/** Ours's own `--json` seconds: the same runs without process start-up and exit. */
const OURS_INSIDE = "ours, --json seconds";
const SKOPEO = "skopeo copy";
const HTTP_FLOOR = "floor: HTTP GET→PUT";
const CAT_FLOOR = "floor: cat from page cache";
const METHODS = [OURS, SKOPEO, HTTP_FLOOR, CAT_FLOOR] as const;
type Method = (typeof METHODS)[number];
/** Each method's destination repositories are bench/SLUG-ROUND. */
const SLUGS: Readonly<Record<Method, string>> = {
  [OURS]: "ours",
  [SKOPEO]: "skopeo",
  [HTTP_FLOOR]: "floor",
  [CAT_FLOOR]: "cat",
};

const LAYERS = 10;
const BYTES_PER_LAYER = 20 * 1024 * 1024;
const BIG_LAYER = 1024 * 1024 * 1024;
const TAG = "v1";
const SOURCE_REPO = "bench/source";
const BIG_REPO = "bench/big";

interface Setup {
  readonly context: BenchContext;
  readonly source: Registry;
  readonly image: BigImage;
  readonly http: Agent;
}

/** Samples per method: copies, no-op re-runs, and the 1 GiB copies. */
interface Results {
  readonly copies: Map<string, Sample[]>;
  readonly noops: Map<string, Sample[]>;
  readonly big: Map<string, Sample[]>;
}

async function setUp(context: BenchContext): Promise<Setup> {
  const http = new Agent();
  context.cleanups.after(() => http.close());
  const source = await startRegistry(context.cleanups.asTestContext());
  const layout = path.join(context.work, "mirror-layout");
  const image = await writeBigImage(layout, {
    tag: TAG,
    layers: LAYERS,
    bytesPerLayer: BYTES_PER_LAYER,
    seed: "isg-bench",
  });
  const sourceRef = `${source.host}/${SOURCE_REPO}:${TAG}`;
  progress(`mirror: pushing ${megabytes(image.layerBytes)} MB in ${String(LAYERS)} layers`);
  await pushLayout(layout, TAG, sourceRef, { timeoutMs: 600_000 });
  // The cat floor reads from the page cache: read the files once first.
  await Promise.all(image.layerPaths.map((file) => readFile(file)));
  return { context, source, image, http };
}

/** Runs one round: a fresh destination registry, every method once. */
async function runRound(setup: Setup, round: number, results: Results): Promise<void> {
  // A new registry each round: skopeo's blob-info cache (/var/lib/containers/cache)
  // remembers where it put blobs and would mount them from an earlier round's repository.
  const destination = await startRegistry(setup.context.cleanups.asTestContext());
  for (const method of rotation(METHODS, round)) {
    await runMethod(setup, destination, method, round, results);
  }
  await destination.stop();
}

async function runMethod(
  setup: Setup,
  destination: Registry,
  method: Method,
  round: number,
  results: Results,
): Promise<void> {
  const repo = `bench/${SLUGS[method]}-${String(round)}`;
  const target = `${destination.host}/${repo}:${TAG}`;
  const sourceRef = `${setup.source.host}/${SOURCE_REPO}:${TAG}`;
  if (method === CAT_FLOOR) {
    const cat = await measureCommand("cat", setup.image.layerPaths, { discardStdout: true });
    record(results.copies, method, round, cat.usage);
  } else if (method === HTTP_FLOOR) {
    const floor = await copyBlobsPlain(
      { url: setup.source.url, name: SOURCE_REPO },
      { url: destination.url, name: repo },
      setup.image.layers,
    );
    record(results.copies, method, round, floor);
  } else {
    const command = method === OURS ? oursCopy : skopeoCopy;
    const copy = await runCopier(command(setup.context.isolation, sourceRef, target), method);
    await expectDigest(setup, destination, repo, setup.image.manifestDigest);
    record(results.copies, method, round, copy.sample);
    const noop = await runCopier(command(setup.context.isolation, sourceRef, target), method);
    record(results.noops, method, round, noop.sample);
    if (copy.inside !== undefined) record(results.copies, OURS_INSIDE, round, copy.inside);
    if (noop.inside !== undefined) record(results.noops, OURS_INSIDE, round, noop.inside);
  }
}

/** Runs a copier; for ours, also the seconds and requests its `--json` summary reports. */
async function runCopier(
  command: Command,
  method: Method,
): Promise<{ sample: Sample; inside?: Sample }> {
  const { sample, stdout } = await measure(command);
  if (method !== OURS) return { sample };
  const document = JSON.parse(stdout) as { summary?: { seconds?: number; requests?: number } };
  const { seconds = Number.NaN, requests = Number.NaN } = document.summary ?? {};
  return { sample: { ...sample, requests }, inside: { seconds, requests } };
}

/** Fails the benchmark unless the destination tag has `digest`. */
async function expectDigest(
  setup: Setup,
  destination: Registry,
  repo: string,
  digest: string,
): Promise<void> {
  const response = await request(`${destination.url}/v2/${repo}/manifests/${TAG}`, {
    method: "HEAD",
    headers: { accept: MEDIA_TYPES.manifest },
    dispatcher: setup.http,
  });
  await response.body.dump();
  const got = response.headers["docker-content-digest"];
  if (got !== digest) throw new Error(`${repo}:${TAG} has digest ${String(got)}, want ${digest}`);
}

function record(into: Map<string, Sample[]>, method: string, round: number, sample: Sample): void {
  keep(into, method, sample);
  const rss =
    sample.peakRssMiB === undefined ? "" : `, peak RSS ${sample.peakRssMiB.toFixed(0)} MiB`;
  progress(`mirror round ${String(round)}: ${method}: ${sample.seconds.toFixed(2)} s${rss}`);
}

/** One image of a single 1 GiB layer, mirrored once by ours and once by skopeo. */
async function runBigLayer(setup: Setup, results: Results): Promise<void> {
  const { context } = setup;
  const layout = path.join(context.work, "mirror-big-layout");
  const big = await writeBigImage(layout, {
    tag: TAG,
    layers: 1,
    bytesPerLayer: BIG_LAYER,
    seed: "isg-bench-big",
  });
  const sourceRef = `${setup.source.host}/${BIG_REPO}:${TAG}`;
  progress("mirror: pushing one 1 GiB layer");
  await pushLayout(layout, TAG, sourceRef, { timeoutMs: 600_000 });
  await rm(layout, { recursive: true, force: true });
  const destination = await startRegistry(context.cleanups.asTestContext());
  for (const method of [OURS, SKOPEO] as const) {
    const repo = `bench/big-${SLUGS[method]}`;
    const command = method === OURS ? oursCopy : skopeoCopy;
    const target = `${destination.host}/${repo}:${TAG}`;
    const copy = await runCopier(command(context.isolation, sourceRef, target), method);
    await expectDigest(setup, destination, repo, big.manifestDigest);
    record(results.big, `${method}, 1 GiB layer`, 1, copy.sample);
  }
  await destination.stop();
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function rowsOf(samples: Map<string, Sample[]>, bytes: number): Row[] {
  const role = (method: string) =>
    method.startsWith("floor") ? ("floor" as const) : method === SKOPEO ? "peer" : "ours";
  const rows = summarize(
    [OURS, OURS_INSIDE, SKOPEO, HTTP_FLOOR, CAT_FLOOR].map((method) => ({
      method,
      role: method === OURS_INSIDE ? "info" : role(method),
      samples: samples.get(method) ?? [],
    })),
  );
  return rows.map((r) => ({ ...r, note: `${(bytes / r.medianSeconds / 1e6).toFixed(0)} MB/s` }));
}

/** Runs the mirror scenario. */
export async function runMirror(context: BenchContext): Promise<ScenarioResult> {
  const setup = await setUp(context);
  const results: Results = { copies: new Map(), noops: new Map(), big: new Map() };
  for (let round = 1; round <= context.runs; round++) await runRound(setup, round, results);
  await runBigLayer(setup, results);
  const bytes = setup.image.layerBytes;
  const copies = rowsOf(results.copies, bytes);
  const noops = summarize(
    [OURS, OURS_INSIDE, SKOPEO].map((method) => ({
      method: `${method}, no-op re-run`,
      role: method === SKOPEO ? ("peer" as const) : ("ours" as const),
      samples: results.noops.get(method) ?? [],
    })),
  );
  const big = summarize(
    [...results.big].map(([method, samples]) => ({
      method,
      role: method.startsWith(SKOPEO) ? ("peer" as const) : ("ours" as const),
      samples,
    })),
  );
  const ours = copies.find((r) => r.method === OURS);
  const noop = noops.find((r) => r.method === `${OURS}, no-op re-run`);
  const bigOurs = big.find((r) => r.method.startsWith(OURS));
  const rssGrowth = (bigOurs?.peakRssMiB ?? Number.NaN) / (ours?.peakRssMiB ?? Number.NaN);
  return {
    name: "mirror",
    title: `Mirror: one ${megabytes(bytes)} MB image of ${String(LAYERS)} layers between two local registries`,
    tables: [
      { caption: "copy", rows: copies },
      { caption: "no-op re-run", rows: noops },
      { caption: "peak RSS, 1 GiB layer (1 run)", rows: big },
    ],
    facts: {
      "layer bytes": bytes,
      "ours peak RSS, 1 GiB layer over 20 MiB layers": rssGrowth.toFixed(2),
    },
    notes: [
      "a fresh destination registry each round (skopeo's blob-info cache would mount from an earlier round)",
      "the HTTP floor runs inside the bench process: no process start, no hashing, no manifests",
    ],
    targets: [
      {
        scenario: "mirror",
        target: "mirror at most 0.8× skopeo's time",
        measured: `${(ours?.vsPeer ?? Number.NaN).toFixed(2)}×`,
        met: (ours?.vsPeer ?? Infinity) <= 0.8,
      },
      {
        scenario: "mirror",
        target: "no-op mirror under 0.2 s",
        measured: `${(noop?.medianSeconds ?? Number.NaN).toFixed(2)} s`,
        met: (noop?.medianSeconds ?? Infinity) < 0.2,
      },
      {
        scenario: "mirror",
        target: "peak RSS independent of layer size",
        measured: `${(bigOurs?.peakRssMiB ?? Number.NaN).toFixed(0)} MiB (1 GiB layer) vs ${(ours?.peakRssMiB ?? Number.NaN).toFixed(0)} MiB (20 MiB layers)`,
        met: rssGrowth <= 1.25,
      },
    ],
  };
}
