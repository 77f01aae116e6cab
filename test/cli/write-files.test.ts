/** Writing edited files: failures name the file, and nothing half-written stays. */
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { ReconcilerError } from "../../src/errors.ts";
import { parseYamlFile } from "../../src/load/parse-yaml.ts";
import { createFile, writeChanges } from "../../src/reconcile/write-files.ts";
import { tempRepo } from "../support/temp-repo.ts";

describe("write-files", () => {
  it("a file that cannot be replaced is a FILE_WRITE error naming it", async (t) => {
    const root = await tempRepo(t, { "keep.yaml": "a: 1\n" });
    const { file } = parseYamlFile("gone/is.yaml", "a: 1\n");
    await assert.rejects(
      writeChanges(root, [{ file, text: "a: 2\n" }]),
      (err: unknown) =>
        err instanceof ReconcilerError &&
        err.code === "FILE_WRITE" &&
        err.message.startsWith("cannot write gone/is.yaml: "),
    );
    assert.deepEqual(await readdir(root), ["keep.yaml"], "no temporary file is left");
  });

  it("replaces a file's text and keeps its byte-order mark", async (t) => {
    const root = await tempRepo(t, { "is.yaml": "\uFEFFa: 1\n" });
    const { file } = parseYamlFile("is.yaml", "\uFEFFa: 1\n");
    await writeChanges(root, [{ file, text: "a: 2\n" }]);
    assert.equal(await readFile(path.join(root, "is.yaml"), "utf8"), "\uFEFFa: 2\n");
    assert.deepEqual(await readdir(root), ["is.yaml"]);
  });

  it("createFile refuses to overwrite, saying so", async (t) => {
    const root = await tempRepo(t, { "is.yaml": "a: 1\n" });
    await assert.rejects(createFile(root, "is.yaml", "b: 2\n"), {
      code: "FILE_WRITE",
      message: "cannot write is.yaml: it already exists",
    });
    assert.equal(await readFile(path.join(root, "is.yaml"), "utf8"), "a: 1\n");
  });
  it("removes the temporary file a killed writer left beside the file it writes again, and no other", async (t) => {
    const left = ".is.yaml.deadbeef.tmp";
    const other = ".other.yaml.deadbeef.tmp";
    const root = await tempRepo(t, { "is.yaml": "a: 1\n", [left]: "a: ", [other]: "b" });
    const { file } = parseYamlFile("is.yaml", "a: 1\n");
    await writeChanges(root, [{ file, text: "a: 2\n" }]);
    assert.equal(await readFile(path.join(root, "is.yaml"), "utf8"), "a: 2\n");
    assert.deepEqual((await readdir(root)).sort(), [other, "is.yaml"].sort());
  });

  it("createFile writes a new file whole and leaves no temporary file", async (t) => {
    const root = await tempRepo(t, {});
    await createFile(root, "new/is.yaml", "a: 1\n");
    assert.equal(await readFile(path.join(root, "new/is.yaml"), "utf8"), "a: 1\n");
    assert.deepEqual(await readdir(path.join(root, "new")), ["is.yaml"]);
  });
});
