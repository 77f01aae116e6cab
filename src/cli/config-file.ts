/**
 * Reads a config file named on the command line, for commands that need only
 * the config (not the repository): its diagnostics become a usage error.
 */
import path from "node:path";
import { loadRepositoryConfig } from "../load/load-repository.ts";
import type { ResolvedConfig } from "../model/config.ts";
import { hasErrors } from "../model/diagnostic.ts";
import { UsageError } from "../errors.ts";

/** The config at `file` and the directory its relative paths start from. */
export async function loadConfigFile(
  file: string,
): Promise<{ config: ResolvedConfig; dir: string }> {
  const absolute = path.resolve(file);
  const { config, diagnostics } = await loadRepositoryConfig(path.dirname(absolute), absolute);
  if (hasErrors(diagnostics)) {
    const first = diagnostics.find((d) => d.severity === "error");
    throw new UsageError(
      `${file}: ${first === undefined ? "invalid" : `${String(first.line)}:${String(first.col)}: ${first.message}`}`,
    );
  }
  return { config, dir: path.dirname(absolute) };
}
