/**
 * The branches `reconcile` publishes: the one branch of the run, or one per
 * stream (`pullRequest.perStream`) with the stale ones of earlier runs
 * closed; each written into the work tree from the base, with the facts of
 * the images it moves, and handed to publishProposal.
 */
import { observeImageFacts } from "../execute/image-details.ts";
import type { ResolvedConfig } from "../model/config.ts";
import type { ImageFacts } from "../model/image-facts.ts";
import type { Plan } from "../model/plan.ts";
import { parsePlatform } from "../model/platform.ts";
import type { ForgeKind, ForgeSettings } from "../publish/forge/forge.ts";
import { createGitHubCommitter } from "../publish/forge/github-commit.ts";
import type { GitIdentity, Workspace } from "../publish/git/workspace.ts";
import { proposalFromPlan } from "../publish/proposal-from-plan.ts";
import { publishProposal, type PublishResult } from "../publish/publish.ts";
import { isStreamBranch, splitPlanByStream, streamBranchPrefix } from "../publish/split-plan.ts";
import { planEdits } from "../write/plan-edits.ts";
import type { AppliedRun } from "./apply-run.ts";
import { legacyFallbackPlatform } from "../registry/fetch-image-metadata.ts";
import { openForge } from "./forge-setup.ts";
import { repositoryClients } from "./repository-clients.ts";
import type { HostStats } from "../registry/stats.ts";
import type { StageTimer } from "./stage-timer.ts";
import { fileChanges, writeChanges } from "./write-files.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** What publishing one branch needs. */
export interface PublishContext {
  readonly applied: AppliedRun;
  readonly workspace: Workspace;
  readonly kind: ForgeKind;
  /** Undefined for the local forge. */
  readonly forge: ForgeSettings | undefined;
  /** Replaces every credential of the run (registries, git, forge) in text. */
  readonly mask: (text: string) => string;
  readonly base: string;
  /** What the registries said of the images the run's tags move from and to, read once per run. */
  readonly facts: ReadonlyMap<string, ImageFacts>;
  readonly dryRun: boolean;
  /** Adds the time spent writing and publishing to the run's. */
  readonly timer: StageTimer;
  /** Looked at before each branch: a stop publishes no further branch. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * One branch per changed stream, each built alone from the base; a
 * per-stream branch of an earlier run whose stream no longer changes is
 * published empty, which closes its pull request and deletes it.
 */
export async function publishPerStream(
  context: PublishContext,
): Promise<{ results: PublishResult[]; stopped: boolean }> {
  const { applied, workspace } = context;
  const branch = applied.reconciled.loaded.model.config.pullRequest.branch;
  const shares = splitPlanByStream(applied.plan, branch);
  const results: PublishResult[] = [];
  const stopped = (): boolean => context.signal?.aborted === true;
  for (const share of shares) {
    if (stopped()) return { results, stopped: true };
    results.push(await publishBranch(context, share.plan, share.branch, false));
  }
  const current = new Set(shares.map((s) => s.branch));
  const owns = applied.reconciled.shard?.owns ?? (() => true);
  for (const stale of await workspace.remoteBranches(streamBranchPrefix(branch))) {
    if (current.has(stale) || !isStreamBranch(branch, stale)) continue;
    // Another shard's stream branch is that shard's to clean up.
    const [namespace = "", name = ""] = stale.slice(streamBranchPrefix(branch).length).split("/");
    if (stopped()) return { results, stopped: true };
    if (owns(namespace, name)) {
      results.push(await publishBranch(context, emptyPlan(applied.plan), stale, false));
    }
  }
  return { results, stopped: false };
}

/**
 * The run's one branch: `pullRequest.branch`, or with `--shard i/n`
 * `<branch>-shard-<i>-of-<n>`, so the shards' branches and pull requests
 * never meet (and are no stream branch: they hold no `/` after the prefix).
 */
export function runBranch(applied: AppliedRun): string {
  const branch = applied.reconciled.loaded.model.config.pullRequest.branch;
  const shard = applied.reconciled.shard?.shard;
  return shard === undefined
    ? branch
    : `${branch}-shard-${String(shard.index)}-of-${String(shard.count)}`;
}

/** The plan of a stream that changes nothing any more: no streams, no workloads. */
function emptyPlan(plan: Plan): Plan {
  return { ...plan, streams: [], workloads: [], mirrors: [] };
}

/**
 * Writes `plan`'s file changes into the work tree (from the base: the tree
 * is reset first unless `whole` is the run's one plan) and publishes them on
 * `branch`.
 */
export async function publishBranch(
  context: PublishContext,
  plan: Plan,
  branch: string,
  whole: boolean,
): Promise<PublishResult> {
  const { applied, workspace, base, dryRun, timer } = context;
  const { model } = applied.reconciled.loaded;
  const changes = whole
    ? applied.changes
    : fileChanges(model.files, planEdits(plan, model.config.history));
  if (!dryRun) {
    await timer.time("write", async () => {
      if (!whole) await workspace.reset();
      await writeChanges(model.root, changes);
    });
  }
  const settings = model.config.pullRequest;
  const proposal = proposalFromPlan({
    plan,
    files: changes.map((c) => ({ path: c.file.path, before: c.file.text, after: c.text })),
    details: context.facts,
    branch,
    base,
    reproduce: "imagestream-gitops plan --repo .",
  });
  const forge = context.forge === undefined ? undefined : openForge(context.forge);
  const committer =
    settings.commitVia === "api" && context.forge !== undefined
      ? createGitHubCommitter(context.forge)
      : undefined;
  try {
    const how = {
      ...publishSettings(settings),
      mask: context.mask,
      ...(committer === undefined ? {} : { apiCommitter: committer }),
    };
    return await timer.time("publish", () =>
      publishProposal(proposal, workspace, forge, how, dryRun),
    );
  } finally {
    await forge?.close();
    await committer?.close();
  }
}

/** The image facts a run read, and the registry requests it took to read them. */
export interface RunFacts {
  readonly facts: ReadonlyMap<string, ImageFacts>;
  readonly registries: Record<string, HostStats>;
}

/**
 * Created time, platforms, size and labels of the images the plan's tags
 * move from and to, with one registry client for the run. An image that
 * cannot be read is a warning: the pull request shows it without.
 */
export async function observeRunFacts(
  applied: AppliedRun,
  values: Parameters<typeof repositoryClients>[1],
  env: Env,
  warn: (message: string) => void,
): Promise<RunFacts> {
  const specs = applied.plan.streams.flatMap((s) =>
    s.tags
      .filter((t) => t.history !== "none" && t.next !== undefined && t.next.image !== "")
      .flatMap((t) => [t.next?.dockerImageReference, t.current?.dockerImageReference]),
  );
  const wanted = specs.filter((s): s is string => s !== undefined && s.includes("@"));
  if (wanted.length === 0) return { facts: new Map(), registries: {} };
  const { loaded } = applied.reconciled;
  const clients = await repositoryClients(loaded, values, env, false);
  try {
    const platform = parsePlatform(loaded.model.config.platform) ?? legacyFallbackPlatform;
    const observed = await observeImageFacts(wanted, (name) => clients.open(name, false), platform);
    for (const failure of observed.failures) {
      warn(`image details of ${failure.pullSpec} not read: ${failure.message}`);
    }
    return { facts: observed.facts, registries: clients.stats() };
  } finally {
    await clients.close();
  }
}

function publishSettings(
  settings: ResolvedConfig["pullRequest"],
): Parameters<typeof publishProposal>[3] {
  return {
    author: parseIdentity(settings.author),
    labels: settings.labels,
    reviewers: settings.reviewers,
    assignees: settings.assignees,
    autoMerge: settings.autoMerge,
  };
}

/** `Name <email>` (the schema's pattern) as a git identity. */
function parseIdentity(text: string): GitIdentity {
  const match = /^(.+?)\s*<([^<>]+)>$/.exec(text);
  return { name: match?.[1] ?? text, email: match?.[2] ?? "" };
}
