/**
 * Scenario 5, reconcile: 500 streams of 2 scheduled tags and 100 workloads,
 * applied once and committed to a bare remote; then 20 tags move in the
 * registry and `reconcile --repo CLONE --forge local --json` runs end to
 * end (load, plan, write, commit, push), the remote's update branch deleted
 * before each run so every run publishes. Where the time goes comes from
 * the `timings` of its `--json` document; a build without them gets
 * `validate`, `plan` and `apply --dry-run` timed from the outside instead.
 * No peer and no floor: nothing else does this job end to end.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Agent } from "undici";
import { git, gitTestEnv } from "../test/support/git-repos.ts";
import { startRegistry } from "../test/support/registry-server.ts";
import { oursCommand, type Command } from "./copiers.ts";
import { keep, measure, type BenchContext } from "./context.ts";
import {
  BENCH_REGISTRY,
  streamRepo,
  tagNames,
  writeConfig,
  writeStreams,
  writeWorkloads,
} from "./generate-repo.ts";
import { median } from "./measure.ts";
import { progress } from "./log.ts";
import { summarize, type Sample, type ScenarioResult } from "./report.ts";
import { manifestBytes, putManifest, seedTags } from "./seed.ts";

const STREAMS = 500;
const TAGS_PER_STREAM = 2;
const WORKLOADS = 100;
const MOVED = 20;
const BRANCH = "imagestream-gitops/update";
const OURS = "ours: reconcile --forge local";

interface Setup {
  readonly clone: string;
  readonly bare: string;
  readonly env: Readonly<Record<string, string>>;
}

async function setUp(context: BenchContext): Promise<Setup> {
  const t = context.cleanups.asTestContext();
  const registry = await startRegistry(t);
  const dispatcher = new Agent();
  context.cleanups.after(() => dispatcher.close());
  const target = { url: registry.url, dispatcher };
  const repos = Array.from({ length: STREAMS }, (_, i) => streamRepo(i));
  progress(`reconcile: seeding ${String(STREAMS * TAGS_PER_STREAM)} tags`);
  const seeded = await seedTags(target, repos, tagNames(TAGS_PER_STREAM));
  const genv = await gitTestEnv(t);
  const root = path.join(context.work, "reconcile-seed");
  await mkdir(root, { recursive: true });
  await writeStreams(root, { streams: STREAMS, tagsPerStream: TAGS_PER_STREAM, scheduled: true });
  await writeWorkloads(root, WORKLOADS, STREAMS);
  await writeConfig(root, { [BENCH_REGISTRY]: { location: registry.host, insecure: true } });
  await measure(oursCommand(context.isolation, ["apply", "--repo", root]));
  await git(root, ["init", "-q", "-b", "main"], genv.env);
  await git(root, ["add", "-A"], genv.env);
  await git(root, ["commit", "-q", "-m", "baseline"], genv.env);
  const bare = path.join(genv.root, "remote.git");
  await git(genv.root, ["clone", "-q", "--bare", root, bare], genv.env);
  const clone = path.join(genv.root, "clone");
  await git(genv.root, ["clone", "-q", bare, clone], genv.env);
  // Spread over the streams; stream i also drives workload i (i < WORKLOADS) through its t0.
  for (let i = 0; i < MOVED; i++) {
    const repo = streamRepo(i * (STREAMS / MOVED));
    await putManifest(target, repo, "t0", manifestBytes(seeded.config, seeded.layers, "moved"));
  }
  const env = { ...oursCommand(context.isolation, []).env, ...genv.env } as Record<string, string>;
  return { clone, bare, env };
}

/** Our CLI in the git environment of the fixture. */
function cli(context: BenchContext, setup: Setup, args: readonly string[]): Command {
  return { ...oursCommand(context.isolation, args), env: setup.env };
}

/** Deletes the update branch on the remote, so the next run publishes again. */
async function resetRemote(setup: Setup): Promise<void> {
  const branches = await git(setup.bare, ["branch", "--list", BRANCH], setup.env);
  if (branches.trim() !== "") await git(setup.bare, ["branch", "-D", BRANCH], setup.env);
}

/** The document `reconcile --json` prints, as far as read here. */
interface ReconcileDocument {
  readonly summary?: { readonly import?: number };
  readonly timings?: Readonly<Record<string, number>>;
}

/** Runs the reconcile scenario. */
export async function runReconcile(context: BenchContext): Promise<ScenarioResult> {
  const setup = await setUp(context);
  const samples = new Map<string, Sample[]>();
  const stages = new Map<string, number[]>();
  const addStage = (stage: string, ms: number): void => {
    stages.set(stage, [...(stages.get(stage) ?? []), ms]);
  };
  let imports = Number.NaN;
  for (let round = 1; round <= context.runs; round++) {
    await resetRemote(setup);
    const args = ["reconcile", "--repo", setup.clone, "--forge", "local", "--json"];
    const { sample, stdout } = await measure(cli(context, setup, args));
    keep(samples, OURS, sample);
    const document = JSON.parse(stdout) as ReconcileDocument;
    imports = document.summary?.import ?? Number.NaN;
    for (const [stage, ms] of Object.entries(document.timings ?? {})) addStage(stage, ms);
    if (document.timings === undefined) await timeFromOutside(context, setup, samples);
    progress(`reconcile round ${String(round)}: ${sample.seconds.toFixed(2)} s`);
  }
  const facts: Record<string, number | string> = { "tags imported per run": imports };
  for (const [stage, values] of stages) facts[`stage ${stage}, ms (median)`] = median(values);
  const outside = ["validate", "plan", "apply --dry-run"].map((name) => ({
    method: `ours: ${name} (outside timing)`,
    role: "info" as const,
    samples: samples.get(name) ?? [],
  }));
  return {
    name: "reconcile",
    title: `Reconcile: ${String(STREAMS)} streams (${String(STREAMS * TAGS_PER_STREAM)} scheduled tags), ${String(MOVED)} moved, ${String(WORKLOADS)} workloads, to a local forge`,
    tables: [
      {
        caption: "reconcile",
        rows: summarize([
          { method: OURS, role: "ours", samples: samples.get(OURS) ?? [] },
          ...outside,
        ]),
      },
    ],
    facts,
    notes: [
      stages.size > 0
        ? "stages from reconcile --json timings"
        : "this build prints no timings: validate, plan and apply --dry-run are timed from outside",
      "no peer and no floor: no other tool does this job end to end",
    ],
    targets: [],
  };
}

/** The fallback: each stage's command on its own, from the outside. */
async function timeFromOutside(
  context: BenchContext,
  setup: Setup,
  samples: Map<string, Sample[]>,
): Promise<void> {
  const commands = {
    validate: ["validate", "--repo", setup.clone],
    plan: ["plan", "--repo", setup.clone, "--json"],
    "apply --dry-run": ["apply", "--repo", setup.clone, "--dry-run"],
  };
  for (const [name, args] of Object.entries(commands)) {
    keep(samples, name, (await measure(cli(context, setup, args))).sample);
  }
}
