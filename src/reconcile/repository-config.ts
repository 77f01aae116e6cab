/**
 * The config a run will use, read before the run loads the repository: the
 * forge, the base branch and the pull request settings are needed to open
 * the work tree and to check the forge before any registry is asked.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { defaultConfig } from "../load/config.ts";
import { loadRepositoryConfig } from "../load/load-repository.ts";
import { configFileName, type ResolvedConfig } from "../model/config.ts";

/** The config the run will use: `config` if named, else the file in `dir`, else the defaults. */
export async function configAt(dir: string, config: string | undefined): Promise<ResolvedConfig> {
  const file = config ?? path.join(dir, configFileName);
  if (!(await exists(file))) return defaultConfig();
  return (await loadRepositoryConfig(path.dirname(file), file)).config;
}

/** Whether `p` is a directory (a local checkout rather than a URL). */
export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
