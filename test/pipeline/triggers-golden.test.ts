/**
 * Trigger golden cases, load to write: each directory of
 * test/fixtures/triggers holds an input.yaml of workloads, the report a
 * reviewer reads (expected.txt: the loader's diagnostics and the plan's
 * trigger table) and the file apply writes (expected.yaml), against the
 * shared streams.yaml and a fixed table of registry answers. Only image
 * lines (and a DeploymentConfig's lastTriggeredImage) may differ between
 * input and output. `UPDATE_GOLDEN=1` writes missing expectations, to be
 * read line by line before they are committed.
 */
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { diffLines } from "diff";
import { checkStreams } from "../../src/load/check-streams.ts";
import { checkWorkloads } from "../../src/load/check-workloads.ts";
import { objectsOf } from "../../src/load/objects.ts";
import { parseYamlFile } from "../../src/load/parse-yaml.ts";
import { StreamIndex } from "../../src/load/stream-index.ts";
import { renderDiagnostic } from "../../src/cli/render-diagnostics.ts";
import { renderTriggers } from "../../src/cli/trigger-render.ts";
import { editFile } from "../../src/write/edit-file.ts";
import { planEdits } from "../../src/write/plan-edits.ts";
import { digest, image, planAgainst } from "../support/plan-fixture.ts";
import { projectRoot } from "../support/temp-repo.ts";

const root = path.join(projectRoot, "test/fixtures/triggers");
const update = process.env["UPDATE_GOLDEN"] === "1";

const registry = {
  images: {
    "quay.io/acme/app:1.2": image(digest("2")),
    "quay.io/acme/migrations:1.2": image(digest("3")),
    "quay.io/acme/new:1": {
      kind: "error" as const,
      failure: { reason: "NotFound", message: "manifest unknown" },
    },
  },
};

/** What load, plan and write make of `input`: the report and the new text. */
function reconcile(streamsText: string, input: string): { report: string; output: string } {
  const streamsFile = parseYamlFile("streams.yaml", streamsText);
  const checked = checkStreams(objectsOf(streamsFile.file), "default", false);
  assert.deepEqual(checked.diagnostics, [], "streams.yaml is valid");
  const parsed = parseYamlFile("input.yaml", input);
  assert.deepEqual(parsed.diagnostics, []);
  const scope = {
    streams: new StreamIndex(checked.streams),
    otherKeys: new Set<string>(),
    strict: false,
  };
  const { workloads, diagnostics } = checkWorkloads(objectsOf(parsed.file), "default", scope);
  const { plan } = planAgainst(checked.streams, registry, { workloads });
  const edits = planEdits(plan, 5).get("input.yaml") ?? [];
  const report = [
    ...diagnostics.map((d) => renderDiagnostic(d, parsed.file) + "\n"),
    renderTriggers(plan),
  ].join("");
  return { report, output: editFile(input, edits) };
}

async function expectation(dir: string, file: string, actual: string): Promise<string> {
  const at = path.join(root, dir, file);
  try {
    return await readFile(at, "utf8");
  } catch (err) {
    if (!update) throw err;
    await writeFile(at, actual);
    return actual;
  }
}

const streamsText = await readFile(path.join(root, "streams.yaml"), "utf8");
const cases = (await readdir(root, { withFileTypes: true }))
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe("trigger golden cases", () => {
  it("finds the cases", () => {
    assert.ok(cases.length >= 10, `only ${String(cases.length)} cases`);
  });

  for (const name of cases) {
    describe(name, () => {
      it("reports expected.txt and writes expected.yaml byte for byte", async () => {
        const input = await readFile(path.join(root, name, "input.yaml"), "utf8");
        const { report, output } = reconcile(streamsText, input);
        assert.equal(report, await expectation(name, "expected.txt", report));
        assert.equal(output, await expectation(name, "expected.yaml", output));
      });

      it("changes image lines only", async () => {
        const input = await readFile(path.join(root, name, "input.yaml"), "utf8");
        const { output } = reconcile(streamsText, input);
        for (const part of diffLines(input, output)) {
          if (!part.added && !part.removed) continue;
          for (const line of part.value.split("\n").filter((l) => l !== ""))
            assert.match(line, /^\s*(- \{.*\bimage: |image: |lastTriggeredImage: )/);
        }
      });
    });
  }
});
