/**
 * Runs the Action's bundle as a GitHub runner does: `node dist/index.js`
 * with each input as an INPUT_<NAME> variable, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, GITHUB_WORKSPACE and RUNNER_TEMP; with the
 * machine's Node.js or with Node.js 24 (the runtime action.yml names),
 * which test/node24 installs from the npm registry.
 */
import { execFile } from "node:child_process";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestContext } from "node:test";
import { projectRoot } from "./temp-repo.ts";

/** The bundle action.yml runs. */
export const actionBundle = path.join(projectRoot, "dist", "index.js");

/** Node.js 24 from test/node24 (`npm test` installs it first: see package.json's pretest). */
export const node24 = path.join(projectRoot, "test", "node24", "node_modules", ".bin", "node");

/** What a step run left: its exit code, log, outputs and job summary. */
export interface ActionRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly summary: string;
}

/** Runs the bundle with `node` in `workspace`, with `inputs` and the extra `env`. */
export async function runActionBundle(
  t: TestContext,
  node: string,
  workspace: string,
  inputs: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string>>,
): Promise<ActionRun> {
  await access(node).catch(() => {
    throw new Error(`${node} is missing: run "npm ci --prefix test/node24" (npm test does)`);
  });
  const temp = await mkdtemp(path.join(tmpdir(), "isg-runner-"));
  t.after(() => rm(temp, { recursive: true, force: true }));
  const outputFile = path.join(temp, "output");
  const summaryFile = path.join(temp, "summary");
  await writeFile(outputFile, "");
  await writeFile(summaryFile, "");
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  const runnerEnv = {
    ...env,
    ...inputEnv,
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: temp,
  };
  const { code, stdout, stderr } = await new Promise<{
    code: number;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    execFile(node, [actionBundle], { cwd: workspace, env: runnerEnv }, (err, out, errOut) => {
      const exit = (err as { code?: unknown } | null)?.code;
      resolve({ code: typeof exit === "number" ? exit : 0, stdout: out, stderr: errOut });
    });
  });
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(outputFile, "utf8")),
    summary: await readFile(summaryFile, "utf8"),
  };
}

/** GITHUB_OUTPUT's `name<<DELIMITER` … `DELIMITER` records, as the runner reads them. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? "");
    if (match === null) continue;
    const [, name = "", delimiter = ""] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? "");
    outputs[name] = value.join("\n");
  }
  return outputs;
}
