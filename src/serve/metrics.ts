/**
 * The runner's metrics and their Prometheus text exposition (format 0.0.4:
 * a HELP and a TYPE line per metric, then its sample). Written by hand: a
 * handful of unlabelled counters and gauges need no client library.
 */

/** What the metrics count, since the process started. */
export interface MetricsState {
  /** Runs finished, whatever their outcome (a stopped run included). */
  runs: number;
  /** Runs that exited non-zero or threw. */
  failures: number;
  /** Branches pushed and pull requests opened or updated. */
  changesProposed: number;
  /** Requests sent to registries. */
  registryRequests: number;
  /** Ticks that came while a run was going, and were skipped. */
  skippedTicks: number;
  /** When the last successful run finished, in ms since the epoch; 0: none yet. */
  lastSuccessMs: number;
  /** How long the last finished run took, in ms. */
  lastRunMs: number;
  runInProgress: boolean;
}

/** A fresh state: nothing counted. */
export function emptyMetrics(): MetricsState {
  return {
    runs: 0,
    failures: 0,
    changesProposed: 0,
    registryRequests: 0,
    skippedTicks: 0,
    lastSuccessMs: 0,
    lastRunMs: 0,
    runInProgress: false,
  };
}

/** The Content-Type of {@link renderMetrics}' text. */
export const metricsContentType = "text/plain; version=0.0.4; charset=utf-8";

const prefix = "imagestream_gitops_";

interface MetricDefinition {
  readonly name: string;
  readonly type: "counter" | "gauge";
  readonly help: string;
  readonly value: (s: Readonly<MetricsState>) => number;
}

const definitions: readonly MetricDefinition[] = [
  { name: "runs_total", type: "counter", help: "Reconcile runs finished.", value: (s) => s.runs },
  {
    name: "run_failures_total",
    type: "counter",
    help: "Reconcile runs that failed (exit code not 0, or an error).",
    value: (s) => s.failures,
  },
  {
    name: "changes_proposed_total",
    type: "counter",
    help: "Branches pushed and pull requests opened or updated.",
    value: (s) => s.changesProposed,
  },
  {
    name: "registry_requests_total",
    type: "counter",
    help: "Requests sent to container registries.",
    value: (s) => s.registryRequests,
  },
  {
    name: "skipped_ticks_total",
    type: "counter",
    help: "Scheduled ticks skipped because a run was still in progress.",
    value: (s) => s.skippedTicks,
  },
  {
    name: "last_success_timestamp_seconds",
    type: "gauge",
    help: "When the last successful run finished, in seconds since the epoch (0: none yet).",
    value: (s) => s.lastSuccessMs / 1000,
  },
  {
    name: "last_run_duration_seconds",
    type: "gauge",
    help: "How long the last finished run took, in seconds.",
    value: (s) => s.lastRunMs / 1000,
  },
  {
    name: "run_in_progress",
    type: "gauge",
    help: "1 while a run is in progress, else 0.",
    value: (s) => (s.runInProgress ? 1 : 0),
  },
];

/** The metrics of `state` in the Prometheus text format, ending with a line break. */
export function renderMetrics(state: Readonly<MetricsState>): string {
  return definitions
    .map((d) => {
      const name = prefix + d.name;
      return `# HELP ${name} ${d.help}\n# TYPE ${name} ${d.type}\n${name} ${String(d.value(state))}\n`;
    })
    .join("");
}
