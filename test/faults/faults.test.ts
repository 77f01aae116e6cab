/**
 * The fault suite (issue 10): every scenario of scenarios.ts runs the
 * command as a user runs it (`mirror`, `apply`, `reconcile`) against real
 * registries behind fault proxies, a real git remote and the test GitHub,
 * and is held to four properties:
 *
 * 1. the run succeeds after retries, or fails with a clear message naming
 *    the registry (or remote, or forge) and repository, without a stack trace;
 * 2. the destination registry never holds a tag to an incomplete image
 *    (skopeo pulls every tag whole);
 * 3. the working tree and the remote branch are never left with a partial
 *    change (every workload is untouched or points at a complete copy; the
 *    clone of `reconcile` is clean; main never loses a commit);
 * 4. a re-run with the fault gone completes the job.
 *
 * And every run, the failed and the killed ones first, is scanned for the
 * canary credentials the registries and the forge were given (stdout,
 * stderr, the working tree and .git/config, commit messages, pull
 * requests, the requests the forge saw; tokens the token server issued
 * included).
 *
 * Each scenario records {faults, runs, recovered, failedCleanly, dataLost,
 * secretsFound}; the last test asserts no data was lost and no secret
 * found, prints the table and writes it to build/fault-report.md, which
 * the README's Reliability section copies.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { parseAllDocuments } from "yaml";
import { git } from "../support/git-repos.ts";
import type { CliResult } from "../support/run-cli.ts";
import { filesUnder, findCanaries, type Exhibit } from "../secrets/canaries.ts";
import {
  branch,
  complete,
  copiedSpec,
  images,
  incompleteTags,
  makeWorld,
  mirrored,
  readClone,
  remoteWorkloads,
  runCommand,
  runKilled,
  startShared,
  status,
  tips,
  workingWorkloads,
  type Shared,
  type World,
} from "./fixture.ts";
import { scenarios, type Scenario } from "./scenarios.ts";

/** One scenario's counts. */
interface Tally {
  readonly scenario: string;
  faults: number;
  runs: number;
  recovered: number;
  failedCleanly: number;
  dataLost: number;
  /** Pieces of output (streams, files, messages) scanned for secrets, and the secrets found. */
  scanned: number;
  secretsFound: number;
  /** What was lost, for the message of the final assertion. */
  readonly losses: string[];
  readonly leaks: string[];
}

const tallies: (Tally | undefined)[] = [];

/** A stack frame line, or the CLI's words for an uncaught error. */
const uncaught = /^\s+at .+(:\d+:\d+\)?|\(native\))$|internal error|this is a bug/m;

function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
}

/** Whether `result` failed with a clear message: exit 1, the names, the words, no stack trace. */
function failedClearly(scenario: Scenario, world: World, result: CliResult): string[] {
  const output = result.stdout + result.stderr;
  const problems: string[] = [];
  if (result.code !== 1) problems.push(`exit code ${String(result.code)}, not 1`);
  if (uncaught.test(output)) problems.push("a stack trace or internal error");
  const names = scenario.names?.(world) ?? [world.dstProxy.host, world.dstRepo];
  for (const name of names)
    if (!output.includes(name)) problems.push(`the message does not name ${name}`);
  if (scenario.says !== undefined && !scenario.says.test(output))
    problems.push(`the message does not say ${String(scenario.says)}`);
  return problems;
}

/**
 * Properties 2 and 3: what the run left behind (`killed`: by a run killed
 * with SIGKILL). Returns what was lost or left partial.
 */
async function leftBehind(
  t: TestContext,
  world: World,
  mainBefore: string | undefined,
  raced: string | undefined,
  killed: boolean,
): Promise<string[]> {
  const losses: string[] = [];
  const { incomplete } = await incompleteTags(t, world);
  for (const tag of incomplete)
    losses.push(`destination tag ${world.dstRepo}:${tag} points at an incomplete image`);
  if (world.command === "mirror") return losses;

  const copy = copiedSpec(world);
  const copyOnRegistry = copy.replace(world.dstProxy.host, world.shared.dst.host);
  const copyComplete = await complete(t, copyOnRegistry, world.shared.dstOracle);
  /** Every workload untouched, or every one pointing at a complete copy (a kill may stop between files: each file is old or new). */
  const checkWorkloads = (where: string, texts: readonly string[], allOrNone: boolean): void => {
    const seen = images(texts);
    for (const [i, image] of seen.entries()) {
      if (image === "placeholder:1") continue;
      if (image !== copy)
        losses.push(
          `${where}: ${world.workloads[i] ?? ""} holds ${image || "no image (a partial file)"}`,
        );
      else if (!copyComplete)
        losses.push(`${where}: ${world.workloads[i] ?? ""} points at an incomplete copy`);
    }
    if (allOrNone && new Set(seen).size > 1)
      losses.push(`${where}: some workloads changed and some did not`);
  };

  const lines = (await status(world)).split("\n").filter((l) => l !== "");
  if (world.command === "reconcile") {
    if (lines.length > 0) losses.push(`the clone's working tree changed: ${lines.join("; ")}`);
  } else {
    for (const line of lines) {
      // A kill between writing a temporary file and renaming it leaves that file (no process
      // can prevent it); the file it was for is still whole, and the re-run removes it.
      const debris = killed && /^\?\? (.*\/)?\.[^/]+\.[0-9a-f]{8}\.tmp$/.test(line);
      if (!line.startsWith(" M ") && !debris) losses.push(`working tree: ${line}`);
    }
    checkWorkloads("working tree", await workingWorkloads(world), false);
    const streams = await readClone(world, "streams.yaml");
    if (parseAllDocuments(streams ?? "").some((d) => "errors" in d && d.errors.length > 0))
      losses.push("streams.yaml does not parse");
  }

  const remote = await tips(world);
  const wantMain = raced ?? mainBefore;
  if (remote.main !== wantMain)
    losses.push(`main is at ${String(remote.main)}, not ${String(wantMain)}`);
  if (remote.update !== undefined)
    checkWorkloads(`remote ${branch}`, await remoteWorkloads(world, branch), true);
  return losses;
}

/** What left the run's process: its output, and what it wrote to the clone, the remote and the forge. */
async function exhibitsOf(world: World, run: string, result: CliResult): Promise<Exhibit[]> {
  const exhibits: Exhibit[] = [
    { where: `${run}: stdout`, text: result.stdout },
    { where: `${run}: stderr`, text: result.stderr },
  ];
  if (world.clone !== undefined) exhibits.push(...(await filesUnder(world.clone)));
  if (world.bare !== undefined) {
    const log = ["log", "--all", "--format=%B%n%an %ae %cn %ce"];
    exhibits.push({
      where: "commit messages",
      text: await git(world.bare, log, world.shared.genv.env),
    });
  }
  for (const p of world.github?.pulls ?? [])
    exhibits.push({
      where: `pull request #${String(p.number)}`,
      text: [p.title, p.body ?? "", ...p.comments].join("\n"),
    });
  if (world.github !== undefined)
    exhibits.push({ where: "forge requests", text: JSON.stringify(world.github.requests) });
  return exhibits;
}

/** Scans what `result`'s run left for every canary and every token issued so far. */
async function scanForSecrets(tally: Tally, world: World, run: string, result: CliResult) {
  const exhibits = await exhibitsOf(world, run, result);
  const leaks = findCanaries(exhibits, world.shared.tokens.issued);
  tally.scanned += exhibits.length;
  tally.secretsFound += leaks.length;
  tally.leaks.push(...leaks);
}

/**
 * The canaries were in use, so finding none means something: the source
 * was sent the helper's Basic credentials, the destination a token, and
 * the token server saw alice log in with her config.json password.
 */
function assertCredentialsUsed(world: World): void {
  const sent = (proxy: World["srcProxy"], scheme: string): boolean =>
    proxy.requests.some((r) => r.headers.authorization?.startsWith(`${scheme} `) === true);
  assert.ok(sent(world.srcProxy, "Basic"), "the source registry got Basic credentials");
  assert.ok(sent(world.dstProxy, "Bearer"), "the destination registry got a token");
  const logins = world.shared.tokens.requests.filter((r) => r.authenticated && r.user === "alice");
  assert.ok(logins.length > 0, "alice logged in at the token server");
}

/** Property 4: the job is done. */
async function jobDone(t: TestContext, world: World): Promise<void> {
  assert.ok(await mirrored(t, world), "the destination holds the source image, whole");
  if (world.command === "mirror") return;
  const copy = copiedSpec(world);
  if (world.command === "apply") {
    assert.deepEqual(new Set(images(await workingWorkloads(world))), new Set([copy]));
    return;
  }
  assert.deepEqual(new Set(images(await remoteWorkloads(world, branch))), new Set([copy]));
  const github = world.github;
  assert.ok(github !== undefined);
  assert.equal(github.pulls.length, 1, "one pull request");
  assert.deepEqual(
    github.violations,
    [],
    "every forge request and answer as GitHub describes them",
  );
  const ahead = await git(
    world.bare ?? "",
    ["rev-list", "--count", `main..${branch}`],
    world.shared.genv.env,
  );
  assert.equal(ahead.trim(), "1", "one commit above main");
  // No work tree is left registered in the checkout: a run's own is removed as it ends, and
  // one a run killed with SIGKILL left is removed by the re-run.
  const trees = await git(
    world.clone ?? "",
    ["worktree", "list", "--porcelain"],
    world.shared.genv.env,
  );
  const others = trees
    .split("\n\n")
    .filter((e) => e.trim() !== "" && !e.includes("refs/heads/main"));
  assert.deepEqual(others, [], "work trees left registered in the checkout");
}

async function runScenario(
  t: TestContext,
  shared: Shared,
  scenario: Scenario,
  index: number,
): Promise<void> {
  const tally: Tally = {
    scenario: scenario.name,
    faults: 0,
    runs: 0,
    recovered: 0,
    failedCleanly: 0,
    dataLost: 0,
    scanned: 0,
    secretsFound: 0,
    losses: [],
    leaks: [],
  };
  tallies[index] = tally;
  const world = await makeWorld(
    t,
    shared,
    scenario.command,
    slugOf(scenario.name),
    scenario.workloads,
  );
  const mainBefore = world.bare === undefined ? undefined : (await tips(world)).main;
  await scenario.inject(world, t);

  const env = scenario.env ?? {};
  let first: CliResult;
  if (scenario.expect === "killed") {
    const killed = await runKilled(world, () => scenario.killWhen?.(world) ?? true, env);
    first = killed;
    assert.equal(
      killed.signal,
      "SIGKILL",
      `the run was killed, not ended: ${killed.stdout}${killed.stderr}`,
    );
    world.extraFaults++;
  } else {
    first = await runCommand(world, env);
  }
  tally.runs++;
  const faultsOf = (w: World): number =>
    [...w.srcProxy.requests, ...w.dstProxy.requests].filter((r) => r.fault !== undefined).length +
    w.extraFaults +
    (w.github?.faultsServed ?? 0) +
    (w.gitServer?.faultsServed ?? 0);
  tally.faults = faultsOf(world);
  assert.ok(tally.faults > 0, "the scenario injected a fault");

  const losses = await leftBehind(t, world, mainBefore, world.raced, scenario.expect === "killed");
  if (first.code !== 0)
    t.diagnostic(`first run: ${(first.stdout + first.stderr).trim().slice(0, 600)}`);
  if (scenario.command === "apply" && scenario.expect === "killed") {
    const written = images(await workingWorkloads(world)).filter((i) => i !== "placeholder:1");
    t.diagnostic(
      `killed with ${String(written.length)} of ${String(world.workloads.length)} workloads written`,
    );
  }
  if (scenario.expect === "recovered") {
    assert.equal(first.code, 0, `recovered after retries:\n${first.stdout}${first.stderr}`);
    tally.recovered++;
  } else if (scenario.expect === "failed") {
    const problems = failedClearly(scenario, world, first);
    assert.deepEqual(problems, [], `failed clearly:\n${first.stdout}${first.stderr}`);
    if (losses.length === 0) tally.failedCleanly++;
  } else if (losses.length === 0) {
    tally.failedCleanly++;
  }
  scenario.verify?.(world);
  tally.losses.push(...losses);
  tally.dataLost += losses.length;
  await scanForSecrets(tally, world, "first run", first);

  // The fault is over: the same command again completes the job.
  world.srcProxy.clear();
  world.dstProxy.clear();
  world.github?.clearFaults();
  world.gitServer?.pushFaults.splice(0);
  const again = await runCommand(world, env);
  tally.runs++;
  assert.equal(again.code, 0, `the re-run completes:\n${again.stdout}${again.stderr}`);
  const after = await leftBehind(t, world, mainBefore, world.raced, false);
  tally.losses.push(...after);
  tally.dataLost += after.length;
  await scanForSecrets(tally, world, "re-run", again);
  assertCredentialsUsed(world);
  await jobDone(t, world);
  assert.deepEqual(tally.losses, [], "nothing lost or left partial");
  assert.deepEqual(tally.leaks, [], "no secret leaves the process");
}

/** The table, as the README's Reliability section shows it. */
function table(rows: readonly Tally[]): string {
  const sum = (
    k: "faults" | "runs" | "recovered" | "failedCleanly" | "dataLost" | "secretsFound",
  ): number => rows.reduce((n, r) => n + r[k], 0);
  const line = (cells: readonly (string | number)[]): string => `| ${cells.join(" | ")} |`;
  return [
    line([
      "Scenario",
      "Faults injected",
      "Runs",
      "Recovered",
      "Failed cleanly",
      "Data lost",
      "Secrets found",
    ]),
    line(["---", "--:", "--:", "--:", "--:", "--:", "--:"]),
    ...rows.map((r) =>
      line([
        r.scenario,
        r.faults,
        r.runs,
        r.recovered,
        r.failedCleanly,
        r.dataLost,
        r.secretsFound,
      ]),
    ),
    line([
      "**Total**",
      sum("faults"),
      sum("runs"),
      sum("recovered"),
      sum("failedCleanly"),
      sum("dataLost"),
      sum("secretsFound"),
    ]),
  ].join("\n");
}

describe("fault suite", () => {
  // The scenarios are independent (own proxies, repositories, remotes) and mostly wait on
  // retries' backoff, so they run four at a time.
  it(
    "every scenario: recovers or fails cleanly, loses nothing, and a re-run completes the job",
    { concurrency: 4 },
    async (t) => {
      const shared = await startShared(t);
      await Promise.all(
        scenarios.map((scenario, i) =>
          t.test(scenario.name, (st) => runScenario(st, shared, scenario, i)),
        ),
      );
    },
  );

  it("report: no data lost in any scenario; the table is written to build/fault-report.md", async (t) => {
    const ran = tallies.filter((r) => r !== undefined);
    assert.equal(ran.length, scenarios.length, "every scenario ran");
    const report = table(ran);
    await writeFile(path.join(import.meta.dirname, "../../fault-report.md"), `${report}\n`);
    for (const line of report.split("\n")) t.diagnostic(line);
    const scanned = ran.reduce((n, r) => n + r.scanned, 0);
    t.diagnostic(`pieces of output scanned for secrets: ${String(scanned)}`);
    const lost = ran
      .filter((r) => r.dataLost > 0)
      .map((r) => `${r.scenario}: ${r.losses.join("; ")}`);
    assert.deepEqual(lost, [], "data lost");
    const leaked = ran
      .filter((r) => r.secretsFound > 0)
      .map((r) => `${r.scenario}: ${r.leaks.join("; ")}`);
    assert.deepEqual(leaked, [], "secrets found");
  });
});
