/**
 * The bad-input corpus: every file (or directory) under test/fixtures/invalid/
 * is copied alone into a temporary repository and run through the CLI, which
 * must exit 2 with positioned diagnostics and never crash. Fixtures run the
 * CLI in-process (its `run`, which turns any throw into "internal error");
 * the generated cases and the --json checks spawn the built binary, so the
 * real process is covered too. Each fixture
 * states what it expects in its leading comment lines:
 *
 *   # strict                              (first line: run with --strict)
 *   # expect: CODE LINE message-substring (LINE may be LINE:COL)
 *
 * LINE is the 1-based line of that very file (a byte-order mark before the
 * first line is set aside). A directory fixture holds an
 * imagestream-gitops.yaml (and maybe a stream file); its expect lines name
 * positions in the file they are written in. Cases that cannot be committed
 * (a 32 MiB file, bytes that are not UTF-8, pathological nesting) are
 * generated here at run time. Each fixture runs in a worker thread with a
 * time bound (BoundedCli), so a hang fails that fixture by name instead of
 * stalling the suite. fuzzed/ holds a sample of the broken inputs
 * test/inputs/mutants.ts generates (written by test/inputs/write-fuzzed.ts),
 * run like the hand-written ones.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, describe, it } from "node:test";
import { diagnosticCodes, type DiagnosticCode } from "../../src/model/diagnostic.ts";
import { BoundedCli } from "../support/bounded-cli.ts";
import { projectRoot, tempRepo } from "../support/temp-repo.ts";

const corpus = path.join(projectRoot, "test/fixtures/invalid");
const cli = path.join(projectRoot, "build/src/cli/main.js");
const maxFileBytes = 32 * 1024 * 1024;
const configFile = "imagestream-gitops.yaml";

/** One `# expect:` line. */
interface Expectation {
  readonly file: string;
  readonly code: string;
  readonly line: number;
  readonly col: number | undefined;
  readonly substring: string;
}

/** A fixture: its files (repository-relative path → bytes) and what it expects. */
interface Fixture {
  readonly name: string;
  readonly files: Readonly<Record<string, Uint8Array>>;
  readonly strict: boolean;
  readonly expectations: readonly Expectation[];
}

/** A diagnostic as the CLI prints it on stderr. */
interface Printed {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly severity: string;
  readonly code: string;
  readonly message: string;
}

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const expectLine = /^# expect: ([A-Z_]+) (\d+)(?::(\d+))? (.+)$/;
const printedLine = /^(.+?):(\d+):(\d+): (error|warning) ([A-Z_]+): (.*)$/;
const stackFrame = /^\s+at .+:\d+:\d+\)?$/m;

/** The leading comment lines of `text`: where a fixture states its expectations. */
function header(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const end = lines.findIndex((l) => !l.startsWith("#"));
  return end === -1 ? lines : lines.slice(0, end);
}

function expectationsOf(file: string, text: string): Expectation[] {
  return header(text).flatMap((line): Expectation[] => {
    if (!line.startsWith("# expect:")) return [];
    const match = expectLine.exec(line);
    assert.ok(match !== null, `${file}: malformed expectation: ${line}`);
    const [, code = "", lineNumber = "", col, substring = ""] = match;
    return [
      {
        file,
        code,
        line: Number(lineNumber),
        col: col === undefined ? undefined : Number(col),
        substring,
      },
    ];
  });
}

async function loadFixture(name: string): Promise<Fixture> {
  const absolute = path.join(corpus, name);
  const entries = await readdir(absolute, { withFileTypes: true }).catch(() => undefined);
  const relatives =
    entries === undefined
      ? [name]
      : entries.filter((e) => e.isFile()).map((e) => path.join(name, e.name));
  const files: Record<string, Uint8Array> = {};
  const expectations: Expectation[] = [];
  let strict = false;
  for (const relative of relatives) {
    const bytes = await readFile(path.join(corpus, relative));
    const inRepo = entries === undefined ? name : path.relative(name, relative);
    const posix = inRepo.split(path.sep).join("/");
    files[inRepo] = bytes;
    const text = bytes.toString("utf8");
    strict ||=
      text
        .replace(/^\uFEFF/, "")
        .split("\n", 1)[0]
        ?.trimEnd() === "# strict";
    expectations.push(...expectationsOf(posix, text));
  }
  return { name, files, strict, expectations };
}

/** Runs the built CLI with `args`, never through a shell; resolves whatever the exit code. */
function runCli(args: readonly string[]): Promise<CliResult> {
  const env = { ...process.env };
  delete env["ISG_DEBUG"];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: projectRoot, env, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") {
          reject(new Error(`cannot run ${cli}: ${error.message}`, { cause: error }));
          return;
        }
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

function printedDiagnostics(stderr: string): Printed[] {
  return stderr.split("\n").flatMap((line): Printed[] => {
    const m = printedLine.exec(line);
    if (m === null) return [];
    const [, file = "", lineNumber = "", col = "", severity = "", code = "", message = ""] = m;
    return [{ file, line: Number(lineNumber), col: Number(col), severity, code, message }];
  });
}

function describePrinted(printed: readonly Printed[]): string {
  if (printed.length === 0) return "  (no diagnostics)";
  return printed
    .map((d) => `  ${d.file}:${d.line}:${d.col}: ${d.severity} ${d.code}: ${d.message}`)
    .join("\n");
}

/** Exit 2, no crash, and every expectation met by some printed diagnostic. */
function assertReported(
  label: string,
  result: CliResult,
  expectations: readonly Expectation[],
): void {
  const printed = printedDiagnostics(result.stderr);
  assert.doesNotMatch(result.stderr, /internal error/, `${label}: crashed:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, stackFrame, `${label}: printed a stack trace`);
  assert.equal(
    result.code,
    2,
    `${label}: exit status ${result.code}, expected 2\n${describePrinted(printed)}`,
  );
  for (const want of expectations) {
    const at = want.col === undefined ? `${want.line}` : `${want.line}:${want.col}`;
    const found = printed.some(
      (d) =>
        d.file === want.file &&
        d.code === want.code &&
        d.line === want.line &&
        (want.col === undefined || d.col === want.col) &&
        d.message.includes(want.substring),
    );
    assert.ok(
      found,
      `${label}: expected ${want.code} at ${want.file}:${at} containing ${JSON.stringify(want.substring)}; got:\n${describePrinted(printed)}`,
    );
  }
}

const fixtureName = /^\d{2,3}-[a-z0-9-]+(\.yaml)?$/;
const fuzzedDirectory = "fuzzed";
const byNumber = (a: string, b: string): number => parseInt(a, 10) - parseInt(b, 10);
const entries = (await readdir(corpus)).filter((n) => n !== fuzzedDirectory).sort(byNumber);
const fuzzed = (await readdir(path.join(corpus, fuzzedDirectory)))
  .sort()
  .map((n) => `${fuzzedDirectory}/${n}`);
const fixtures = await Promise.all(
  [...entries.filter((n) => fixtureName.test(n)), ...fuzzed].map(loadFixture),
);
const knownCodes: ReadonlySet<string> = new Set<DiagnosticCode>(diagnosticCodes);

describe("the invalid-input corpus", () => {
  it("holds at least 100 fixtures, each stating what it expects", () => {
    assert.ok(fixtures.length >= 100, `only ${fixtures.length} fixtures`);
    assert.ok(fuzzed.length >= 20, `only ${fuzzed.length} fuzzed fixtures`);
    assert.deepEqual(
      entries.filter((n) => !fixtureName.test(n)),
      [],
      "fixtures are named NN-short-name.yaml, or NN-short-name/ for a directory",
    );
    assert.deepEqual(
      fuzzed.filter((n) => !/^fuzzed\/\d{3}-[a-z0-9-]+\.yaml$/.test(n)),
      [],
      "fuzzed fixtures are named fuzzed/NNN-mutation.yaml",
    );
    const withoutConfig = fixtures.filter((f) => !f.name.endsWith(".yaml") && !f.files[configFile]);
    assert.deepEqual(
      withoutConfig.map((f) => f.name),
      [],
      `a directory fixture needs an ${configFile}`,
    );
    for (const fixture of fixtures) {
      assert.ok(fixture.expectations.length > 0, `${fixture.name} has no # expect: line`);
      for (const e of fixture.expectations) {
        assert.ok(knownCodes.has(e.code), `${fixture.name}: unknown code ${e.code}`);
      }
    }
  });
});

describe("validate on each invalid fixture", { concurrency: 2 }, () => {
  /** A hang guard, not a speed test: each fixture takes milliseconds. */
  const cli = new BoundedCli(10_000, 2);
  after(() => cli.close());
  for (const fixture of fixtures) {
    it(fixture.name, async (t) => {
      const root = await tempRepo(t, fixture.files);
      const args = ["validate", "--repo", root, ...(fixture.strict ? ["--strict"] : [])];
      assertReported(fixture.name, await cli.run(args, fixture.name), fixture.expectations);
    });
  }
});

describe("validate on generated invalid input", { concurrency: 2 }, () => {
  it("refuses a file over 32 MiB", async (t) => {
    const root = await tempRepo(t, {});
    const big = path.join(root, "huge.yaml");
    await writeFile(big, Buffer.alloc(maxFileBytes + 1, "# generated padding line\n"));
    try {
      const result = await runCli(["validate", "--repo", root]);
      assertReported("huge.yaml", result, [
        { file: "huge.yaml", code: "FILE_TOO_LARGE", line: 1, col: 1, substring: "bytes" },
      ]);
    } finally {
      await rm(big, { force: true });
    }
  });

  it("reports a file that is not UTF-8", async (t) => {
    const latin1 = Buffer.concat([
      Buffer.from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf"),
      Buffer.from([0xe9]), // "é" in ISO-8859-1; a lone continuation-less lead byte in UTF-8
      Buffer.from("\n  namespace: demo\n"),
    ]);
    const root = await tempRepo(t, { "latin1.yaml": latin1 });
    assertReported("latin1.yaml", await runCli(["validate", "--repo", root]), [
      { file: "latin1.yaml", code: "FILE_UNREADABLE", line: 1, col: 1, substring: "UTF-8" },
    ]);
  });

  it("reports a flow sequence nested 5000 deep instead of crashing", async (t) => {
    const root = await tempRepo(t, { "deep.yaml": `key: ${"[".repeat(5000)}\n` });
    const result = await runCli(["validate", "--repo", root]);
    assertReported("deep.yaml", result, []);
    const printed = printedDiagnostics(result.stderr);
    assert.ok(
      printed.some((d) => d.file === "deep.yaml" && d.code === "YAML_SYNTAX"),
      describePrinted(printed),
    );
  });

  it("reports a triggers annotation holding JSON nested 5000 deep instead of crashing", async (t) => {
    const json = `[${"[".repeat(5000)}${"]".repeat(5000)}]`;
    const workload = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    image.openshift.io/triggers: '${json}'
spec:
  template:
    spec:
      containers:
        - name: web
          image: quay.io/org/app:1.2
`;
    const root = await tempRepo(t, { "deep-json.yaml": workload });
    assertReported("deep-json.yaml", await runCli(["validate", "--repo", root]), [
      { file: "deep-json.yaml", code: "TRIGGER_INVALID", line: 6, col: undefined, substring: "" },
    ]);
  });
});

describe("validate --json", () => {
  it("prints one JSON document with positioned diagnostics", async (t) => {
    const name = "45-trigger-missing-stream-tag.yaml";
    const fixture = fixtures.find((f) => f.name === name);
    assert.ok(fixture !== undefined, `${name} is missing from the corpus`);
    const root = await tempRepo(t, fixture.files);
    const result = await runCli(["validate", "--repo", root, "--json"]);
    assert.equal(result.code, 2, result.stderr);
    const report = JSON.parse(result.stdout) as {
      ok?: unknown;
      diagnostics?: unknown;
    };
    assert.equal(report.ok, false);
    assert.ok(Array.isArray(report.diagnostics) && report.diagnostics.length > 0);
    for (const d of report.diagnostics as Record<string, unknown>[]) {
      assert.equal(typeof d["file"], "string");
      assert.ok(Number.isInteger(d["line"]) && Number(d["line"]) >= 1, JSON.stringify(d));
      assert.ok(Number.isInteger(d["col"]) && Number(d["col"]) >= 1, JSON.stringify(d));
      assert.equal(typeof d["pointer"], "string");
      assert.ok(knownCodes.has(String(d["code"])), JSON.stringify(d));
      assert.equal(typeof d["message"], "string");
    }
    const [want] = fixture.expectations;
    assert.ok(want !== undefined);
    assert.ok(
      (report.diagnostics as Record<string, unknown>[]).some(
        (d) =>
          d["file"] === name &&
          d["code"] === want.code &&
          d["line"] === want.line &&
          d["pointer"] === "/metadata/annotations/image.openshift.io~1triggers" &&
          String(d["message"]).includes(want.substring),
      ),
      result.stdout,
    );
  });

  it("keeps every message on one line", async (t) => {
    // V8's JSON.parse messages quote the offending text, newlines included.
    const name = "37-trigger-json-block-python-false.yaml";
    const fixture = fixtures.find((f) => f.name === name);
    assert.ok(fixture !== undefined, `${name} is missing from the corpus`);
    const root = await tempRepo(t, fixture.files);
    const result = await runCli(["validate", "--repo", root, "--json"]);
    const report = JSON.parse(result.stdout) as { diagnostics: { message: string }[] };
    for (const d of report.diagnostics) {
      assert.doesNotMatch(d.message, /\n/, JSON.stringify(d.message));
    }
  });
});
