/**
 * `serve` as the real binary, the way a pod runs it: the examples on a bare
 * git remote, every registry the real docker-registry behind a proxy that
 * slows each request so a run outlasts the one-second schedule. Ticks
 * during a run are skipped and logged, /healthz and /metrics answer, and
 * SIGTERM during a run lets it end before the process exits 0, with the
 * branch holding one whole commit; a second SIGTERM exits 143 at once,
 * after removing the run's work tree, as any other command does.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { stalledCheckout } from "../support/stalled-registry.ts";
import { describe, it, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { examplesCopy, push, pushExampleImages } from "../support/examples-registry.ts";
import { startFaultProxy } from "../support/fault-proxy.ts";
import { cloneRepo, git, gitTestEnv, type GitTestEnv } from "../support/git-repos.ts";
import { startRegistry } from "../support/registry-server.ts";
import { runInProcess } from "../support/run-cli.ts";

const main = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const branch = "imagestream-gitops/update";

type Line = Readonly<Record<string, unknown>> & { readonly msg: string };

interface Fixture {
  readonly genv: GitTestEnv;
  readonly bare: string;
  readonly clone: string;
}

/** The examples applied and committed on a bare remote, a clone, and a new postgres:15 to propose. */
async function fixture(t: TestContext): Promise<Fixture> {
  const genv = await gitTestEnv(t);
  const registry = await startRegistry(t);
  await pushExampleImages(t, registry);
  const proxy = await startFaultProxy(t, { url: registry.url });
  const root = await examplesCopy(t, { ...registry, host: proxy.host });
  const applied = await runInProcess(["apply", "--repo", root]);
  assert.equal(applied.code, 0, applied.stderr);
  await git(root, ["init", "-q", "-b", "main"], genv.env);
  await git(root, ["add", "-A"], genv.env);
  await git(root, ["commit", "-q", "-m", "baseline"], genv.env);
  const bare = path.join(genv.root, "remote.git");
  await git(genv.root, ["clone", "-q", "--bare", root, bare], genv.env);
  await push(t, registry, "docker.io/library/postgres:15", "pg15-b");
  // Every registry request from now on takes 0.4 s more: a run spans several ticks.
  proxy.add({ path: /^\/v2\/./, fault: { kind: "delay", ms: 400 } });
  return { genv, bare, clone: await cloneRepo(genv, bare) };
}

/** The child's stderr as parsed JSON lines; a line that is not JSON fails the test. */
function jsonLines(stream: NodeJS.ReadableStream): Line[] {
  const lines: Line[] = [];
  let partial = "";
  stream.on("data", (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split("\n");
    partial = parts.pop() ?? "";
    for (const part of parts) lines.push(JSON.parse(part) as Line);
  });
  return lines;
}

async function waitFor(lines: Line[], what: (l: Line) => boolean, name: string): Promise<Line> {
  for (let i = 0; i < 300; i++) {
    const found = lines.find(what);
    if (found !== undefined) return found;
    await sleep(50);
  }
  assert.fail(`no "${name}" log line in ${JSON.stringify(lines, null, 1)}`);
}

function sample(metrics: string, name: string): number {
  const match = new RegExp(`^imagestream_gitops_${name} (\\S+)$`, "m").exec(metrics);
  assert.ok(match, `${name} in ${metrics}`);
  return Number(match[1]);
}

describe("serve as a process", () => {
  it("skips ticks during a run, answers /healthz and /metrics, and stops after the run on SIGTERM", async (t) => {
    const f = await fixture(t);
    const args = ["serve", "--repo", f.clone, "--forge", "local", "--listen", "127.0.0.1:0"];
    const child = spawn(process.execPath, [main, ...args, "--schedule", "* * * * * *"], {
      env: f.genv.env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    t.after(() => child.kill("SIGKILL"));
    const exited = once(child, "exit");
    const lines = jsonLines(child.stderr);

    const serving = await waitFor(lines, (l) => l.msg === "serving", "serving");
    const base = `http://${String(serving.address)}`;
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), "ok\n");

    const first = await waitFor(lines, (l) => l.msg === "run finished", "run finished");
    assert.equal(first.exitCode, 0, JSON.stringify(lines));
    assert.equal(first.changesProposed, 1, "the new postgres:15 pushed on the branch");
    const skipped = lines.filter((l) => l.msg === "tick skipped: a run is in progress");
    assert.ok(skipped.length > 0, "ticks during the run are skipped");
    assert.ok(skipped.every((l) => l.level === "warn" && l.running === 1));

    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.equal(sample(metrics, "runs_total"), 1);
    assert.equal(sample(metrics, "run_failures_total"), 0);
    assert.equal(sample(metrics, "changes_proposed_total"), 1);
    assert.ok(sample(metrics, "registry_requests_total") > 0);
    assert.ok(sample(metrics, "skipped_ticks_total") >= skipped.length);
    assert.ok(sample(metrics, "last_success_timestamp_seconds") > Date.now() / 1000 - 60);

    await waitFor(lines, (l) => l.msg === "run started" && l.run === 2, "run 2 started");
    child.kill("SIGTERM");
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, JSON.stringify(lines));
    const stopping = lines.find((l) => l.msg === "stopping");
    assert.equal(stopping?.reason, "SIGTERM");
    assert.equal(stopping.running, true, "the signal came during run 2");
    const messages = lines.map((l) => (typeof l.run === "number" ? `${l.msg} ${l.run}` : l.msg));
    const tail = messages.slice(messages.indexOf("stopping"));
    assert.deepEqual(
      tail.filter((m) => !m.startsWith("tick skipped")).slice(-2),
      ["run finished 2", "stopped"],
      "run 2 ended before the process",
    );

    const second = lines.find((l) => l.msg === "run finished" && l.run === 2);
    assert.equal(second?.stopped, true, "run 2 stopped between two steps");
    assert.deepEqual(second.publish, [], "and published nothing");

    const log = await git(f.bare, ["log", "--format=%s", `main..${branch}`], f.genv.env);
    assert.equal(log.trim().split("\n").length, 1, "one whole commit on the branch");
    const worktrees = await git(f.clone, ["worktree", "list", "--porcelain"], f.genv.env);
    assert.equal(worktrees.match(/^worktree /gm)?.length, 1, "no work tree left behind");
  });

  it("exits 143 at a second SIGTERM, removing the run's work tree", async (t) => {
    // A registry that accepts connections and never answers: the run waits in planning.
    const { connections, genv, checkout: clone } = await stalledCheckout(t);
    const args = ["serve", "--repo", clone, "--forge", "local", "--listen", "127.0.0.1:0"];
    const child = spawn(process.execPath, [main, ...args, "--schedule", "* * * * * *"], {
      env: genv.env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    t.after(() => child.kill("SIGKILL"));
    const exited = once(child, "exit");
    const lines = jsonLines(child.stderr);
    for (let i = 0; i < 200 && connections() === 0; i++) await sleep(50);
    assert.ok(connections() > 0, "the run reached the registry");
    const during = await git(clone, ["worktree", "list", "--porcelain"], genv.env);
    assert.equal(during.match(/^worktree /gm)?.length, 2, "the run holds a work tree");

    child.kill("SIGTERM");
    await waitFor(lines, (l) => l.msg === "stopping", "stopping");
    child.kill("SIGTERM");
    const [code] = (await exited) as [number | null];
    assert.equal(code, 143);
    assert.ok(!lines.some((l) => l.msg === "run finished"), "it did not wait for the run");
    const after = await git(clone, ["worktree", "list", "--porcelain"], genv.env);
    assert.equal(after.match(/^worktree /gm)?.length, 1, "the work tree is removed");
  });
});
