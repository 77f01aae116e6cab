/**
 * Scenario 4, load: `validate` of 2,000 stream files and 2,000 workload
 * manifests following them, against the floor of parsing the same files
 * with `yaml` alone (in a Node process of its own). No peer: no other tool
 * validates ImageStreams and trigger annotations.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { benchScript, oursCommand } from "./copiers.ts";
import { keep, measure, rotation, type BenchContext } from "./context.ts";
import { writeConfig, writeStreams, writeWorkloads, BENCH_REGISTRY } from "./generate-repo.ts";
import { progress } from "./log.ts";
import { summarize, type Sample, type ScenarioResult } from "./report.ts";

const STREAMS = 2_000;
const WORKLOADS = 2_000;
const OURS = "ours: validate";
const FLOOR = "floor: yaml parseAllDocuments (process)";
const FLOOR_LOOP = "floor, loop alone (in-process clock)";
const METHODS = [OURS, FLOOR] as const;

/** Runs the load scenario. */
export async function runLoad(context: BenchContext): Promise<ScenarioResult> {
  const root = path.join(context.work, "load");
  await mkdir(root, { recursive: true });
  progress(`load: writing ${String(STREAMS)} stream files and ${String(WORKLOADS)} workloads`);
  await writeStreams(root, { streams: STREAMS, tagsPerStream: 2 });
  await writeWorkloads(root, WORKLOADS, STREAMS);
  await writeConfig(root, { [BENCH_REGISTRY]: { insecure: true } });
  const samples = new Map<string, Sample[]>();
  for (let round = 1; round <= context.runs; round++) {
    for (const method of rotation(METHODS, round)) {
      if (method === OURS) {
        const command = oursCommand(context.isolation, ["validate", "--repo", root, "--json"]);
        keep(samples, method, (await measure(command)).sample);
      } else {
        const { sample, stdout } = await measure(
          benchScript(context.isolation, "parse-floor.js", [root]),
        );
        keep(samples, method, sample);
        keep(samples, FLOOR_LOOP, { seconds: (JSON.parse(stdout) as { seconds: number }).seconds });
      }
      const last = samples.get(method)?.at(-1);
      progress(`load round ${String(round)}: ${method}: ${last?.seconds.toFixed(2) ?? "?"} s`);
    }
  }
  const rows = summarize([
    { method: OURS, role: "ours", samples: samples.get(OURS) ?? [] },
    { method: FLOOR, role: "floor", samples: samples.get(FLOOR) ?? [] },
    { method: FLOOR_LOOP, role: "info", samples: samples.get(FLOOR_LOOP) ?? [] },
  ]);
  const vsFloor = rows.find((r) => r.method === OURS)?.vsFloor ?? Number.NaN;
  return {
    name: "load",
    title: `Load: validate ${String(STREAMS)} stream files and ${String(WORKLOADS)} workload manifests`,
    tables: [{ caption: "validate", rows }],
    facts: { files: STREAMS + WORKLOADS + 1 },
    notes: ["no peer: no other tool checks ImageStreams and trigger annotations"],
    targets: [
      {
        scenario: "load",
        target: "validate within 2× of parse-only",
        measured: `${vsFloor.toFixed(2)}×`,
        met: vsFloor <= 2,
      },
    ],
  };
}
