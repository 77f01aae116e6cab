/**
 * The Action's run: inputs in, the command run through the reconcile layer,
 * and its result turned into what a workflow shows: annotations on the
 * files and lines of the diagnostics, step outputs, the job summary, and
 * one failure message for the step. Every effect on the workflow goes
 * through the toolkit port.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError, ReconcilerError, UsageError } from "../errors.ts";
import { hasErrors, type Diagnostic } from "../model/diagnostic.ts";
import { planDocument } from "../model/plan-document.ts";
import { planHasChanges, type Plan } from "../model/plan.ts";
import type { RunProcess } from "../publish/git/workspace.ts";
import type { PublishResult } from "../publish/publish.ts";
import { exitCodes, planExitCode } from "../reconcile/exit-codes.ts";
import { masker } from "../reconcile/mask.ts";
import { reconcile } from "../reconcile/plan-run.ts";
import { reconcileRepository } from "../reconcile/reconcile-repository.ts";
import { loadRepositoryAt } from "../reconcile/repository-dir.ts";
import type { RunLog } from "../reconcile/run-log.ts";
import { annotationOf, countDiagnostics } from "./annotations.ts";
import { readInputs, type ActionInputs } from "./inputs.ts";
import { renderJobSummary } from "./job-summary.ts";
import type { ActionToolkit } from "./toolkit.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** Tokens a workflow may give the run through its env: registered as secrets too. */
const tokenVariables = [
  "ISG_FORGE_TOKEN",
  "ISG_GIT_TOKEN",
  "GITHUB_TOKEN",
  "GH_TOKEN",
  "GITLAB_TOKEN",
  "GITEA_TOKEN",
  "FORGEJO_TOKEN",
];

/** What the run gets from the runner. */
export interface ActionContext {
  readonly env: Env;
  readonly now: () => Date;
  /** GITHUB_WORKSPACE: annotations' paths are relative to it. */
  readonly workspace: string;
  /** RUNNER_TEMP: where the plan-json file goes. */
  readonly tempDir: string;
  readonly cleanups?: Set<() => Promise<void>>;
  /** The runner's process, which marks the work tree it adds to the checkout as its own. */
  readonly runProcess?: RunProcess;
}

/** What one command of the Action found, for the outputs and the step's result. */
interface CommandResult {
  readonly exitCode: number;
  readonly plan?: Plan;
  readonly diagnostics: readonly Diagnostic[];
  readonly registries?: Record<string, unknown>;
  readonly publish?: readonly PublishResult[];
  readonly dryRun: boolean;
  readonly mask: (text: string) => string;
}

/** Runs the Action with the inputs `get` reads; marks the step failed at most once. */
export async function runAction(
  get: (name: string) => string,
  kit: ActionToolkit,
  context: ActionContext,
): Promise<void> {
  let mask = masker([]);
  try {
    const inputs = readInputs(get);
    // Before anything is printed: GitHub masks each in every later log line.
    const secrets = [inputs.token, ...tokenVariables.map((name) => context.env[name])].filter(
      (t): t is string => t !== undefined && t !== "",
    );
    for (const secret of secrets) kit.setSecret(secret);
    mask = masker(secrets);
    const result = await runCommand(inputs, kit, context, mask);
    await report(inputs, result, kit, context);
  } catch (err) {
    kit.setFailed(mask(failureMessage(err)));
  }
}

async function runCommand(
  inputs: ActionInputs,
  kit: ActionToolkit,
  context: ActionContext,
  mask: (text: string) => string,
): Promise<CommandResult> {
  const repo = path.resolve(context.workspace, inputs.workingDirectory);
  const log = actionLog(kit, path.relative(context.workspace, repo), context.workspace, mask);
  // The input is GitHub's token (by default the job's own): it stands for
  // GITHUB_TOKEN only, so a GitLab or Gitea forge never receives it and
  // reads its own variable (GITLAB_TOKEN, GITEA_TOKEN, ISG_FORGE_TOKEN).
  const env =
    inputs.token === undefined ? context.env : { ...context.env, GITHUB_TOKEN: inputs.token };
  const registry = {
    repo,
    config: inputs.config === undefined ? undefined : path.resolve(repo, inputs.config),
    authfile: inputs.dockerConfig,
    insecure: false,
    concurrency: inputs.concurrency,
    shard: inputs.shard,
  };
  switch (inputs.command) {
    case "validate": {
      const loaded = await loadRepositoryAt(registry);
      log.diagnostics(loaded.diagnostics, new Map());
      const { model } = loaded;
      kit.info(
        `${String(model.files.length)} files, ${String(model.streams.length)} image streams, ${String(model.workloads.length)} workloads`,
      );
      const invalid = hasErrors(loaded.diagnostics);
      return {
        exitCode: invalid ? exitCodes.invalid : exitCodes.ok,
        diagnostics: loaded.diagnostics,
        dryRun: inputs.dryRun,
        mask: masker([]),
      };
    }
    case "plan": {
      const planned = await reconcile(registry, log, env, context.now);
      const exitCode = planExitCode(planned.plan, hasErrors(planned.diagnostics), false);
      return { ...planned, exitCode, dryRun: true };
    }
    case "reconcile": {
      const outcome = await reconcileRepository(
        { ...registry, forge: inputs.forge, base: inputs.base, dryRun: inputs.dryRun },
        {
          env,
          now: context.now,
          log,
          cleanups: context.cleanups,
          runProcess: context.runProcess,
        },
      );
      return outcome;
    }
  }
}

/** Outputs, job summary and the step's result. */
async function report(
  inputs: ActionInputs,
  result: CommandResult,
  kit: ActionToolkit,
  context: ActionContext,
): Promise<void> {
  const { plan, mask } = result;
  if (plan !== undefined) {
    const document = planDocument(plan, result.diagnostics, result.registries ?? {});
    const dir = await mkdtemp(path.join(context.tempDir, "imagestream-gitops-"));
    const file = path.join(dir, "plan.json");
    await writeFile(file, mask(JSON.stringify(document, null, 2)) + "\n");
    kit.setOutput("plan-json", file);
    kit.setOutput("changed", String(planHasChanges(plan)));
    const opened = result.publish?.find(
      (r) => r.pullRequest !== undefined && r.pullRequest.action !== "closed",
    )?.pullRequest;
    kit.setOutput("pr-number", opened === undefined ? "" : String(opened.number));
    kit.setOutput("pr-url", opened?.url ?? "");
    const command = inputs.command === "reconcile" ? "reconcile" : "plan";
    const summary = renderJobSummary({
      command,
      plan,
      dryRun: result.dryRun,
      ...(result.publish === undefined ? {} : { publish: result.publish }),
    });
    await kit.appendSummary(mask(summary));
    for (const r of result.publish ?? []) {
      for (const warning of r.warnings) kit.warning(mask(warning));
      if (r.decision.held !== undefined) kit.warning(mask(`held: ${r.decision.held.reason}`));
    }
  }
  const failure = stepFailure(inputs, result);
  if (failure !== undefined) kit.setFailed(mask(failure));
}

/** The step's failure message, when the command's exit code is one. */
function stepFailure(inputs: ActionInputs, result: CommandResult): string | undefined {
  if (result.exitCode === exitCodes.ok) return undefined;
  if (result.exitCode === exitCodes.invalid) {
    return `${inputs.command}: ${countDiagnostics(result.diagnostics.filter((d) => d.severity === "error"))}: see the annotations`;
  }
  return `${inputs.command}: an import or a copy failed: see the job summary and the log`;
}

/** The run log as workflow log lines and annotations. */
function actionLog(
  kit: ActionToolkit,
  prefix: string,
  workspace: string,
  mask: (text: string) => string,
): RunLog {
  return {
    info: (message) => {
      kit.info(mask(message));
    },
    warn: (message) => {
      kit.warning(mask(message));
    },
    diagnostics: (diagnostics) => {
      for (const d of diagnostics) {
        const a = annotationOf(d, prefix === "" ? "." : prefix, workspace);
        (a.severity === "error" ? kit.error : kit.warning)(a.message, a.properties);
      }
    },
  };
}

function failureMessage(err: unknown): string {
  if (err instanceof UsageError || err instanceof InputError) return err.message;
  if (err instanceof ReconcilerError && err.code !== "INTERNAL") return err.message;
  const message = err instanceof Error ? err.message : String(err);
  return `internal error: ${message}; this is a bug, please report it with the workflow's inputs`;
}
