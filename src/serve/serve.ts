/**
 * The scheduled runner's life: listen, tick, run without overlap, and on
 * the stop request stop ticking, let the run in progress end after its
 * current step, close the endpoint and return. The command wires it to the
 * process (argv, signals, stderr); tests drive it with a fake reconcile.
 */
import { startEndpoint, type ListenAddress } from "./http-endpoint.ts";
import type { JsonLog } from "./json-log.ts";
import { emptyMetrics, metricsContentType, renderMetrics } from "./metrics.ts";
import { createRunner, type ReconcileOnce, type Runner } from "./runner.ts";
import type { Schedule } from "./schedule.ts";
import { startTicker } from "./ticker.ts";

/** How to serve. */
export interface ServeOptions {
  readonly schedule: Schedule;
  readonly listen: ListenAddress;
  /**
   * A run going for longer than this is stuck (a fetch hanging on a dead
   * connection): /healthz then answers 503, so a liveness probe restarts
   * the process instead of every later tick being skipped.
   */
  readonly maxRunSeconds: number;
}

/** What the runner is given. */
export interface ServeDeps {
  readonly reconcileOnce: ReconcileOnce;
  readonly log: JsonLog;
  /** Aborted to stop (the first SIGTERM or SIGINT); its reason is logged. */
  readonly stop: AbortSignal;
  readonly now?: () => Date;
}

/**
 * Serves until `deps.stop` is aborted, then stops cleanly and resolves
 * with 0.
 *
 * @throws Error (EADDRINUSE and the like) when the endpoint cannot listen.
 */
export async function serve(options: ServeOptions, deps: ServeDeps): Promise<number> {
  const { log, stop } = deps;
  const now = deps.now ?? ((): Date => new Date());
  const metrics = emptyMetrics();
  const runner = createRunner(deps.reconcileOnce, { log, metrics, now });
  const endpoint = await startEndpoint(options.listen, {
    healthy: () => health(runner, options.maxRunSeconds, now()),
    metrics: () => ({ contentType: metricsContentType, text: renderMetrics(metrics) }),
  });
  const ticker = startTicker(options.schedule, runner.tick, now);
  log.info("serving", {
    address: endpoint.address,
    schedule: options.schedule.expression,
    timeZone: options.schedule.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    next: ticker.next()?.toISOString(),
  });
  const reason = await stopped(stop);
  ticker.stop();
  log.info("stopping", { reason, running: metrics.runInProgress });
  await runner.stop(reason);
  await endpoint.close();
  log.info("stopped", { runs: metrics.runs, failures: metrics.failures });
  return 0;
}

/** Why the runner is not healthy: stopping, or a run going for longer than `maxRunSeconds`. */
function health(runner: Runner, maxRunSeconds: number, at: Date): string | undefined {
  if (runner.stopping()) return "stopping";
  const current = runner.current();
  if (current === undefined) return undefined;
  const ms = at.getTime() - current.started.getTime();
  return ms > maxRunSeconds * 1000
    ? `stuck: run ${String(current.run)} has been going for ${String(Math.round(ms / 1000))} s (--max-run-duration ${String(maxRunSeconds)})`
    : undefined;
}

/** Resolves with the abort reason, as text, when `signal` is aborted. */
function stopped(signal: AbortSignal): Promise<string> {
  const reason = (): string => String(signal.reason);
  if (signal.aborted) return Promise.resolve(reason());
  return new Promise((resolve) => {
    signal.addEventListener(
      "abort",
      () => {
        resolve(reason());
      },
      { once: true },
    );
  });
}
