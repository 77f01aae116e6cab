/**
 * Runs a command as a child process and measures it: wall time from spawn
 * to exit, peak resident memory and CPU time. Peak RSS and CPU time come
 * from GNU time's `%M %U %S` (the kernel's rusage, exact) when
 * `/usr/bin/time` exists; else peak RSS comes from polling
 * `/proc/PID/status` VmHWM every 50 ms (may miss a rise in the last 50 ms
 * before exit) and CPU time is not measured.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

/** Where peak RSS is read from. */
export type RssSource = "gnu-time" | "vmhwm-poll";

/** How this machine measures peak RSS. */
export const rssSource: RssSource = existsSync("/usr/bin/time") ? "gnu-time" : "vmhwm-poll";

/** What one run cost. */
export interface Usage {
  readonly seconds: number;
  /** Peak resident set of the process, MiB. */
  readonly peakRssMiB: number;
  /** User plus system CPU time, with GNU time only. */
  readonly cpuSeconds?: number;
}

/** One measured run. */
export interface Measured {
  readonly usage: Usage;
  readonly stdout: string;
}

/** Options of {@link measureCommand}. */
export interface MeasureOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Send stdout to /dev/null instead of collecting it (for `cat`). */
  readonly discardStdout?: boolean;
}

const POLL_MS = 50;
const STDERR_TAIL_CHARS = 4_000;

/** Runs `command args`; rejects with the tail of its stderr when it exits non-zero. */
export async function measureCommand(
  command: string,
  args: readonly string[],
  options: MeasureOptions = {},
): Promise<Measured> {
  const dir = await mkdtemp(path.join(tmpdir(), "isg-bench-time-"));
  const timeFile = path.join(dir, "rss");
  try {
    const argv =
      rssSource === "gnu-time"
        ? ["/usr/bin/time", "-f", "%M %U %S", "-o", timeFile, command, ...args]
        : [command, ...args];
    const run = await runChild(argv, options);
    const { seconds, stdout } = run;
    if (rssSource === "vmhwm-poll") {
      return { usage: { seconds, peakRssMiB: run.polledKiB / 1024 }, stdout };
    }
    const { peakKiB, cpuSeconds } = await readTimeFile(timeFile);
    return { usage: { seconds, peakRssMiB: peakKiB / 1024, cpuSeconds }, stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface ChildRun {
  readonly seconds: number;
  readonly stdout: string;
  /** The highest VmHWM seen while polling, KiB (0 when using GNU time). */
  readonly polledKiB: number;
}

function runChild(argv: readonly string[], options: MeasureOptions): Promise<ChildRun> {
  const [file = "", ...rest] = argv;
  const started = performance.now();
  const child = spawn(file, rest, {
    env: options.env ?? process.env,
    stdio: ["ignore", options.discardStdout === true ? "ignore" : "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  let polledKiB = 0;
  const poll =
    rssSource === "vmhwm-poll" && child.pid !== undefined
      ? setInterval(
          (pid: number) => {
            polledKiB = Math.max(polledKiB, readVmHwm(pid));
          },
          POLL_MS,
          child.pid,
        )
      : undefined;
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(poll);
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) resolve({ seconds, stdout, polledKiB });
      else reject(new Error(`${argv.join(" ")} exited with ${String(code)}:\n${stderr}`));
    });
  });
}

/** VmHWM of `pid` in KiB; 0 once the process is gone. */
function readVmHwm(pid: number): number {
  try {
    // Synchronous on purpose: a tiny procfs read, and it must not pile up.
    const status = readFileSync(`/proc/${String(pid)}/status`, "utf8");
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    return match?.[1] === undefined ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

/** `%M %U %S` from GNU time's output file: its last line (earlier ones report a non-zero exit). */
async function readTimeFile(file: string): Promise<{ peakKiB: number; cpuSeconds: number }> {
  const lines = (await readFile(file, "utf8")).trim().split("\n");
  const [peakKiB, user, system] = (lines.at(-1) ?? "").split(" ").map(Number);
  if (
    peakKiB === undefined ||
    user === undefined ||
    system === undefined ||
    Number.isNaN(peakKiB + user + system)
  ) {
    throw new Error(`unexpected GNU time output: ${lines.join(" | ")}`);
  }
  return { peakKiB, cpuSeconds: user + system };
}

/** The median of `values` (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}
