/**
 * One scheduled run: reconcileRepository with the runner's stop signal and
 * a JSON run log, its outcome summed up as the runner counts it. Texts come
 * from the outcome and the run log, which are masked already.
 */
import type { Diagnostic } from "../model/diagnostic.ts";
import type { PublishResult } from "../publish/publish.ts";
import {
  reconcileRepository,
  type ReconcileOutcome,
  type ReconcileRequest,
  type RunIo,
} from "../reconcile/reconcile-repository.ts";
import type { RunLog } from "../reconcile/run-log.ts";
import type { JsonLog } from "./json-log.ts";
import type { ReconcileOnce, RunSummary } from "./runner.ts";

/** What every run shares: the environment, the clock, the cleanups and the process. */
export type RunEnvironment = Pick<RunIo, "env" | "now" | "cleanups" | "runProcess">;

/** A {@link ReconcileOnce} reconciling `request` with `io` each time it is called. */
export function reconcileOnceWith(request: ReconcileRequest, io: RunEnvironment): ReconcileOnce {
  return async (signal, log) => {
    const outcome = await reconcileRepository(request, { ...io, signal, log: runLog(log) });
    logImportFailures(outcome, log);
    logMirrorFailures(outcome, log);
    return summarize(outcome);
  };
}

/** The run log as JSON lines: a diagnostic is one line with its position and code. */
export function runLog(log: JsonLog): RunLog {
  return {
    info: (message) => {
      log.info(message);
    },
    warn: (message) => {
      log.warn(message);
    },
    diagnostics: (diagnostics) => {
      for (const d of diagnostics) {
        (d.severity === "error" ? log.error : log.warn)(d.message, diagnosticFields(d));
      }
    },
  };
}

/** An outcome as the runner counts and logs it. */
export function summarize(outcome: ReconcileOutcome): RunSummary {
  const registryRequests = Object.values(outcome.registries).reduce<number>(
    (sum, stats) => sum + requestsOf(stats),
    0,
  );
  return {
    exitCode: outcome.exitCode,
    stopped: outcome.stopped,
    changesProposed: outcome.publish.filter(proposed).length,
    registryRequests,
    details: {
      dryRun: outcome.dryRun,
      forge: outcome.forge,
      plan: outcome.plan.summary,
      files: outcome.changes.map((c) => c.file.path),
      publish: outcome.publish.map(publishFields),
      timings: outcome.timings,
    },
  };
}

/** One error line per failed import (DESIGN.md: one JSON line per error, with its code). */
export function logImportFailures(outcome: ReconcileOutcome, log: JsonLog): void {
  for (const stream of outcome.plan.streams) {
    const at = {
      stream: `${stream.namespace}/${stream.name}`,
      file: stream.file,
      line: stream.line,
    };
    const failures = [
      ...stream.tags.map((t) => ({ tag: t.tag, failure: t.failure })),
      {
        repository: stream.repositoryImport?.repository,
        failure: stream.repositoryImport?.failure,
      },
    ];
    for (const { failure, ...which } of failures) {
      if (failure === undefined) continue;
      log.error("import failed", {
        ...at,
        ...which,
        code: failure.reason,
        error: outcome.mask(failure.message),
      });
    }
  }
}

/** One error line per copy that failed or destination that could not be asked. */
export function logMirrorFailures(outcome: ReconcileOutcome, log: JsonLog): void {
  for (const m of outcome.plan.mirrors) {
    if (m.action !== "failed" && m.action !== "unchecked") continue;
    log.error(m.action === "failed" ? "copy failed" : "mirror destination not checked", {
      stream: `${m.namespace}/${m.stream}`,
      tag: m.tag,
      from: m.from,
      to: m.to,
      code: m.action === "failed" ? "MIRROR_FAILED" : "MIRROR_UNCHECKED",
      error: outcome.mask(m.reason),
    });
  }
}

/** A branch pushed, or a pull request opened or updated, is a change proposed. */
function proposed(result: PublishResult): boolean {
  const action = result.pullRequest?.action;
  return result.pushed || action === "created" || action === "updated";
}

function publishFields(result: PublishResult): Record<string, unknown> {
  return {
    branch: result.branch,
    base: result.base,
    pushed: result.pushed,
    ...(result.commit === undefined ? {} : { commit: result.commit }),
    ...(result.pullRequest === undefined ? {} : { pullRequest: result.pullRequest }),
    ...(result.decision.held === undefined ? {} : { held: result.decision.held.rule }),
    ...(result.warnings.length === 0 ? {} : { warnings: result.warnings }),
  };
}

function diagnosticFields(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    file: d.file,
    line: d.line,
    col: d.col,
    ...(d.hint === undefined ? {} : { hint: d.hint }),
  };
}

/** A registry's request count (HostStats.requests); 0 for anything else. */
function requestsOf(stats: unknown): number {
  const requests = (stats as { requests?: unknown } | null)?.requests;
  return typeof requests === "number" ? requests : 0;
}
