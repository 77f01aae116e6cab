/**
 * `imagestream-gitops serve`: reconcile on a cron schedule, with JSON log
 * lines on stderr and /healthz and /metrics over HTTP, until SIGTERM or
 * SIGINT; then the run in progress ends after its current step (never
 * mid-push) and the process exits 0. A second signal exits at once.
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import { positiveArgument, reconcileRequestFrom } from "../reconcile/reconcile-flags.ts";
import { configAt, isDirectory } from "../reconcile/repository-config.ts";
import { defaultListen, parseListen } from "./http-endpoint.ts";
import { jsonLog, type JsonLog } from "./json-log.ts";
import { emptyMetrics } from "./metrics.ts";
import { reconcileOnceWith, type RunEnvironment } from "./reconcile-once.ts";
import { createRunner, type ReconcileOnce } from "./runner.ts";
import { defaultSchedule, parseSchedule, type Schedule } from "./schedule.ts";
import { serve } from "./serve.ts";

/** The command's help text. */
export const serveHelp = `Usage: imagestream-gitops serve [--repo DIR|URL] [--schedule CRON] [--time-zone TZ] [--listen HOST:PORT] [--once] [reconcile's options]

Run 'reconcile' on a cron schedule, never two runs at once: a tick that comes
while a run is going is skipped and logged. Logs are JSON lines on stderr
(time, level, msg, fields). An HTTP endpoint serves /healthz (200, or 503
while stopping) and /metrics (Prometheus text format). On SIGTERM or SIGINT
no new run starts, the run in progress ends after its current step (never
in the middle of a push), and serve exits 0; a second signal exits at once.

Options:
  --schedule CRON     when to run: five cron fields, or six with seconds first
                      (default: the config's schedule, "*/15 * * * *"; the config is
                      --config or DIR/imagestream-gitops.yaml: for a URL, name one)
  --time-zone TZ      the IANA zone the schedule is read in (default: the process's, TZ)
  --listen HOST:PORT  the HTTP endpoint (default ${defaultListen}; port 0 picks a free
                      port, logged in the "serving" line)
  --max-run-duration SECONDS
                      a run going for longer is stuck: /healthz answers 503 so a
                      liveness probe restarts serve (default 3600)
  --once              run once now and exit with its status (1 when a signal stopped
                      it before it finished); no schedule, no endpoint
  --repo DIR|URL      a local checkout (its remote is fetched and pushed to) or a
                      repository URL to clone (default: the current directory)
  --remote NAME       the checkout's remote (default origin)
  --base BRANCH       the branch to propose against (default: pullRequest.base, main)
  --forge KIND        github, gitlab, gitea or local (default: pullRequest.forge)
  --config FILE       the config file (default: DIR/imagestream-gitops.yaml, optional)
  --authfile FILE     registry credentials (default: REGISTRY_AUTH_FILE, DOCKER_CONFIG/config.json,
                      ~/.docker/config.json, ~/.dockercfg)
  --insecure          skip TLS verification and fall back to plain HTTP for every registry
  --concurrency N     requests in flight per registry (default 8; a registry's config entry wins)
  --shard I/N         reconcile only shard I of N, on its own branch
  --dry-run           plan and log what each run would publish; change nothing
  -h, --help          show this help

Tokens are read as 'reconcile' reads them (ISG_FORGE_TOKEN, GITHUB_TOKEN, ...).

Exit status: 0 stopped by a signal (or --once done), 1 a failure (--once), 2 invalid
input or usage (the endpoint's address in use included).
`;

const options = {
  repo: { type: "string", default: "." },
  remote: { type: "string", default: "origin" },
  base: { type: "string" },
  forge: { type: "string" },
  config: { type: "string" },
  authfile: { type: "string" },
  insecure: { type: "boolean", default: false },
  concurrency: { type: "string", default: "8" },
  shard: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  schedule: { type: "string" },
  "time-zone": { type: "string" },
  listen: { type: "string", default: defaultListen },
  once: { type: "boolean", default: false },
  "max-run-duration": { type: "string", default: "3600" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** What serve takes from the process, through the CLI's RunContext. */
export interface ServeContext extends RunEnvironment {
  /** Takes over SIGINT/SIGTERM (see the CLI's StopControl); absent in-process: never stopped. */
  readonly takeOverStop?: () => AbortSignal;
}

/** Runs `serve`; returns the exit code. */
export async function runServe(
  args: readonly string[],
  stderr: (text: string) => void,
  stdout: (text: string) => void,
  context: ServeContext,
): Promise<number> {
  const { values } = parseArgs({ args: [...args], options, allowPositionals: false, strict: true });
  if (values.help) {
    stdout(serveHelp);
    return 0;
  }
  const request = reconcileRequestFrom(values);
  const reconcileOnce = reconcileOnceWith(request, context);
  if (values.once) {
    const log = jsonLog(stderr);
    return runOnce(reconcileOnce, log, context.takeOverStop?.() ?? neverStopped());
  }
  const listen = parseListen(values.listen);
  const schedule = await scheduleOf(values);
  // Logs and ticks follow the real clock; context.now only stamps status items.
  const log = jsonLog(stderr);
  const stop = context.takeOverStop?.() ?? neverStopped();
  try {
    const maxRunSeconds = positiveArgument("--max-run-duration", values["max-run-duration"]);
    return await serve({ schedule, listen, maxRunSeconds }, { reconcileOnce, log, stop });
  } catch (err) {
    if ((err as { code?: unknown }).code === "EADDRINUSE") {
      throw new UsageError(`--listen ${values.listen}: the address is in use`);
    }
    throw err;
  }
}

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>["values"];

/** --schedule, else the config's (named, or the checkout's own file), else the default. */
async function scheduleOf(values: Values): Promise<Schedule> {
  const timeZone = values["time-zone"];
  if (values.schedule !== undefined) return parseSchedule(values.schedule, timeZone);
  const local = await isDirectory(values.repo);
  const config =
    values.config === undefined && !local ? undefined : await configAt(values.repo, values.config);
  try {
    return parseSchedule(config?.schedule ?? defaultSchedule, timeZone);
  } catch (err) {
    // The config's schedule is checked by validate too; say where it came from.
    throw err instanceof UsageError && !/time zone/.test(err.message)
      ? new UsageError(`the config's ${err.message}`)
      : err;
  }
}

/** --once: one run now, its exit code. */
async function runOnce(
  reconcileOnce: ReconcileOnce,
  log: JsonLog,
  stop: AbortSignal,
): Promise<number> {
  const runner = createRunner(reconcileOnce, { log, metrics: emptyMetrics() });
  const done = runner.runNow(new Date());
  const onStop = (): void => void runner.stop(String(stop.reason));
  stop.addEventListener("abort", onStop, { once: true });
  try {
    const code = await done;
    // A run a signal ended between two steps did not do its job: a Job must not count it done.
    return stop.aborted && code === 0 ? 1 : code;
  } finally {
    stop.removeEventListener("abort", onStop);
  }
}

function neverStopped(): AbortSignal {
  return new AbortController().signal;
}
