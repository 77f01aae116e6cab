/**
 * `node build/bench/serve-memory.js [--seconds N] [--schedule CRON]`: the
 * scheduled runner's memory over many runs. `serve` runs as a child process
 * on a one-second schedule (default) against a clone of the examples, every
 * registry the real docker-registry, a change already proposed (so each run
 * plans, finds the branch holding it and pushes nothing); its resident set
 * is read from /proc every 30 s with the runs counted by /metrics. A leak
 * shows as RSS growing with the run count. Table on stdout, progress on stderr.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { push } from "../test/support/examples-registry.ts";
import { examplesRemote } from "../test/support/examples-remote.ts";
import { Cleanups } from "./cleanups.ts";

const main = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));

/** The examples committed on a bare remote after a first apply, a clone, and postgres:15 moved. */
async function setUp(cleanups: Cleanups): Promise<{ clone: string; env: Record<string, string> }> {
  const t = cleanups.asTestContext();
  const { registry, genv, clone } = await examplesRemote(t);
  await push(t, registry, "docker.io/library/postgres:15", "pg15-b");
  return { clone, env: genv.env };
}

async function sample(pid: number, address: string): Promise<string> {
  const status = await readFile(`/proc/${String(pid)}/status`, "utf8");
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  const metrics = await (await fetch(`http://${address}/metrics`)).text();
  const value = (name: string): string =>
    new RegExp(`^imagestream_gitops_${name} (\\S+)$`, "m").exec(metrics)?.[1] ?? "?";
  return `${rss.toFixed(1).padStart(8)} ${value("runs_total").padStart(6)} ${value("run_failures_total").padStart(8)} ${value("skipped_ticks_total").padStart(8)}`;
}

async function measure(seconds: number, schedule: string, cleanups: Cleanups): Promise<void> {
  const { clone, env } = await setUp(cleanups);
  const args = ["serve", "--repo", clone, "--forge", "local", "--listen", "127.0.0.1:0"];
  const child = spawn(process.execPath, [main, ...args, "--schedule", schedule], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  cleanups.after(() => child.kill("SIGKILL"));
  let log = "";
  child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
  for (let i = 0; i < 100 && !log.includes('"serving"'); i++) await sleep(100);
  const address = /"address":"([^"]+)"/.exec(log)?.[1];
  if (address === undefined || child.pid === undefined)
    throw new Error(`serve did not start: ${log}`);
  process.stdout.write(`     s   RSS MiB   runs failures  skipped\n`);
  const started = Date.now();
  for (let elapsed = 0; elapsed < seconds; elapsed = (Date.now() - started) / 1000) {
    await sleep(Math.min(30, seconds) * 1000);
    const at = Math.round((Date.now() - started) / 1000);
    process.stdout.write(`${String(at).padStart(6)} ${await sample(child.pid, address)}\n`);
  }
  child.kill("SIGTERM");
  const [code] = (await once(child, "exit")) as [number | null];
  process.stderr.write(`serve exited ${String(code)}\n`);
}

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "600" },
      schedule: { type: "string", default: "* * * * * *" },
    },
  });
  const seconds = Number(values.seconds);
  if (!Number.isInteger(seconds) || seconds < 1)
    throw new Error("--seconds must be a positive integer");
  const cleanups = new Cleanups();
  const report = (message: string): void => void process.stderr.write(message + "\n");
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void cleanups.run(report).finally(() => process.exit(130));
    });
  }
  try {
    await measure(seconds, values.schedule, cleanups);
  } finally {
    await cleanups.run(report);
  }
}

await run();
