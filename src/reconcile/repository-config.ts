/**
 * The config a run will use, read before the run loads the repository: the
 * forge, the base branch and the pull request settings are needed to open
 * the work tree and to check the forge before any registry is asked.
 */
import { stat } from "node:fs/promises";
import { loadRepositoryConfig } from "../load/load-repository.ts";
import type { ResolvedConfig } from "../model/config.ts";

/**
 * The config the run will use: `config` if named, else the file in `dir`,
 * else the defaults. Its diagnostics are the full load's to report.
 */
export async function configAt(dir: string, config: string | undefined): Promise<ResolvedConfig> {
  return (await loadRepositoryConfig(dir, config)).config;
}

/** Whether `p` is a directory (a local checkout rather than a URL). */
export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}
