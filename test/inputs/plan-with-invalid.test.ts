/**
 * One repository holding every file of the invalid corpus (hand-written and
 * fuzzed) beside the examples' valid streams and workloads: `plan`, run as
 * the real binary against the offline OCI layouts of examples/offline, exits
 * 2 and still plans each valid stream and workload exactly as it does
 * without the invalid files. The invalid files sort after the examples
 * (zz-invalid/), so where one redefines an example's stream, the duplicate
 * is reported on the invalid file and the example keeps its place.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { projectRoot, tempRepo } from "../support/temp-repo.ts";

const cli = path.join(projectRoot, "build/src/cli/main.js");
const stackFrame = /^\s+at .+:\d+:\d+\)?$/m;

interface Planned {
  readonly streams: readonly {
    namespace: string;
    name: string;
    file: string;
    tags: readonly { tag: string; action: string; rule: string }[];
  }[];
  readonly workloads: readonly {
    kind: string;
    namespace: string;
    name: string;
    file: string;
    triggers: readonly unknown[];
  }[];
  readonly diagnostics: readonly { file: string; line: number; col: number; severity: string }[];
}

function plan(
  repo: string,
  config: string,
): Promise<{ code: number; plan: Planned; stderr: string }> {
  const env = { ...process.env };
  delete env["ISG_DEBUG"];
  const args = [cli, "plan", "--repo", repo, "--config", config, "--json"];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") {
          reject(new Error(`cannot run ${cli}: ${error.message}`, { cause: error }));
          return;
        }
        resolve({
          code: error === null ? 0 : Number(error.code),
          plan: JSON.parse(stdout) as Planned,
          stderr,
        });
      },
    );
  });
}

/** What the plan says of each stream and workload, keyed by what it is. */
function summary(p: Planned): Map<string, string> {
  const entries: [string, string][] = [
    ...p.streams.map((s): [string, string] => [
      `ImageStream ${s.namespace}/${s.name} ${s.file}`,
      JSON.stringify(s.tags.map((t) => [t.tag, t.action, t.rule])),
    ]),
    ...p.workloads.map((w): [string, string] => [
      `${w.kind} ${w.namespace}/${w.name} ${w.file}`,
      JSON.stringify(w.triggers),
    ]),
  ];
  return new Map(entries);
}

describe("plan with the whole invalid corpus in the repository", () => {
  it("exits 2 and plans every valid stream and workload as without it", async (t) => {
    const valid = await tempRepo(t, {});
    await cp(path.join(projectRoot, "examples/imagestreams"), path.join(valid, "imagestreams"), {
      recursive: true,
    });
    await cp(path.join(projectRoot, "examples/apps"), path.join(valid, "apps"), {
      recursive: true,
    });
    const offline = await tempRepo(t, {});
    await cp(path.join(projectRoot, "examples/offline"), offline, { recursive: true });
    const config = path.join(offline, "imagestream-gitops.yaml");

    const alone = await plan(valid, config);
    assert.equal(alone.code, 0, alone.stderr);
    const want = summary(alone.plan);
    assert.ok(want.size >= 10, [...want.keys()].join("\n"));

    await cp(
      path.join(projectRoot, "test/fixtures/invalid"),
      path.join(valid, "imagestreams/zz-invalid"),
      { recursive: true },
    );
    const mixed = await plan(valid, config);
    assert.equal(mixed.code, 2, mixed.stderr);
    assert.doesNotMatch(mixed.stderr, /internal error/i);
    assert.doesNotMatch(mixed.stderr, stackFrame);
    const got = summary(mixed.plan);
    for (const [what, planned] of want) {
      assert.equal(got.get(what), planned, `${what} is not planned as without the invalid files`);
    }
    const errors = mixed.plan.diagnostics.filter((d) => d.severity === "error");
    assert.ok(errors.length >= 100, `only ${String(errors.length)} errors`);
    for (const d of mixed.plan.diagnostics) {
      assert.match(d.file, /^imagestreams\/zz-invalid\//, JSON.stringify(d));
      assert.ok(d.line >= 1 && d.col >= 1, JSON.stringify(d));
    }
  });
});
