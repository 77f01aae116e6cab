/**
 * `npm run bench [-- SCENARIO...] [--runs N] [--json]`: the benchmarks of
 * issue 9, each against its peer (skopeo) and the machine's floor measured
 * in the same run: resolve, mirror, many, load, reconcile (all by default).
 * Starts its own registries on 127.0.0.1; tables on stdout, progress on
 * stderr, every figure in bench/results/latest.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Cleanups } from "./cleanups.ts";
import type { BenchContext } from "./context.ts";
import { writeIsolation } from "./copiers.ts";
import { progress } from "./log.ts";
import { machineFacts, requireTools } from "./prerequisites.ts";
import { renderScenario, renderTargets, type ScenarioResult } from "./report.ts";
import { runLoad } from "./load.ts";
import { runMany } from "./many.ts";
import { runMirror } from "./mirror.ts";
import { runReconcile } from "./reconcile.ts";
import { runResolve } from "./resolve.ts";

const SCENARIOS: Readonly<Record<string, (context: BenchContext) => Promise<ScenarioResult>>> = {
  resolve: runResolve,
  mirror: runMirror,
  many: runMany,
  load: runLoad,
  reconcile: runReconcile,
};

/** Where the last run's figures are kept (committed: the README quotes them). */
const RESULTS = path.join(import.meta.dirname, "..", "..", "bench", "results", "latest.json");

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { json: { type: "boolean", default: false }, runs: { type: "string", default: "5" } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a positive integer");
  const names = positionals.length === 0 ? Object.keys(SCENARIOS) : positionals;
  const unknown = names.filter((n) => !(n in SCENARIOS));
  if (unknown.length > 0) {
    throw new Error(
      `unknown scenario ${unknown.join(", ")}; pick from ${Object.keys(SCENARIOS).join(", ")}`,
    );
  }
  await requireTools();
  const cleanups = new Cleanups();
  // Registries are children of this process: stop them and remove their storage on Ctrl-C.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void cleanups.run(progress).finally(() => process.exit(130));
    });
  }
  const started = new Date();
  const results: ScenarioResult[] = [];
  try {
    const work = await mkdtemp(path.join(tmpdir(), "isg-bench-"));
    cleanups.after(() => rm(work, { recursive: true, force: true }));
    const context = { cleanups, isolation: await writeIsolation(work), work, runs };
    for (const name of names) {
      const scenario = SCENARIOS[name];
      if (scenario === undefined) continue;
      const began = Date.now();
      progress(`scenario ${name}: start (load ${loadavg()[0]?.toFixed(2) ?? "?"})`);
      results.push(await scenario(context));
      progress(`scenario ${name}: ${((Date.now() - began) / 1000).toFixed(0)} s`);
    }
  } finally {
    await cleanups.run(progress);
  }
  const machine = { ...(await machineFacts()), cpus: cpus().length, date: started.toISOString() };
  const document = { machine, runs, scenarios: results };
  await mkdir(path.dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, JSON.stringify(document, null, 2) + "\n");
  if (values.json) {
    process.stdout.write(JSON.stringify(document, null, 2) + "\n");
    return;
  }
  const header =
    `${machine.date.slice(0, 10)}; ${String(machine.cpus)} cores; node ${machine.node}; ` +
    `skopeo ${machine.skopeo}; load average ${machine.loadAverage}; ${String(runs)} runs per method; ` +
    `peak RSS from ${machine.rssSource}\n\n`;
  process.stdout.write(header + results.map(renderScenario).join("\n") + "\n");
  process.stdout.write(renderTargets(results));
  progress(`figures written to ${path.relative(process.cwd(), RESULTS)}`);
}

await main();
