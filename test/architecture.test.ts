/**
 * Holds the architecture of DESIGN.md: imports point one way (entry points
 * call stages, stages call leaves, nothing imports an entry point), and pure
 * modules do no I/O. The TypeScript counterpart of go-containerregistry's
 * depcheck_test.go.
 */
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const src = fileURLToPath(new URL("../../src/", import.meta.url));

const leaves = ["model", "reference", "errors.ts"];
const stagesAndLeaves = ["load", "plan", "execute", "write", "publish", "registry", ...leaves];

/** Which top-level folders (or files) of src/ each one may import. */
const allowed: Readonly<Record<string, readonly string[]>> = {
  "errors.ts": [],
  reference: ["errors.ts"],
  model: ["reference", "errors.ts"],
  registry: leaves,
  load: [...leaves, "schemas"],
  plan: leaves,
  write: leaves,
  // DESIGN.md names registry among the leaves stages call: imports and mirrors need the client.
  execute: ["plan", "registry", ...leaves],
  publish: ["write", ...leaves],
  // The run's composition, which every entry point shares: stages wired to their ports.
  reconcile: stagesAndLeaves,
  cli: ["reconcile", ...stagesAndLeaves],
  action: ["reconcile", ...stagesAndLeaves],
  serve: ["reconcile", ...stagesAndLeaves],
};

/** Modules that do I/O; every other file under these layers must not. */
const ioModules = new Set(["load/discover.ts", "load/read-files.ts", "load/load-repository.ts"]);
const pureLayers = new Set(["reference", "model", "plan", "write", "load"]);
/** publish/ does I/O (git, forges); these files of it render the proposal and must not. */
const purePublishFiles = new Set(
  [
    "commit-message.ts",
    "image-facts.ts",
    "markdown.ts",
    "marker.ts",
    "pr-body-sections.ts",
    "pr-body.ts",
    "pr-file-diffs.ts",
    "pr-layout.ts",
    "pr-stream-tables.ts",
    "pr-title.ts",
    "proposal-counts.ts",
  ].map((name) => `publish/${name}`),
);
const ioSpecifiers =
  /^(node:)?(fs|fs\/promises|child_process|net|http|https|tls|dgram)$|^undici$|^simple-git$/;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.relative(src, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
}

function importsOf(text: string): string[] {
  const found = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"/gms)];
  const dynamic = [...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)];
  return [...found, ...dynamic].map((m) => m[1] ?? "");
}

function layerOf(file: string): string {
  if (file.startsWith("../schemas/")) return "schemas";
  return file.includes("/") ? (file.split("/")[0] ?? file) : file;
}

describe("architecture", async () => {
  const files = await sourceFiles(src);

  it("finds the source tree", () => {
    assert.ok(files.includes("cli/main.ts") && files.includes("reference/index.ts"));
  });

  for (const file of files) {
    it(`${file} imports only what its layer may`, async () => {
      const layer = layerOf(file);
      const permitted = allowed[layer];
      assert.ok(permitted !== undefined, `${file}: src/${layer} is not a layer of DESIGN.md`);
      const text = await readFile(path.join(src, file), "utf8");
      for (const specifier of importsOf(text)) {
        if (specifier.startsWith(".")) {
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
          const targetLayer = layerOf(target);
          assert.ok(
            targetLayer === layer || permitted.includes(targetLayer),
            `${file} imports ${specifier}: ${layer} may not import ${targetLayer}`,
          );
        } else if (specifier.startsWith("@actions/")) {
          assert.equal(layer, "action", `${file} imports ${specifier}: only src/action may`);
        } else if ((pureLayers.has(layer) && !ioModules.has(file)) || purePublishFiles.has(file)) {
          assert.doesNotMatch(specifier, ioSpecifiers, `${file} is pure but imports ${specifier}`);
        }
      }
    });
  }
});
