/**
 * The real {@link HelperRunner}: spawns the helper without a shell, writes
 * the input to its stdin, and collects its output under a byte cap and a
 * timeout. On timeout or overflow the process is killed and the outcome
 * reported at once, without waiting for pipes a grandchild may hold open.
 */
import { spawn } from "node:child_process";
import type { HelperOutcome, HelperRunner } from "./credential-helper.ts";

/** Runs `request.program` found through `request.env.PATH`, never through a shell. */
export const runHelperProcess: HelperRunner = (request) =>
  new Promise<HelperOutcome>((resolve) => {
    const child = spawn(request.program, request.args, {
      env: request.env,
      stdio: ["pipe", "pipe", "pipe"],
      shell: false,
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (outcome: HelperOutcome, kill: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (kill) {
        child.kill("SIGKILL");
        child.stdout.destroy();
        child.stderr.destroy();
      }
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      settle({ kind: "timeout" }, true);
    }, request.timeoutMs);
    const collect =
      (into: Buffer[]) =>
      (chunk: Buffer): void => {
        bytes += chunk.length;
        if (bytes > request.maxOutputBytes) settle({ kind: "too-large" }, true);
        else into.push(chunk);
      };
    child.stdout.on("data", collect(stdout));
    child.stderr.on("data", collect(stderr));
    child.on("error", (error: NodeJS.ErrnoException) => {
      const errno = error.code ?? "unknown error";
      settle(errno === "ENOENT" ? { kind: "missing" } : { kind: "spawn-failed", errno }, false);
    });
    child.on("close", (code, signal) => {
      settle(
        code === null
          ? { kind: "signaled", signal: signal ?? "a signal" }
          : {
              kind: "exited",
              exitCode: code,
              stdout: Buffer.concat(stdout).toString("utf8"),
              stderr: Buffer.concat(stderr).toString("utf8"),
            },
        false,
      );
    });
    // A helper that exits without reading its input makes the write fail (EPIPE).
    child.stdin.on("error", () => undefined);
    child.stdin.end(request.input);
  });
