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
const cleanups = new Set<() => Promise<void>>();
for (const [signal, number] of [
  ["SIGINT", 2],
  ["SIGTERM", 15],
] as const) {
  process.once(signal, () => {
    void Promise.allSettled([...cleanups].map((cleanup) => cleanup())).then(() =>
      process.exit(128 + number),
    );
  });
}

process.exitCode = await run(process.argv.slice(2), out, {
  cleanups,
  env: process.env,
  debug: process.env["ISG_DEBUG"] !== undefined,
  terminal: {
    isTTY: process.stderr.isTTY,
    // columns is undefined at run time when stderr is not a terminal.
    ...(process.stderr.isTTY ? { columns: process.stderr.columns } : {}),
  },
});
