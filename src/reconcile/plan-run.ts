/**
 * Loading and planning a repository, as `plan`, `apply`, `reconcile`, the
 * Action and the scheduled runner all do: load it, tell the log its
 * diagnostics, build the registry clients (with the hosts image streams
 * mark insecure), and plan the valid streams against the registries with
 * the run's clock.
 */
import { makePlan } from "../execute/make-plan.ts";
import { planRepository, type PlanInput } from "../plan/plan-repository.ts";
import { withCopied } from "../plan/mirror-presence.ts";
import type { LoadResult } from "../load/load-repository.ts";
import type { ResolvedConfig } from "../model/config.ts";
import type { Diagnostic } from "../model/diagnostic.ts";
import type { Plan } from "../model/plan.ts";
import type { ObjectLocation } from "../model/source.ts";
import type { ForcedImports } from "../plan/plan-context.ts";
import { insecureSources } from "../plan/insecure-sources.ts";
import { parseShard, selectShard, type Shard } from "../plan/shard.ts";
import { UsageError } from "../errors.ts";
import { DOCKER_HUB_DOMAIN, parseNormalizedReference } from "../reference/index.ts";
import { masker } from "./mask.ts";
import { repositoryClients, type ClientValues } from "./repository-clients.ts";
import { loadRepositoryAt } from "./repository-dir.ts";
import type { RunLog } from "./run-log.ts";
import { stageTimer, type StageTimer } from "./stage-timer.ts";

/** What a run is asked to plan: the repository, how registries are reached, the shard. */
export interface PlanRequest extends ClientValues {
  /** The repository root. */
  readonly repo: string;
  /** `I/N`: plan only that shard's streams and the triggers that follow them. */
  readonly shard?: string | undefined;
}

/** An image the run copied to a mirror destination, by digest. */
export interface CopiedImage {
  readonly pullSpec: string;
  readonly mediaType: string;
}

/** The run's inputs and its plan. */
export interface Reconciled {
  readonly loaded: LoadResult;
  readonly diagnostics: readonly Diagnostic[];
  readonly plan: Plan;
  readonly registries: Record<string, unknown>;
  /** Replaces credentials in text before it is printed. */
  readonly mask: (text: string) => string;
  /**
   * The plan again, from the same registry answers, knowing that the run
   * copied these images (by digest) itself: no registry is asked.
   */
  readonly replan: (copied: readonly CopiedImage[]) => Plan;
  /** With `--shard`: the shard, and whether it owns a stream (for cleaning up its branches). */
  readonly shard?: { readonly shard: Shard; readonly owns: (ns: string, name: string) => boolean };
}

/**
 * Loads the repository at `values.repo`, tells `log` its diagnostics, and
 * plans its valid streams (those of the shard, with one).
 *
 * @throws UsageError for a bad `shard`, a missing repository directory or
 *   an unusable registry setting; registry failures are the plan's, not thrown.
 */
export async function reconcile(
  values: PlanRequest,
  log: RunLog,
  env: Readonly<Record<string, string | undefined>>,
  now: () => Date,
  timer: StageTimer = stageTimer(),
): Promise<Reconciled> {
  const shard = values.shard === undefined ? undefined : shardArgument(values.shard);
  const loaded = await timer.time("load", () => loadRepositoryAt(values));
  const { model, diagnostics, configFile } = loaded;
  const files = configFile === undefined ? model.files : [configFile, ...model.files];
  log.diagnostics(diagnostics, new Map(files.map((f) => [f.path, f])));
  const valid = {
    streams: model.streams.filter((entry) => !hasErrorsIn(entry, diagnostics)),
    workloads: model.workloads.filter((entry) => !hasErrorsIn(entry, diagnostics)),
  };
  const part = shard === undefined ? undefined : selectShard(valid.streams, valid.workloads, shard);
  const input = part === undefined ? valid : { streams: part.streams, workloads: part.workloads };
  const planned = await timer.time("plan", () =>
    planStreams(loaded, input, undefined, values, log, env, now),
  );
  return {
    loaded,
    diagnostics,
    ...planned,
    ...(shard === undefined || part === undefined ? {} : { shard: { shard, owns: part.owns } }),
  };
}

/**
 * Plans `input` (the loaded repository's streams and workloads, or a view
 * of them) against the registries, importing the `force`d tags and
 * repositories as well.
 */
export async function planStreams(
  loaded: LoadResult,
  input: PlanInput,
  force: ForcedImports | undefined,
  values: ClientValues,
  log: RunLog,
  env: Readonly<Record<string, string | undefined>>,
  now: () => Date,
): Promise<Omit<Reconciled, "loaded" | "diagnostics">> {
  const { model } = loaded;
  const clients = await repositoryClients(
    loaded,
    values,
    env,
    insecureSources(input.streams).length > 0,
  );
  try {
    const progress = progressLines(log);
    const options = {
      config: model.config,
      now: now(),
      registryInsecure: registryInsecure(model.config, values.insecure),
      ...(force === undefined ? {} : { force }),
    };
    const { plan, observations } = await makePlan(input, options, {
      open: clients.open,
      progress,
    });
    const mask = masker(clients.secrets());
    const registries = clients.stats();
    const replan = (copied: readonly CopiedImage[]): Plan =>
      planRepository(input, {
        ...options,
        observations: withCopied(observations, options, copied),
      }).plan;
    return { plan, registries, mask, replan };
  } finally {
    await clients.close();
  }
}

/**
 * Whether an object has an error diagnostic inside it: such a stream or
 * workload is left out of the plan (validate reports why), the others are
 * planned.
 */
function hasErrorsIn(
  entry: { readonly at: ObjectLocation },
  diagnostics: readonly Diagnostic[],
): boolean {
  const { file, line, endLine } = entry.at;
  return diagnostics.some(
    (d) => d.severity === "error" && d.file === file.path && d.line >= line && d.line <= endLine,
  );
}

/**
 * `--shard I/N` as a Shard.
 *
 * @throws UsageError when `text` is not I/N with 1 <= I <= N <= 1024.
 */
export function shardArgument(text: string): Shard {
  const shard = parseShard(text);
  if (shard === undefined) {
    throw new UsageError(`--shard must be I/N with 1 <= I <= N <= 1024, not "${text}"`);
  }
  return shard;
}

function registryInsecure(config: ResolvedConfig, all: boolean): (pullSpec: string) => boolean {
  return (spec) => {
    if (all) return true;
    try {
      const domain = parseNormalizedReference(spec).domain ?? DOCKER_HUB_DOMAIN;
      return config.registries[domain]?.insecure === true;
    } catch {
      return false;
    }
  };
}

/** Progress of long observations: a line at each quarter, from 40 requests up. */
function progressLines(log: RunLog): (done: number, total: number) => void {
  let shown = 0;
  return (done, total) => {
    if (total < 40) return;
    const quarter = Math.floor((done * 4) / total);
    if (quarter > shown) {
      shown = quarter;
      log.info(`observed ${String(done)}/${String(total)} images and repositories`);
    }
  };
}
