/**
 * Finds the repository's YAML files by the config's globs. Walks the tree
 * itself (Node 20 has no fs.glob), never entering .git or node_modules and
 * never following symbolic links to directories, so a link loop cannot hang
 * it. Returns sorted repository-relative POSIX paths.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";

const skippedDirectories = new Set([".git", "node_modules"]);

/** What discovery found: the files, and the directories it could not list. */
export interface Discovered {
  readonly files: readonly string[];
  readonly unreadable: readonly { readonly dir: string; readonly error: unknown }[];
}

/** Whether discovery selects the repository-relative POSIX path `file`. */
export function selectsFile(
  file: string,
  include: readonly string[],
  exclude: readonly string[],
): boolean {
  const options = { dot: false };
  if (!picomatch([...include], options)(file)) return false;
  return exclude.length === 0 || !picomatch([...exclude], options)(file);
}

/** The files under `root` matching `include` and not `exclude`. */
export async function discoverFiles(
  root: string,
  include: readonly string[],
  exclude: readonly string[],
): Promise<Discovered> {
  const options = { dot: false };
  const included = picomatch([...include], options);
  const excluded = exclude.length > 0 ? picomatch([...exclude], options) : () => false;
  const found: string[] = [];
  const unreadable: { dir: string; error: unknown }[] = [];
  const pending = [""];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    let entries;
    try {
      entries = await readdir(path.join(root, dir), { withFileTypes: true });
    } catch (error) {
      unreadable.push({ dir: dir === "" ? "." : dir, error });
      continue;
    }
    for (const entry of entries) {
      const relative = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!skippedDirectories.has(entry.name)) pending.push(relative);
      } else if (
        (entry.isFile() || entry.isSymbolicLink()) &&
        included(relative) &&
        !excluded(relative)
      ) {
        found.push(relative);
      }
    }
  }
  return { files: found.sort(), unreadable };
}
