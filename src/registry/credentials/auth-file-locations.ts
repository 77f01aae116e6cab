/**
 * Where auth files are looked for, in precedence order (SEMANTICS §9.2(b),
 * (c)). Pure: the environment and home directory are parameters.
 */
import path from "node:path";
import type { AuthFileFormat } from "./parse-auth-file.ts";

/** A candidate auth file. */
export interface AuthFileLocation {
  readonly file: string;
  readonly format: AuthFileFormat;
  /** Named explicitly (`--authfile`): its absence is an error, not a reason to look further. */
  readonly required: boolean;
}

/** What decides the candidates. */
export interface AuthFileLocationOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  readonly authFile?: string;
}

/**
 * The candidate files, most preferred first: the explicit `authFile`, then
 * `$REGISTRY_AUTH_FILE`, then `$DOCKER_CONFIG/config.json` (or
 * `<homeDir>/.docker/config.json` when `DOCKER_CONFIG` is unset or empty),
 * then the legacy `<homeDir>/.dockercfg`. Empty values count as unset; an
 * empty `homeDir` drops the home-relative candidates. The store reads only
 * the first candidate that exists.
 */
export function authFileLocations(options: AuthFileLocationOptions): AuthFileLocation[] {
  const { env, homeDir, authFile } = options;
  const candidates: AuthFileLocation[] = [];
  if (authFile !== undefined && authFile !== "") {
    candidates.push({ file: authFile, format: "config", required: true });
  }
  const registryAuthFile = env["REGISTRY_AUTH_FILE"];
  if (registryAuthFile !== undefined && registryAuthFile !== "") {
    candidates.push({ file: registryAuthFile, format: "config", required: false });
  }
  const dockerConfig = env["DOCKER_CONFIG"];
  if (dockerConfig !== undefined && dockerConfig !== "") {
    candidates.push({
      file: path.join(dockerConfig, "config.json"),
      format: "config",
      required: false,
    });
  } else if (homeDir !== "") {
    candidates.push({
      file: path.join(homeDir, ".docker", "config.json"),
      format: "config",
      required: false,
    });
  }
  if (homeDir !== "") {
    candidates.push({ file: path.join(homeDir, ".dockercfg"), format: "legacy", required: false });
  }
  return candidates;
}
