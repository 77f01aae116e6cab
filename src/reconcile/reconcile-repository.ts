/**
 * The whole job, as `reconcile`, the GitHub Action and the scheduled runner
 * run it: in a temporary work tree at the tip of the remote's base branch,
 * load, plan, mirror and write as `apply` does, then publish: one commit on
 * a deterministic branch, pushed with a lease, and a pull request opened or
 * updated on the forge (or, with the local forge, only the branch pushed).
 * The user's checkout is never modified. Each entry point turns the request
 * into this from its own world (argv, Action inputs, a schedule) and renders
 * the outcome its own way.
 */
import path from "node:path";
import { UsageError } from "../errors.ts";
import type { Diagnostic } from "../model/diagnostic.ts";
import { hasErrors } from "../model/diagnostic.ts";
import type { Plan } from "../model/plan.ts";
import type { ForgeKind } from "../publish/forge/forge.ts";
import { openWorkspace } from "../publish/git/git-workspace.ts";
import type { RunProcess, Workspace } from "../publish/git/workspace.ts";
import type { PublishResult } from "../publish/publish.ts";
import { prefixKeys } from "./apply-mirrors.ts";
import { applyRun } from "./apply-run.ts";
import { planExitCode } from "./exit-codes.ts";
import { forgeSettings, forgeToken, gitTokenUsers, reachForge } from "./forge-setup.ts";
import { masker } from "./mask.ts";
import {
  observeRunFacts,
  publishBranch,
  publishPerStream,
  runBranch,
} from "./reconcile-branches.ts";
import { configAt, isDirectory } from "./repository-config.ts";
import type { RunLog } from "./run-log.ts";
import { stageTimer, type StageTimings } from "./stage-timer.ts";
import type { FileChange } from "./write-files.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** What to reconcile and how; every field but `repo` has a default. */
export interface ReconcileRequest {
  /** A local checkout (its remote is fetched and pushed to) or a repository URL to clone. */
  readonly repo: string;
  /** The checkout's remote (default origin). */
  readonly remote?: string | undefined;
  /** The branch to propose against (default: pullRequest.base of the config, main). */
  readonly base?: string | undefined;
  /** The forge (default: pullRequest.forge of the config). */
  readonly forge?: ForgeKind | undefined;
  /** The config file (default: the repository's own imagestream-gitops.yaml). */
  readonly config?: string | undefined;
  /** Registry credentials (default: the Docker config the environment names). */
  readonly authfile?: string | undefined;
  /** Every registry insecure (TLS unverified, plain HTTP fallback). */
  readonly insecure?: boolean | undefined;
  /** Requests in flight per registry (default 8; a registry's config entry wins). */
  readonly concurrency?: number | undefined;
  /** `I/N`: only that shard's streams, on its own branch. */
  readonly shard?: string | undefined;
  /** Change nothing anywhere: no copy, no push, no pull request. */
  readonly dryRun?: boolean | undefined;
}

/** What the run gets from its entry point. */
export interface RunIo {
  readonly env: Env;
  /** The clock status items are stamped with. */
  readonly now: () => Date;
  readonly log: RunLog;
  /**
   * Asks the run to stop: it is looked at between steps (after planning,
   * after mirroring, after reading the images' details, and before each
   * branch it publishes), never inside one, so a run never stops in the
   * middle of a copy or a push. What was done before the stop stays done.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * What must run if the process is stopped by a signal (the temporary work
   * tree registered in the user's checkout): added while held, deleted after.
   */
  readonly cleanups?: Set<() => Promise<void>> | undefined;
  /**
   * The process the run is in: its work tree in a local checkout is locked
   * as this process's, and those of ended runs (killed with SIGKILL, so no
   * cleanup ran) are removed, each said with a warning.
   */
  readonly runProcess?: RunProcess | undefined;
}

/** What a run did. Every text in it is masked. */
export interface ReconcileOutcome {
  /** 0 done, 1 a failure (an import, a copy), 2 invalid input (DESIGN.md's exit codes). */
  readonly exitCode: number;
  /** The run was asked to stop and did, between two steps; nothing after that step was done. */
  readonly stopped: boolean;
  readonly forge: ForgeKind;
  readonly dryRun: boolean;
  readonly plan: Plan;
  readonly diagnostics: readonly Diagnostic[];
  /** The files the run wrote (or, on a dry run, would write). */
  readonly changes: readonly FileChange[];
  /** One result per branch published. */
  readonly publish: readonly PublishResult[];
  /** Request counters per registry host. */
  readonly registries: Record<string, unknown>;
  /** Milliseconds per step: load and plan, mirror, write, publish. */
  readonly timings: StageTimings;
  /** Replaces every credential of the run in text, for what the caller prints itself. */
  readonly mask: (text: string) => string;
}

/**
 * Reconciles the repository `request.repo` names.
 *
 * @throws UsageError for a bad request (no token for the forge, an unknown
 *   shard, commitVia api on another forge); GitError, ForgeError and
 *   ReconcilerError (PUBLISH_BLOCKED) when git or the forge refuse. Failed
 *   imports and copies are the outcome's, not thrown.
 */
export async function reconcileRepository(
  request: ReconcileRequest,
  io: RunIo,
): Promise<ReconcileOutcome> {
  const { env } = io;
  const config = request.config === undefined ? undefined : path.resolve(request.config);
  request = { ...request, config };
  const base = request.base ?? (await configuredBase(request.repo, config)) ?? "main";
  const local = await isDirectory(request.repo);
  // The forge token goes to git only for a URL and a forge named in the
  // request: never to a host the user did not say it belongs to.
  const gitToken =
    env["ISG_GIT_TOKEN"] ??
    (local || request.forge === undefined ? undefined : forgeToken(request.forge, env));
  const workspace = await openWorkspace({
    repo: request.repo,
    remote: request.remote ?? "origin",
    base,
    ...(gitToken === undefined ? {} : { token: gitToken }),
    tokenUser: env["ISG_GIT_USER"] ?? gitTokenUsers[request.forge ?? "github"],
    env,
    runProcess: io.runProcess,
  });
  for (const { dir, pid } of workspace.leftovers) {
    io.log.warn(`removed work tree left by an earlier run (pid ${String(pid)}, ended): ${dir}`);
  }
  const dispose = (): Promise<void> => workspace.dispose();
  io.cleanups?.add(dispose);
  try {
    return await reconcileIn(workspace, base, gitToken, request, io);
  } finally {
    io.cleanups?.delete(dispose);
    await workspace.dispose();
  }
}

/** The run inside its work tree, step by step. */
async function reconcileIn(
  workspace: Workspace,
  base: string,
  gitToken: string | undefined,
  request: ReconcileRequest,
  io: RunIo,
): Promise<ReconcileOutcome> {
  const { env, log } = io;
  const dryRun = request.dryRun ?? false;
  const timer = stageTimer();
  // The forge (its settings, its token, and that it answers) is checked before any registry
  // is asked or copied to.
  const pullRequest = (await configAt(workspace.dir, request.config)).pullRequest;
  const kind = request.forge ?? pullRequest.forge;
  const forge =
    kind === "local" ? undefined : forgeSettings(kind, pullRequest, env, workspace.remoteUrl);
  if (pullRequest.commitVia === "api" && forge?.kind !== "github") {
    throw new UsageError(
      `pullRequest.commitVia: api commits through GitHub's API; the forge is ${kind}`,
    );
  }
  if (forge !== undefined) await reachForge(forge, pullRequest.branch);
  const values = {
    repo: workspace.dir,
    config: request.config,
    authfile: request.authfile,
    insecure: request.insecure ?? false,
    concurrency: request.concurrency ?? 8,
    shard: request.shard,
  };
  const applied = await applyRun(values, log, env, io.now, dryRun, {
    timer,
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  });
  const { reconciled } = applied;
  const secrets = [gitToken, forge?.token].filter((t): t is string => t !== undefined);
  const mask = (text: string): string => masker(secrets)(reconciled.mask(text));
  const outcome = {
    forge: kind,
    dryRun,
    plan: applied.plan,
    diagnostics: reconciled.diagnostics,
    changes: applied.changes,
    registries: applied.registries,
    mask,
  };
  const exitCode = planExitCode(applied.plan, hasErrors(reconciled.diagnostics), false);
  if (applied.stopped || io.signal?.aborted === true) {
    return { ...outcome, exitCode, stopped: true, publish: [], timings: timer.timings() };
  }
  const warn = (message: string): void => {
    log.warn(mask(message));
  };
  const read = await timer.time("facts", () => observeRunFacts(applied, values, env, warn));
  const registries = { ...outcome.registries, ...prefixKeys("facts ", read.registries) };
  const { facts, signal } = { facts: read.facts, signal: io.signal };
  const context = { applied, workspace, kind, forge, base, facts, dryRun, mask, timer, signal };
  const published =
    signal?.aborted === true
      ? { results: [], stopped: true }
      : reconciled.loaded.model.config.pullRequest.perStream
        ? await publishPerStream(context)
        : {
            results: [await publishBranch(context, applied.plan, runBranch(applied), true)],
            stopped: false,
          };
  return {
    ...outcome,
    registries,
    exitCode,
    stopped: published.stopped,
    publish: published.results,
    timings: timer.timings(),
  };
}

/** pullRequest.base of the config named, or of the checkout's own config file. */
async function configuredBase(
  repo: string,
  config: string | undefined,
): Promise<string | undefined> {
  if (config === undefined && !(await isDirectory(repo))) return undefined;
  return (await configAt(repo, config)).pullRequest.base;
}
