/**
 * Inline file trees written to a temporary directory (changesets' testdir),
 * removed when the test ends.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestContext } from "node:test";

/** Writes `files` (relative path → contents) under a new temporary directory. */
export async function tempRepo(
  t: TestContext,
  files: Readonly<Record<string, string | Uint8Array>>,
): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "isg-test-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  for (const [relative, contents] of Object.entries(files)) {
    const file = path.join(root, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, contents);
  }
  return root;
}

/** The repository's root directory. */
export const projectRoot = path.resolve(import.meta.dirname, "../../..");
