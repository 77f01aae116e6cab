/**
 * Who made a worktree: the lock reason a run records when it adds one to a
 * checkout, and whether the run it names has ended. A run killed with
 * SIGKILL runs no cleanup, so a later run removes what it left; a live
 * run's worktree (two scheduled jobs overlapping) must be left alone.
 */
import { readFile, readlink } from "node:fs/promises";
import { hostname } from "node:os";
import type { RunProcess } from "./workspace.ts";

const marker = "imagestream-gitops work tree:";

/** A run as its lock reason names it. */
export interface WorkTreeOwner {
  readonly pid: number;
  readonly host: string;
  /** The pid namespace (Linux): pids of another one (a container) cannot be asked about. */
  readonly pidns?: string | undefined;
  /** The process's start time in clock ticks since boot (Linux): tells a reused pid apart. */
  readonly started?: string | undefined;
}

/** The owner `run` is, on this host. Reads /proc where there is one. */
export async function ownerOf(run: RunProcess): Promise<WorkTreeOwner> {
  return {
    pid: run.pid,
    host: hostname(),
    pidns: await pidNamespace(),
    started: await startTime(run.pid),
  };
}

/** The lock reason naming `owner`: one line, `key=value` words after the marker. */
export function formatLockReason(owner: WorkTreeOwner): string {
  const words = [`pid=${String(owner.pid)}`, `host=${encodeURIComponent(owner.host)}`];
  if (owner.pidns !== undefined) words.push(`pidns=${owner.pidns}`);
  if (owner.started !== undefined) words.push(`started=${owner.started}`);
  return `${marker} ${words.join(" ")}`;
}

/** The owner a lock reason names; undefined for any reason this tool did not write. */
export function parseLockReason(reason: string): WorkTreeOwner | undefined {
  if (!reason.startsWith(`${marker} `)) return undefined;
  const fields = new Map<string, string>();
  for (const word of reason.slice(marker.length + 1).split(" ")) {
    const [key, value] = word.split("=", 2);
    if (key !== undefined && value !== undefined) fields.set(key, value);
  }
  const pid = Number(fields.get("pid"));
  const host = decodedHost(fields.get("host"));
  if (!Number.isSafeInteger(pid) || pid <= 0 || host === undefined) return undefined;
  return { pid, host, pidns: fields.get("pidns"), started: fields.get("started") };
}

function decodedHost(value: string | undefined): string | undefined {
  try {
    return value === undefined ? undefined : decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * Whether `owner`'s process is known to have ended: it ran on this host, in
 * this pid namespace, and its pid is gone or now belongs to a process that
 * started at another time. Anything unknown counts as running.
 */
export async function hasEnded(
  owner: WorkTreeOwner,
  self: WorkTreeOwner,
  run: RunProcess,
): Promise<boolean> {
  if (owner.host !== self.host || owner.pidns !== self.pidns) return false;
  try {
    run.signalZero(owner.pid);
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
  if (owner.started === undefined) return false;
  const started = await startTime(owner.pid);
  return started !== undefined && started !== owner.started;
}

/** Field 22 of /proc/PID/stat (proc(5)), counted after the command name, which may hold spaces. */
async function startTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${String(pid)}/stat`, "utf8");
    const started = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    return started !== undefined && /^\d+$/.test(started) ? started : undefined;
  } catch {
    return undefined;
  }
}

async function pidNamespace(): Promise<string | undefined> {
  try {
    return /^pid:\[(\d+)\]$/.exec(await readlink("/proc/self/ns/pid"))?.[1];
  } catch {
    return undefined;
  }
}
