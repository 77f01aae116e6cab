/**
 * Running a real server binary for a test: a free port on 127.0.0.1, the
 * process with the tail of its log kept for error messages, and a stop that
 * waits for the exit. Shared by the registry and the forward proxy.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

const LOG_TAIL_CHARS = 8_000;

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no TCP port");
  return address.port;
}

/** Whether `child` has exited. */
export function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Sends SIGTERM (SIGKILL after 5 s) and waits for the process to exit. */
export async function terminate(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const exit = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exit;
  clearTimeout(timer);
}

/** A spawned server and its log so far (stdout and stderr, the tail only). */
export interface Launched {
  readonly child: ChildProcess;
  readonly tail: () => string;
}

/** Spawns `command`, keeping the tail of what it writes. */
export function launch(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Launched {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (chunk: string): void => {
    log = (log + chunk).slice(-LOG_TAIL_CHARS);
  };
  child.stdout.setEncoding("utf8").on("data", keep);
  child.stderr.setEncoding("utf8").on("data", keep);
  child.on("error", (error) => {
    log += `\nspawn failed: ${error.message}`;
  });
  return { child, tail: () => log };
}

/** Waits until something accepts TCP connections on 127.0.0.1:`port`; false if `child` exits first. */
export async function waitListening(
  child: ChildProcess,
  port: number,
  timeoutMs = 15_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!exited(child)) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => {
        resolve(false);
      });
    });
    if (open) return true;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${String(port)}`);
    await sleep(25);
  }
  return false;
}
