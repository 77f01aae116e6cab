/**
 * The temporary directory a workspace works in: the work tree, an empty
 * hooks directory and the commit message file, under one `isg-git-XXXXXX`
 * directory made with mkdtemp.
 */
import { mkdtemp, rm, rmdir } from "node:fs/promises";
import path from "node:path";

/** The names inside it. */
export const tempRootEntries = { tree: "tree", hooks: "no-hooks", message: "COMMIT_MSG" } as const;

const prefix = "isg-git-";

/** Makes a new one under `tmpDir`; resolves with its path. */
export function makeTempRoot(tmpDir: string): Promise<string> {
  return mkdtemp(path.join(tmpDir, prefix));
}

/**
 * Removes the temporary directory around the work tree `dir` of an ended
 * run, when `dir` is where a workspace puts its tree: only the entries a
 * workspace makes, then the directory if that left it empty.
 */
export async function removeTempRootOf(dir: string): Promise<void> {
  const root = path.dirname(dir);
  // mkdtemp's six random characters.
  const ours = new RegExp(`^${prefix}[A-Za-z0-9]{6}$`);
  if (path.basename(dir) !== tempRootEntries.tree || !ours.test(path.basename(root))) return;
  for (const entry of Object.values(tempRootEntries)) {
    await rm(path.join(root, entry), { recursive: true, force: true });
  }
  // Anything else in it is not ours to delete: then the directory stays.
  await rmdir(root).catch(() => undefined);
}
