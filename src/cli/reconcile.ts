/**
 * `imagestream-gitops reconcile`: the main job. In a temporary work tree at
 * the tip of the remote's base branch it loads, plans, mirrors and writes
 * as `apply` does, then publishes: one commit on a deterministic branch,
 * pushed with a lease, and a pull request opened or updated on the forge
 * (or, with `--forge local`, the branch pushed and the pull request's text
 * printed). The user's checkout is never modified.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import { defaultConfig } from "../load/config.ts";
import { loadRepositoryConfig } from "../load/load-repository.ts";
import { configFileName, type ResolvedConfig } from "../model/config.ts";
import { hasErrors } from "../model/diagnostic.ts";
import { forgeKinds, type ForgeKind } from "../publish/forge/forge.ts";
import { openWorkspace } from "../publish/git/git-workspace.ts";
import type { PublishResult } from "../publish/publish.ts";
import { applyRun, type AppliedRun } from "./apply-run.ts";
import { forgeSettings, forgeToken, gitTokenUsers } from "./forge-setup.ts";
import { exitCodes, type Output } from "./output.ts";
import { planExitCode } from "./plan-command.ts";
import { planDocument, renderPlanTable } from "./plan-render.ts";
import {
  observeRunFacts,
  publishBranch,
  publishPerStream,
  runBranch,
} from "./reconcile-branches.ts";
import { reconcileOptions, reconcileOptionsHelp } from "./reconcile-command.ts";
import { renderPublishResult } from "./reconcile-render.ts";
import { masker } from "./registry-command.ts";
import { patch } from "./write-files.ts";

/** The command's help text. */
export const reconcileHelp = `Usage: imagestream-gitops reconcile [--repo DIR|URL] [--forge github|gitlab|gitea|local] [--dry-run] [options]

The whole job: in a temporary work tree at the tip of the remote's base
branch, plan as 'plan' does, copy what Local tags and the config's mirrors
need, write the status and trigger patches as 'apply' does, commit them on
one branch (pullRequest.branch, default imagestream-gitops/update), push it
with a lease, and open or update the pull request. Your checkout is never
modified. A run that finds the branch already holding the same change pushes
nothing; a change that is no longer needed closes its pull request; a branch
with someone else's commit on it is never force-pushed over; a pull request
closed without merging is not proposed again with the same images.

Options:
  --repo DIR|URL      a local checkout (its remote is fetched and pushed to) or a
                      repository URL to clone (default: the current directory)
  --remote NAME       the checkout's remote (default origin)
  --base BRANCH       the branch to propose against (default: pullRequest.base, main)
  --forge KIND        github, gitlab, gitea or local (default: pullRequest.forge);
                      local opens no pull request: it pushes the branch and prints
                      the pull request's title and body
  --body-file FILE    with --forge local, write the body to FILE instead of stdout
  --dry-run           print the pull request it would open (branch, title, body,
                      diff); change nothing anywhere, copy nothing
${reconcileOptionsHelp
  .split("\n")
  .filter((line) => !line.startsWith("  --repo "))
  .join("\n")}

Tokens: ISG_FORGE_TOKEN, else GITHUB_TOKEN (github), GITLAB_TOKEN (gitlab),
GITEA_TOKEN (gitea). git sends a token only with ISG_GIT_TOKEN, or to a --repo
URL with the token of the --forge named, only over https (or http to
loopback), and only to that URL's origin; a local checkout otherwise pushes
with its own credentials.

Exit status: 0 done (or nothing to do), 1 a failure (an import or a copy failed,
git or the forge refused, the branch moved during the run), 2 invalid input or usage.
`;

const options = {
  ...reconcileOptions,
  remote: { type: "string", default: "origin" },
  base: { type: "string" },
  forge: { type: "string" },
  "body-file": { type: "string" },
  "dry-run": { type: "boolean", default: false },
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** Runs `reconcile`; returns the exit code. */
export async function runReconcile(
  args: readonly string[],
  out: Output,
  env: Env,
  now: () => Date,
  cleanups?: Set<() => Promise<void>>,
): Promise<number> {
  const { values } = parseArgs({ args: [...args], options, allowPositionals: false, strict: true });
  if (values.help) {
    out.stdout(reconcileHelp);
    return exitCodes.ok;
  }
  const config = values.config === undefined ? undefined : path.resolve(values.config);
  const base = values.base ?? (await configuredBase(values.repo, config)) ?? "main";
  const forgeFlag = parseForge(values.forge);
  const local = await isDirectory(values.repo);
  // The forge token goes to git only for a URL and a forge named on the
  // command line: never to a host the user did not say it belongs to.
  const gitToken =
    env["ISG_GIT_TOKEN"] ??
    (local || forgeFlag === undefined ? undefined : forgeToken(forgeFlag, env));
  const workspace = await openWorkspace({
    repo: values.repo,
    remote: values.remote,
    base,
    ...(gitToken === undefined ? {} : { token: gitToken }),
    tokenUser: env["ISG_GIT_USER"] ?? gitTokenUsers[forgeFlag ?? "github"],
    env,
  });
  const dispose = (): Promise<void> => workspace.dispose();
  cleanups?.add(dispose);
  try {
    const run = { ...values, repo: workspace.dir, ...(config === undefined ? {} : { config }) };
    const dryRun = values["dry-run"];
    // The forge and its token are checked before any registry is asked or copied to.
    const pullRequest = (await configAt(workspace.dir, config)).pullRequest;
    const kind = forgeFlag ?? pullRequest.forge;
    const forge =
      kind === "local" ? undefined : forgeSettings(kind, pullRequest, env, workspace.remoteUrl);
    if (pullRequest.commitVia === "api" && forge?.kind !== "github") {
      throw new UsageError(
        `pullRequest.commitVia: api commits through GitHub's API; the forge is ${kind}`,
      );
    }
    const applied = await applyRun(run, out, env, now, dryRun);
    const { model } = applied.reconciled.loaded;
    const secrets = [gitToken, forge?.token].filter((t): t is string => t !== undefined);
    const mask = (text: string): string => masker(secrets)(applied.reconciled.mask(text));
    const warn = (message: string): void => {
      out.stderr(mask(`warning: ${message}\n`));
    };
    const facts = await observeRunFacts(applied, run, env, warn);
    const context = { applied, workspace, kind, forge, base, facts, dryRun, mask };
    const results = model.config.pullRequest.perStream
      ? await publishPerStream(context)
      : [await publishBranch(context, applied.plan, runBranch(applied), true)];
    const view = { kind, dryRun, json: values.json, bodyFile: values["body-file"] };
    await report(applied, results, view, out, mask);
    return planExitCode(applied.plan, hasErrors(applied.reconciled.diagnostics), false);
  } finally {
    cleanups?.delete(dispose);
    await workspace.dispose();
  }
}

async function report(
  applied: AppliedRun,
  results: readonly PublishResult[],
  how: { kind: ForgeKind; dryRun: boolean; json: boolean; bodyFile: string | undefined },
  out: Output,
  mask: (text: string) => string,
): Promise<void> {
  const { plan, registries, changes, reconciled } = applied;
  if (how.json) {
    const document = {
      ...planDocument(plan, reconciled.diagnostics, registries),
      dryRun: how.dryRun,
      files: changes.map((c) => c.file.path),
      forge: how.kind,
      publish: results,
    };
    out.stdout(mask(JSON.stringify(document, null, 2)) + "\n");
    return;
  }
  out.stdout(mask(renderPlanTable(plan)));
  if (how.dryRun) for (const c of changes) out.stdout(mask(patch(c)));
  if (results.length === 0) out.stdout("Nothing to propose: no stream changes.\n");
  for (const result of results) {
    const bodyFile =
      how.bodyFile === undefined || results.length === 1
        ? how.bodyFile
        : `${how.bodyFile}.${result.branch.replace(/[^A-Za-z0-9._-]+/g, "_")}`;
    await renderPublishResult(result, { ...how, bodyFile }, out, mask);
  }
}

function parseForge(value: string | undefined): ForgeKind | undefined {
  if (value === undefined) return undefined;
  if (!(forgeKinds as readonly string[]).includes(value)) {
    throw new UsageError(`--forge must be one of ${forgeKinds.join(", ")}, not "${value}"`);
  }
  return value as ForgeKind;
}

/** pullRequest.base of the config named, or of the checkout's own config file. */
/** The config the run will use: `config` if named, else the work tree's file, else the defaults. */
async function configAt(dir: string, config: string | undefined): Promise<ResolvedConfig> {
  const file = config ?? path.join(dir, configFileName);
  if (!(await exists(file))) return defaultConfig();
  return (await loadRepositoryConfig(path.dirname(file), file)).config;
}

async function configuredBase(
  repo: string,
  config: string | undefined,
): Promise<string | undefined> {
  if (config === undefined && !(await isDirectory(repo))) return undefined;
  return (await configAt(repo, config)).pullRequest.base;
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
