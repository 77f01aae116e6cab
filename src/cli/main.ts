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

process.exitCode = await run(process.argv.slice(2), out, {
  env: process.env,
  debug: process.env["ISG_DEBUG"] !== undefined,
  terminal: {
    isTTY: process.stderr.isTTY,
    // columns is undefined at run time when stderr is not a terminal.
    ...(process.stderr.isTTY ? { columns: process.stderr.columns } : {}),
  },
});
