/**
 * Fuzzes `validate` with the generated broken inputs of mutants.ts: every
 * case is written as a file of its own repository, and validate must exit 2
 * (0 where the case is valid), say what the case broke where it broke it,
 * position every diagnostic inside the file, never crash or print a stack
 * trace, and answer within a generous bound (a hang guard, not a speed test).
 *
 * The seed is fixed and printed; to reproduce a failure, run with the
 * seed and path fast-check reports:
 *   ISG_FUZZ_SEED=<seed> ISG_FUZZ_PATH=<path> node --test build/test/inputs/fuzz.test.js
 * ISG_FUZZ_RUNS raises the number of cases for a longer local run.
 */
import assert from "node:assert/strict";

import { describe, it, type TestContext } from "node:test";
import fc from "fast-check";
import { cases, mutationKind, type Case } from "./mutants.ts";
import { BoundedCli } from "../support/bounded-cli.ts";
import { tempRepo } from "../support/temp-repo.ts";

const seed = Number(process.env["ISG_FUZZ_SEED"] ?? "20261207");
const runs = Number(process.env["ISG_FUZZ_RUNS"] ?? "200");
const replayPath = process.env["ISG_FUZZ_PATH"];
/** A hang guard: no case comes near it. */
const boundMs = 5_000;
const fileName = "fuzzed.yaml";

const printedLine = /^(.+?):(\d+):(\d+): (error|warning) ([A-Z_]+): (.*)$/;
const stackFrame = /^\s+at .+:\d+:\d+\)?$/m;

async function check(t: TestContext, validator: BoundedCli, c: Case): Promise<void> {
  const root = await tempRepo(t, { [fileName]: c.text });
  const args = ["validate", "--repo", root, ...(c.strict ? ["--strict"] : [])];
  const result = await validator.run(args, c.mutation);
  const lines = c.text.split("\n");
  const context = `${c.mutation}\n--- ${fileName}\n${c.text}--- stderr\n${result.stderr}`;
  assert.doesNotMatch(result.stderr, /internal error/i, context);
  assert.doesNotMatch(result.stderr, stackFrame, context);
  assert.equal(result.code, c.expected.exit, context);
  const printed = result.stderr.split("\n").flatMap((l) => {
    const m = printedLine.exec(l);
    return m === null ? [] : [m];
  });
  for (const [, file = "", line = "", col = "", , code = ""] of printed) {
    assert.equal(file, fileName, context);
    const n = Number(line);
    assert.ok(
      n >= 1 && n <= lines.length,
      `${code} at line ${line} of ${String(lines.length)}\n${context}`,
    );
    const width = (lines[n - 1] ?? "").length;
    assert.ok(
      Number(col) >= 1 && Number(col) <= width + 1,
      `${code} at ${line}:${col}, line has ${String(width)} characters\n${context}`,
    );
  }
  const { code, lines: at } = c.expected;
  if (code === undefined) {
    assert.equal(printed.filter((m) => m[4] === "error").length, 0, context);
    return;
  }
  const severity = c.expected.exit === 2 ? "error" : "warning";
  assert.ok(
    printed.some(
      (m) => m[5] === code && m[4] === severity && (at === undefined || at.includes(Number(m[2]))),
    ),
    `expected ${severity} ${code}${at === undefined ? "" : ` on line ${at.join(" or ")}`}\n${context}`,
  );
}

describe("validate on generated broken inputs", () => {
  it(`answers each of ${String(runs)} cases as the case expects (seed ${String(seed)})`, async (t) => {
    t.diagnostic(`fast-check seed ${String(seed)}, ${String(runs)} runs`);
    const validator = new BoundedCli(boundMs);
    const kinds = new Map<string, number>();
    try {
      await fc.assert(
        fc.asyncProperty(cases, async (c) => {
          kinds.set(mutationKind(c), (kinds.get(mutationKind(c)) ?? 0) + 1);
          await check(t, validator, c);
        }),
        {
          seed,
          numRuns: runs,
          ...(replayPath === undefined ? {} : { path: replayPath }),
          endOnFailure: true,
        },
      );
    } finally {
      await validator.close();
    }
    t.diagnostic([...kinds].map(([k, n]) => `${k} ${String(n)}`).join(", "));
    if (replayPath === undefined) assert.ok(kinds.size >= 8, [...kinds.keys()].join(", "));
  });
});
