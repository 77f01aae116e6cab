/**
 * The --repo argument: checked before anything is loaded, so a typo reads as
 * a usage error rather than as an empty repository, then loaded.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.ts";
import { loadRepository, type LoadResult } from "../load/load-repository.ts";

/** Loads the repository at `--repo`, with the `--config` file when one is given. */
export async function loadRepositoryAt(values: {
  readonly repo: string;
  readonly config?: string | undefined;
  readonly strict?: boolean;
}): Promise<LoadResult> {
  const root = await checkRepositoryDir(values.repo);
  return loadRepository({
    root,
    ...(values.strict === undefined ? {} : { strict: values.strict }),
    ...(values.config === undefined ? {} : { configPath: values.config }),
  });
}

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
