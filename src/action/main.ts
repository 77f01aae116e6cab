/**
 * The GitHub Action's entry point (action.yml runs dist/index.js, the
 * bundle of this file): the only code that imports `@actions/core`. It
 * reads the runner's environment, implements the toolkit port, and removes
 * the run's temporary work tree if the job is cancelled.
 */
import { tmpdir } from "node:os";
import * as core from "@actions/core";
import { runAction } from "./run-action.ts";
import type { ActionToolkit } from "./toolkit.ts";

const toolkit: ActionToolkit = {
  info: (message) => {
    core.info(message);
  },
  warning: (message, properties) => {
    core.warning(message, properties);
  },
  error: (message, properties) => {
    core.error(message, properties);
  },
  setOutput: (name, value) => {
    core.setOutput(name, value);
  },
  setSecret: (secret) => {
    core.setSecret(secret);
  },
  appendSummary: async (markdown) => {
    // Outside a runner (no GITHUB_STEP_SUMMARY) the summary is skipped, not fatal.
    if (process.env["GITHUB_STEP_SUMMARY"] === undefined) return;
    await core.summary.addRaw(markdown, true).write();
  },
  setFailed: (message) => {
    core.setFailed(message);
  },
};

// A cancelled job gets SIGINT, then SIGTERM: remove the temporary work tree
// registered in the checkout (a self-hosted runner keeps its workspace).
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

await runAction((name) => core.getInput(name), toolkit, {
  env: process.env,
  now: () => new Date(),
  workspace: process.env["GITHUB_WORKSPACE"] ?? process.cwd(),
  tempDir: process.env["RUNNER_TEMP"] ?? tmpdir(),
  cleanups,
  runProcess: {
    pid: process.pid,
    signalZero: (pid) => {
      process.kill(pid, 0);
    },
  },
});
