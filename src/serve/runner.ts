/**
 * Runs reconcile at each tick, never two at once: a tick that comes while
 * a run is going is skipped, counted and logged, not queued (the next tick
 * will see what it would have seen). Stopping asks the run in progress to
 * end after its current step and waits for it.
 */
import { errorSummary, InputError, UsageError } from "../errors.ts";
import type { JsonLog, LogFields } from "./json-log.ts";
import type { MetricsState } from "./metrics.ts";

/** What one run did, as the runner counts and logs it. */
export interface RunSummary {
  /** 0 done, 1 a failure, 2 invalid input (DESIGN.md's exit codes). */
  readonly exitCode: number;
  /** The stop request ended the run between two steps. */
  readonly stopped: boolean;
  /** Branches pushed and pull requests opened or updated. */
  readonly changesProposed: number;
  readonly registryRequests: number;
  /** More for the run's last log line (what was published); masked texts only. */
  readonly details?: LogFields;
}

/** One reconcile run: it looks at `signal` between steps and logs through `log`. */
export type ReconcileOnce = (signal: AbortSignal, log: JsonLog) => Promise<RunSummary>;

/** The no-overlap runner. */
export interface Runner {
  /** Starts a run for the tick at `at`, unless one is going (skipped, logged) or stopping. */
  readonly tick: (at: Date) => void;
  /** Runs now and resolves with the run's exit code (1 or 2 when it threw). */
  readonly runNow: (at: Date) => Promise<number>;
  /** Starts no more runs, asks the current one to stop after its step, and waits for it. */
  readonly stop: (reason: string) => Promise<void>;
  readonly stopping: () => boolean;
  /** The run in progress and when it started, if one is going. */
  readonly current: () => { readonly run: number; readonly started: Date } | undefined;
}

/** What the runner reports to. */
export interface RunnerDeps {
  readonly log: JsonLog;
  readonly metrics: MetricsState;
  readonly now?: () => Date;
}

/** A runner calling `reconcileOnce` for each run it starts. */
export function createRunner(reconcileOnce: ReconcileOnce, deps: RunnerDeps): Runner {
  const { log, metrics } = deps;
  const now = deps.now ?? ((): Date => new Date());
  const controller = new AbortController();
  let current: { run: number; started: Date; done: Promise<number> } | undefined;
  let count = 0;
  const runNow = (at: Date): Promise<number> => {
    const run = ++count;
    const started = now();
    const done = runOne(reconcileOnce, run, at, controller.signal, { log, metrics, now });
    current = { run, started, done };
    return done.finally(() => {
      if (current?.run === run) current = undefined;
    });
  };
  return {
    tick: (at) => {
      if (controller.signal.aborted) return;
      if (current !== undefined) {
        metrics.skippedTicks++;
        log.warn("tick skipped: a run is in progress", {
          scheduled: at.toISOString(),
          running: current.run,
        });
        return;
      }
      void runNow(at);
    },
    runNow,
    stop: async (reason) => {
      controller.abort(reason);
      await current?.done;
    },
    stopping: () => controller.signal.aborted,
    current: () =>
      current === undefined ? undefined : { run: current.run, started: current.started },
  };
}

/** One run: counted, timed and logged; its errors become an exit code. */
async function runOne(
  reconcileOnce: ReconcileOnce,
  run: number,
  at: Date,
  signal: AbortSignal,
  deps: Required<RunnerDeps>,
): Promise<number> {
  const { metrics, now } = deps;
  const log = deps.log.with({ run });
  const started = now().getTime();
  metrics.runInProgress = true;
  log.info("run started", { scheduled: at.toISOString() });
  let exitCode: number;
  let succeeded = false;
  try {
    const summary = await reconcileOnce(signal, log);
    exitCode = summary.exitCode;
    // A stopped run did not finish its work: not a success, not a failure.
    succeeded = exitCode === 0 && !summary.stopped;
    metrics.changesProposed += summary.changesProposed;
    metrics.registryRequests += summary.registryRequests;
    const seconds = (now().getTime() - started) / 1000;
    const fields = { ...summary.details, exitCode, stopped: summary.stopped, seconds };
    const counts = {
      changesProposed: summary.changesProposed,
      registryRequests: summary.registryRequests,
    };
    (exitCode === 0 ? log.info : log.error)("run finished", { ...fields, ...counts });
  } catch (err) {
    exitCode = err instanceof UsageError || err instanceof InputError ? 2 : 1;
    const { code, message } = errorSummary(err);
    log.error("run failed", {
      code,
      error: message,
      exitCode,
      seconds: (now().getTime() - started) / 1000,
    });
  }
  metrics.runs++;
  metrics.lastRunMs = now().getTime() - started;
  if (succeeded) metrics.lastSuccessMs = now().getTime();
  if (exitCode !== 0) metrics.failures++;
  metrics.runInProgress = false;
  return exitCode;
}
