/**
 * Checks the --repo argument before anything is loaded, so a typo reads as a
 * usage error rather than as an empty repository.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.ts";

/** The absolute path of `dir`, which must be a directory. */
export async function checkRepositoryDir(dir: string): Promise<string> {
  const absolute = path.resolve(dir);
  try {
    if ((await stat(absolute)).isDirectory()) return absolute;
  } catch {
    throw new UsageError(`repository directory "${dir}" does not exist`);
  }
  throw new UsageError(`"${dir}" is not a directory`);
}
