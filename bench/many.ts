/**
 * Scenario 3, mirror many: 50 images sharing 3 base layers (4 MiB each),
 * each with one layer (1 MiB) and a config of its own, mirrored between two
 * local registries. Peer: `skopeo sync` from a YAML list. Floor: each
 * needed blob streamed GET→PUT once, in the bench process. Blobs fetched
 * from the source are counted on one more run of ours and of skopeo through
 * a recording proxy (kept out of the timed runs: it costs CPU here).
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Agent } from "undici";
import { startFaultProxy } from "../test/support/fault-proxy.ts";
import { startRegistry, type Registry } from "../test/support/registry-server.ts";
import { MEDIA_TYPES } from "../test/support/oci-image.ts";
import type { Descriptor } from "../src/registry/manifest.ts";
import { oursCommand, skopeoCommand, type Command } from "./copiers.ts";
import { keep, measure, rotation, type BenchContext } from "./context.ts";
import { copyBlobsPlain } from "./http-floor.ts";
import { inPool, progress } from "./log.ts";
import { summarize, type Sample, type ScenarioResult } from "./report.ts";
import { configBytes, manifestBytes, mountBlob, pushBlob, putManifest } from "./seed.ts";

const IMAGES = 50;
const BASE_LAYERS = 3;
const BASE_BYTES = 4 * 1024 * 1024;
const OWN_BYTES = 1024 * 1024;
const TAG = "v1";
const OURS = "ours: mirror -f (50 mappings)";
const SKOPEO = "skopeo sync --src yaml";
const FLOOR = "floor: each needed blob GET→PUT once";
const METHODS = [OURS, SKOPEO, FLOOR] as const;
type Method = (typeof METHODS)[number];

function appRepo(i: number): string {
  return `many/app-${String(i).padStart(2, "0")}`;
}

/** Seeds the source; resolves to every distinct blob the 50 images need. */
async function seed(source: Registry): Promise<Descriptor[]> {
  const dispatcher = new Agent();
  try {
    const target = { url: source.url, dispatcher };
    const first = appRepo(0);
    const base: Descriptor[] = [];
    for (let i = 0; i < BASE_LAYERS; i++) {
      base.push(await pushBlob(target, first, randomBytes(BASE_BYTES), MEDIA_TYPES.layer));
    }
    const own = await inPool(
      Array.from({ length: IMAGES }, (_, i) => i),
      8,
      async (i) => {
        const repo = appRepo(i);
        if (i > 0) for (const b of base) await mountBlob(target, repo, first, b.digest);
        const layer = await pushBlob(target, repo, randomBytes(OWN_BYTES), MEDIA_TYPES.layer);
        const layers = [...base, layer];
        const config = await pushBlob(
          target,
          repo,
          configBytes(
            layers.map((l) => l.digest),
            repo,
          ),
          MEDIA_TYPES.config,
        );
        await putManifest(target, repo, TAG, manifestBytes(config, layers, repo));
        return [layer, config];
      },
    );
    return [...base, ...own.flat()];
  } finally {
    await dispatcher.close();
  }
}

async function oursRun(
  context: BenchContext,
  sourceHost: string,
  destination: Registry,
  prefix: string,
): Promise<{ sample: Sample; summary: Record<string, unknown> }> {
  const mapping = Array.from(
    { length: IMAGES },
    (_, i) =>
      `${sourceHost}/${appRepo(i)}:${TAG}=${destination.host}/${prefix}/${appRepo(i)}:${TAG}`,
  );
  const file = path.join(context.work, `many-${prefix}.txt`);
  await writeFile(file, mapping.join("\n") + "\n");
  const command = oursCommand(context.isolation, ["mirror", "--insecure", "--json", "-f", file]);
  const { sample, stdout } = await measure(command);
  const summary = (JSON.parse(stdout) as { summary?: Record<string, unknown> }).summary ?? {};
  const requests = typeof summary["requests"] === "number" ? summary["requests"] : Number.NaN;
  return { sample: { ...sample, requests }, summary };
}

async function skopeoRun(
  context: BenchContext,
  sourceHost: string,
  destination: Registry,
  prefix: string,
): Promise<Sample> {
  const images = Array.from({ length: IMAGES }, (_, i) => `    ${appRepo(i)}: [${TAG}]`);
  const file = path.join(context.work, `many-${prefix}.yaml`);
  await writeFile(file, `"${sourceHost}":\n  tls-verify: false\n  images:\n${images.join("\n")}\n`);
  const args = [
    "sync",
    "--src",
    "yaml",
    "--dest",
    "docker",
    "--dest-tls-verify=false",
    "--dest-no-creds",
    file,
    `${destination.host}/${prefix}`,
  ];
  const command: Command = skopeoCommand(context.isolation, args);
  return (await measure(command)).sample;
}

/** Runs the mirror-many scenario. */
export async function runMany(context: BenchContext): Promise<ScenarioResult> {
  const t = context.cleanups.asTestContext();
  const source = await startRegistry(t);
  progress(`many: seeding ${String(IMAGES)} images`);
  const needed = await seed(source);
  const neededBytes = needed.reduce((sum, b) => sum + b.size, 0);
  const samples = new Map<string, Sample[]>();
  let oursSummary: Record<string, unknown> = {};
  for (let round = 1; round <= context.runs; round++) {
    // A fresh destination each round: skopeo's blob-info cache would mount from older rounds.
    const destination = await startRegistry(t);
    for (const method of rotation<Method>(METHODS, round)) {
      const prefix = `r${String(round)}`;
      if (method === OURS) {
        const run = await oursRun(context, source.host, destination, `ours-${prefix}`);
        keep(samples, method, run.sample);
        oursSummary = run.summary;
      } else if (method === SKOPEO) {
        keep(
          samples,
          method,
          await skopeoRun(context, source.host, destination, `skopeo-${prefix}`),
        );
      } else {
        const floor = await copyBlobsPlain(
          { url: source.url, name: appRepo(0) },
          { url: destination.url, name: `floor-${prefix}/all` },
          needed.slice(0, BASE_LAYERS),
        );
        // The base layers live in app-00; each image's own blobs in its own repository.
        const own = await ownBlobsFloor(source, destination, needed, prefix);
        keep(samples, method, {
          seconds: floor.seconds + own.seconds,
          cpuSeconds: floor.cpuSeconds + own.cpuSeconds,
        });
      }
      const last = samples.get(method)?.at(-1);
      progress(`many round ${String(round)}: ${method}: ${last?.seconds.toFixed(2) ?? "?"} s`);
    }
    await destination.stop();
  }
  const counted = await countFetches(context, source);
  const rows = summarize([
    { method: OURS, role: "ours", samples: samples.get(OURS) ?? [] },
    { method: SKOPEO, role: "peer", samples: samples.get(SKOPEO) ?? [] },
    { method: FLOOR, role: "floor", samples: samples.get(FLOOR) ?? [] },
  ]);
  const summaryFacts = Object.fromEntries(
    Object.entries(oursSummary)
      .filter(([, v]) => typeof v === "number")
      .map(([k, v]) => [`ours --json summary ${k}`, v as number]),
  );
  return {
    name: "many",
    title: `Mirror many: ${String(IMAGES)} images sharing ${String(BASE_LAYERS)} base layers (${(neededBytes / 1e6).toFixed(0)} MB of distinct blobs)`,
    tables: [{ caption: "mirror many", rows }],
    facts: {
      "blobs needed (distinct)": needed.length,
      "blobs fetched from the source, ours (GET /blobs/, counted run)": counted.ours,
      "blobs fetched from the source, skopeo (GET /blobs/, counted run)": counted.skopeo,
      ...summaryFacts,
    },
    notes: ["fetch counts come from one extra run of each through a recording proxy"],
    targets: [],
  };
}

/** The floor's second part: each image's own layer and config from its repository. */
async function ownBlobsFloor(
  source: Registry,
  destination: Registry,
  needed: readonly Descriptor[],
  prefix: string,
): Promise<{ seconds: number; cpuSeconds: number }> {
  const own = needed.slice(BASE_LAYERS);
  let seconds = 0;
  let cpuSeconds = 0;
  // Pairs (layer, config) per image, in app order; one copyBlobsPlain per image keeps it simple.
  for (let i = 0; i < IMAGES; i++) {
    const run = await copyBlobsPlain(
      { url: source.url, name: appRepo(i) },
      { url: destination.url, name: `floor-${prefix}/all` },
      own.slice(2 * i, 2 * i + 2),
    );
    seconds += run.seconds;
    cpuSeconds += run.cpuSeconds;
  }
  return { seconds, cpuSeconds };
}

/** Blob GETs at the source during one run of ours and one of skopeo, through a recording proxy. */
async function countFetches(
  context: BenchContext,
  source: Registry,
): Promise<{ ours: number; skopeo: number }> {
  const t = context.cleanups.asTestContext();
  const proxy = await startFaultProxy(t, { url: source.url });
  const destination = await startRegistry(t);
  const blobGets = /^\/v2\/.+\/blobs\/sha256:/;
  const before = proxy.count("GET", blobGets);
  await oursRun(context, proxy.host, destination, "ours-counted");
  const ours = proxy.count("GET", blobGets) - before;
  await skopeoRun(context, proxy.host, destination, "skopeo-counted");
  const skopeo = proxy.count("GET", blobGets) - before - ours;
  await destination.stop();
  return { ours, skopeo };
}
