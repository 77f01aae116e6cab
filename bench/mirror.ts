/**
 * `npm run bench`: how fast `mirror` copies a ~210 MB, 10-layer image
 * between two local registries, and how much memory it takes, measured in
 * the same run against skopeo and against two floors of the machine (a
 * `cat` of the layer files from the page cache, and plain streaming
 * GET→PUT over HTTP). Each method runs `--runs` times (default 3) into a
 * fresh destination repository; ours and skopeo are then run again on the
 * same destination (the no-op re-run). Table (or `--json`) on stdout,
 * progress on stderr.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Agent, request } from "undici";
import { startRegistry, type Registry } from "../test/support/registry-server.ts";
import { pushLayout } from "../test/support/skopeo.ts";
import { MEDIA_TYPES } from "../test/support/oci-image.ts";
import { writeBigImage, type BigImage } from "./big-image.ts";
import { Cleanups } from "./cleanups.ts";
import { oursCopy, skopeoCopy, writeIsolation, type Command, type Isolation } from "./copiers.ts";
import { copyBlobsPlain } from "./http-floor.ts";
import { measureCommand, rssSource } from "./measure.ts";
import { HTTP_FLOOR, renderTables, SKOPEO, summarize, type Sample } from "./report.ts";

const OURS = "ours (mirror)";
/** Ours's own `--json` seconds: the same runs without process start-up and exit. */
const OURS_INSIDE = "ours, --json seconds";
const CAT_FLOOR = "floor: cat from page cache";
/** The order of the first round; later rounds rotate it so no method always goes first. */
const METHODS = [OURS, SKOPEO, HTTP_FLOOR, CAT_FLOOR] as const;
type Method = (typeof METHODS)[number];
/** The rows of the tables, in order. */
const ROWS = [OURS, OURS_INSIDE, SKOPEO, HTTP_FLOOR, CAT_FLOOR] as const;
type RowName = (typeof ROWS)[number];
/** Each method's destination repositories are bench/SLUG-ROUND. */
const SLUGS: Readonly<Record<Method, string>> = {
  [OURS]: "ours",
  [SKOPEO]: "skopeo",
  [HTTP_FLOOR]: "floor",
  [CAT_FLOOR]: "cat",
};

const LAYERS = 10;
const BYTES_PER_LAYER = 20 * 1024 * 1024;
const TAG = "v1";
const SOURCE_REPO = "bench/source";

/** What every round uses. */
interface Setup {
  readonly cleanups: Cleanups;
  readonly isolation: Isolation;
  readonly source: Registry;
  readonly sourceRef: string;
  readonly image: BigImage;
  readonly http: Agent;
}

/** Samples per method, and ours's `--json` summaries for the record. */
interface Results {
  readonly copies: Map<RowName, Sample[]>;
  readonly noops: Map<RowName, Sample[]>;
  readonly oursSummaries: { copy: Summary[]; noop: Summary[] };
}

/** The numeric fields of `mirror --json`'s `summary`. */
type Summary = Readonly<Record<string, number>>;

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function setUp(cleanups: Cleanups): Promise<Setup> {
  const work = await mkdtemp(path.join(tmpdir(), "isg-bench-"));
  cleanups.after(() => rm(work, { recursive: true, force: true }));
  const isolation = await writeIsolation(work);
  const http = new Agent();
  cleanups.after(() => http.close());
  const source = await startRegistry(cleanups.asTestContext());
  progress(`source registry at ${source.url}; writing the image layout`);
  const layout = path.join(work, "layout");
  const image = await writeBigImage(layout, {
    tag: TAG,
    layers: LAYERS,
    bytesPerLayer: BYTES_PER_LAYER,
    seed: "isg-bench",
  });
  const sourceRef = `${source.host}/${SOURCE_REPO}:${TAG}`;
  progress(`pushing ${megabytes(image.layerBytes)} MB in ${String(LAYERS)} layers to ${sourceRef}`);
  await pushLayout(layout, TAG, sourceRef, { timeoutMs: 600_000 });
  // The cat floor reads from the page cache: read the files once first.
  await Promise.all(image.layerPaths.map((file) => readFile(file)));
  return { cleanups, isolation, source, sourceRef, image, http };
}

/** Runs one round: a fresh destination registry, every method once. */
async function runRound(setup: Setup, round: number, results: Results): Promise<void> {
  // A new registry each round: skopeo's blob-info cache (/var/lib/containers/cache)
  // remembers where it put blobs and would mount them from an earlier round's repository.
  const destination = await startRegistry(setup.cleanups.asTestContext());
  const shift = (round - 1) % METHODS.length;
  const order = [...METHODS.slice(shift), ...METHODS.slice(0, shift)];
  for (const method of order) {
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
  if (method === CAT_FLOOR) {
    const cat = await measureCommand("cat", setup.image.layerPaths, { discardStdout: true });
    record(results, "copies", method, round, cat.usage);
  } else if (method === HTTP_FLOOR) {
    const floor = await copyBlobsPlain(
      { url: setup.source.url, name: SOURCE_REPO },
      { url: destination.url, name: repo },
      setup.image.layers,
    );
    record(results, "copies", method, round, floor);
  } else {
    const command = method === OURS ? oursCopy : skopeoCopy;
    const copy = await runCopier(command(setup.isolation, setup.sourceRef, target), method);
    await expectDigest(setup, destination, repo);
    record(results, "copies", method, round, copy.sample);
    const noop = await runCopier(command(setup.isolation, setup.sourceRef, target), method);
    record(results, "noops", method, round, noop.sample);
    if (copy.summary !== undefined && noop.summary !== undefined) {
      recordSummaries(results, round, copy.summary, noop.summary);
    }
  }
}

/** Runs a copier; for ours, reads the `--json` summary. */
async function runCopier(
  command: Command,
  method: Method,
): Promise<{ sample: Sample; summary?: Summary }> {
  const { usage: sample, stdout } = await measureCommand(command.command, command.args, {
    env: command.env,
  });
  if (method !== OURS) return { sample };
  const summary = parseSummary(stdout);
  return { sample: { ...sample, requests: summary.requests ?? Number.NaN }, summary };
}

function parseSummary(stdout: string): Summary {
  const document = JSON.parse(stdout) as { summary?: Record<string, unknown> };
  const entries = Object.entries(document.summary ?? {}).filter(([, v]) => typeof v === "number");
  return Object.fromEntries(entries) as Summary;
}

/** Fails the benchmark unless the destination tag has the source's manifest digest. */
async function expectDigest(setup: Setup, destination: Registry, repo: string): Promise<void> {
  const response = await request(`${destination.url}/v2/${repo}/manifests/${TAG}`, {
    method: "HEAD",
    headers: { accept: MEDIA_TYPES.manifest },
    dispatcher: setup.http,
  });
  await response.body.dump();
  const got = response.headers["docker-content-digest"];
  if (got !== setup.image.manifestDigest) {
    throw new Error(`${repo}:${TAG} has digest ${String(got)}, want ${setup.image.manifestDigest}`);
  }
}

/** Keeps `sample` of a copy or a no-op re-run, and reports it. */
function record(
  results: Results,
  kind: "copies" | "noops",
  method: RowName,
  round: number,
  sample: Sample,
): void {
  const samples = results[kind].get(method) ?? [];
  samples.push(sample);
  results[kind].set(method, samples);
  const what = kind === "noops" ? " no-op re-run" : "";
  const rss =
    sample.peakRssMiB === undefined ? "" : `, peak RSS ${sample.peakRssMiB.toFixed(0)} MiB`;
  const cpu = sample.cpuSeconds === undefined ? "" : `, CPU ${sample.cpuSeconds.toFixed(2)} s`;
  progress(`round ${String(round)}: ${method}${what}: ${sample.seconds.toFixed(2)} s${rss}${cpu}`);
}

/** Keeps ours's `--json` summaries of a copy and its no-op re-run. */
function recordSummaries(results: Results, round: number, copy: Summary, noop: Summary): void {
  results.oursSummaries.copy.push(copy);
  results.oursSummaries.noop.push(noop);
  recordInside(results, "copies", round, copy);
  recordInside(results, "noops", round, noop);
}

/** Reports a `--json` summary and keeps its seconds as an OURS_INSIDE sample. */
function recordInside(
  results: Results,
  kind: "copies" | "noops",
  round: number,
  summary: Summary,
): void {
  const fields = Object.entries(summary).map(([k, v]) => `${k}=${String(v)}`);
  progress(`  mirror --json summary: ${fields.join(" ")}`);
  const { seconds = Number.NaN, requests = Number.NaN } = summary;
  record(results, kind, OURS_INSIDE, round, { seconds, requests });
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function ordered(samples: Map<RowName, Sample[]>): { method: RowName; samples: Sample[] }[] {
  return ROWS.flatMap((method) => {
    const found = samples.get(method);
    return found === undefined ? [] : [{ method, samples: found }];
  });
}

function print(setup: Setup, results: Results, json: boolean): void {
  const bytes = setup.image.layerBytes;
  const copies = summarize(ordered(results.copies), bytes);
  const noops = summarize(ordered(results.noops), bytes);
  if (json) {
    const image = { layers: LAYERS, layerBytes: bytes, manifestDigest: setup.image.manifestDigest };
    const samples = {
      copies: Object.fromEntries(results.copies),
      noops: Object.fromEntries(results.noops),
    };
    const machine = { cpus: cpus().length, node: process.version };
    const document = {
      image,
      rssSource,
      machine,
      copies,
      noops,
      samples,
      ours: results.oursSummaries,
    };
    process.stdout.write(JSON.stringify(document, null, 2) + "\n");
    return;
  }
  process.stdout.write(
    `${String(LAYERS)} layers, ${megabytes(bytes)} MB; ${String(cpus().length)} CPUs, ` +
      `peak RSS from ${rssSource}; runs: ${String(results.copies.get(OURS)?.length ?? 0)}\n\n`,
  );
  process.stdout.write(renderTables(copies, noops));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { json: { type: "boolean", default: false }, runs: { type: "string", default: "3" } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer`);
  const cleanups = new Cleanups();
  // Registries are children of this process: stop them and remove their storage on Ctrl-C.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void cleanups.run(progress).finally(() => process.exit(130));
    });
  }
  try {
    const setup = await setUp(cleanups);
    const results: Results = {
      copies: new Map(),
      noops: new Map(),
      oursSummaries: { copy: [], noop: [] },
    };
    for (let round = 1; round <= runs; round++) await runRound(setup, round, results);
    print(setup, results, values.json);
  } finally {
    await cleanups.run(progress);
  }
}

await main();
