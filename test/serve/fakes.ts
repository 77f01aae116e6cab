/** Test doubles of the runner's ports: a reconcile whose runs the test ends, and a log that keeps its lines. */
import { jsonLog, type JsonLog } from "../../src/serve/json-log.ts";
import type { ReconcileOnce, RunSummary } from "../../src/serve/runner.ts";

/** A parsed log line. */
export type LogLine = Readonly<Record<string, unknown>> & {
  readonly level: string;
  readonly msg: string;
};

/** A JSON log whose lines the test reads back, parsed. */
export function memoryLog(now?: () => Date): {
  log: JsonLog;
  lines: LogLine[];
  text: () => string;
} {
  const raw: string[] = [];
  const log = jsonLog((line) => raw.push(line), now);
  return {
    log,
    get lines() {
      return raw.map((line) => JSON.parse(line) as LogLine);
    },
    text: () => raw.join(""),
  };
}

/** One run the fake reconcile started: the test finishes it. */
export interface PendingRun {
  readonly signal: AbortSignal;
  readonly finish: (summary?: Partial<RunSummary>) => void;
  readonly fail: (err: Error) => void;
}

/** A reconcile whose every run waits for the test to finish or fail it. */
export function controlledReconcile(): { reconcileOnce: ReconcileOnce; runs: PendingRun[] } {
  const runs: PendingRun[] = [];
  const reconcileOnce: ReconcileOnce = (signal) =>
    new Promise<RunSummary>((resolve, reject) => {
      runs.push({
        signal,
        finish: (summary = {}) => {
          resolve({
            exitCode: 0,
            stopped: false,
            changesProposed: 0,
            registryRequests: 0,
            ...summary,
          });
        },
        fail: reject,
      });
    });
  return { reconcileOnce, runs };
}
