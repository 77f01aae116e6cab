/**
 * The programs the benchmarks start: Debian's docker-registry, skopeo and
 * git (GNU time is optional: without it peak RSS is polled). Missing ones
 * are installed with apt-get when running as root, as .ci/run does;
 * otherwise the bench stops and says what to install.
 */
import { execFile } from "node:child_process";
import { loadavg } from "node:os";
import { promisify } from "node:util";
import { rssSource } from "./measure.ts";
import { progress } from "./log.ts";

const run = promisify(execFile);

/** Command → the Debian package that has it. */
const TOOLS: Readonly<Record<string, string>> = {
  "docker-registry": "docker-registry",
  skopeo: "skopeo",
  git: "git",
  openssl: "openssl",
};

async function has(command: string): Promise<boolean> {
  try {
    await run("sh", ["-c", `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

/** Resolves when every tool is there, installing them as root; rejects with the fix otherwise. */
export async function requireTools(): Promise<void> {
  const missing: string[] = [];
  for (const [command, pkg] of Object.entries(TOOLS)) {
    if (!(await has(command))) missing.push(pkg);
  }
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `the benchmarks need ${missing.join(", ")}: run as root, or first: ` +
        `sudo apt-get install -y ${missing.join(" ")}`,
    );
  }
  progress(`installing Debian packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  await run("apt-get", ["update", "-qq"], { env });
  await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { env });
}

/** Versions and load, for the table's header. */
export async function machineFacts(): Promise<{
  node: string;
  skopeo: string;
  loadAverage: string;
  rssSource: string;
}> {
  const { stdout } = await run("skopeo", ["--version"]);
  const skopeo = /version (\S+)/.exec(stdout)?.[1] ?? stdout.trim();
  const loadAverage = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  return { node: process.version, skopeo, loadAverage, rssSource };
}
