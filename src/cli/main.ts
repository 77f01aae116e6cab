#!/usr/bin/env node
/**
 * The process entry point: the only place that reads argv and the
 * environment, writes to the real streams and sets the exit code.
 */
import { run } from "./run.ts";

const out = {
  stdout: (text: string): void => void process.stdout.write(text),
  stderr: (text: string): void => void process.stderr.write(text),
};

// On SIGINT or SIGTERM (a CI job cancelled), undo what is held (a temporary
// work tree registered in the user's checkout), then exit as the signal would.
// A command that took over the stop (serve) gets the first signal instead,
// as an abort: it ends after its current step and returns; a second signal
// exits as above.
const cleanups = new Set<() => Promise<void>>();
const stopRequest = new AbortController();
let stopTakenOver = false;
let exiting = false;
for (const [signal, number] of [
  ["SIGINT", 2],
  ["SIGTERM", 15],
] as const) {
  process.on(signal, () => {
    if (stopTakenOver && !stopRequest.signal.aborted) {
      stopRequest.abort(signal);
      return;
    }
    // Another signal while cleaning up: exit now, as the default handler would.
    if (exiting) process.exit(128 + number);
    exiting = true;
    void Promise.allSettled([...cleanups].map((cleanup) => cleanup())).then(() =>
      process.exit(128 + number),
    );
  });
}

process.exitCode = await run(process.argv.slice(2), out, {
  cleanups,
  runProcess: {
    pid: process.pid,
    signalZero: (pid) => {
      process.kill(pid, 0);
    },
  },
  stop: {
    takeOver: () => {
      stopTakenOver = true;
      return stopRequest.signal;
    },
  },
  env: process.env,
  debug: process.env["ISG_DEBUG"] !== undefined,
  terminal: {
    isTTY: process.stderr.isTTY,
    // columns is undefined at run time when stderr is not a terminal.
    ...(process.stderr.isTTY ? { columns: process.stderr.columns } : {}),
  },
});
