/**
 * Where the forge is and how to reach it, from the config, the CI's
 * environment and the remote's URL, in that order: GitHub Actions'
 * GITHUB_API_URL / GITHUB_REPOSITORY / GITHUB_TOKEN, GitLab CI's
 * CI_API_V4_URL / CI_PROJECT_PATH, or the host and path of the remote.
 * ISG_FORGE_TOKEN wins over the forge's own token variable.
 */
import { UsageError } from "../errors.ts";
import type { ResolvedConfig } from "../model/config.ts";
import type { Forge, ForgeKind, ForgeSettings } from "../publish/forge/forge.ts";
import { createGitHubForge } from "../publish/forge/github.ts";
import { createGitLabForge } from "../publish/forge/gitlab.ts";
import { createGiteaForge } from "../publish/forge/gitea.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** The token variables each forge's CI sets, after ISG_FORGE_TOKEN. */
const tokenVariables: Readonly<Record<Exclude<ForgeKind, "local">, readonly string[]>> = {
  github: ["GITHUB_TOKEN", "GH_TOKEN"],
  // CI_JOB_TOKEN cannot create merge requests: a project or group access token is needed.
  gitlab: ["GITLAB_TOKEN"],
  gitea: ["GITEA_TOKEN", "FORGEJO_TOKEN"],
};

/** The user name of the Basic credential git sends the token with, per forge. */
export const gitTokenUsers: Readonly<Record<ForgeKind, string>> = {
  github: "x-access-token",
  gitlab: "oauth2",
  gitea: "x-access-token",
  local: "x-access-token",
};

/** The forge token from the environment, if any. */
export function forgeToken(kind: ForgeKind, env: Env): string | undefined {
  if (kind === "local") return undefined;
  for (const name of ["ISG_FORGE_TOKEN", ...tokenVariables[kind]]) {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

/**
 * The forge's settings for `kind`.
 *
 * @throws UsageError when no token is set, or the API root or the
 *   repository cannot be told.
 */
export function forgeSettings(
  kind: Exclude<ForgeKind, "local">,
  config: ResolvedConfig["pullRequest"],
  env: Env,
  remoteUrl: string,
): ForgeSettings {
  const token = forgeToken(kind, env);
  if (token === undefined) {
    const names = ["ISG_FORGE_TOKEN", ...tokenVariables[kind]].join(" or ");
    throw new UsageError(`--forge ${kind} needs a token: set ${names}`);
  }
  const remote = parseRemote(remoteUrl);
  const apiUrl = config.apiUrl ?? defaultApiUrl(kind, env, remote);
  const repository =
    config.repository ??
    (kind === "github" ? env["GITHUB_REPOSITORY"] : undefined) ??
    (kind === "gitlab" ? env["CI_PROJECT_PATH"] : undefined) ??
    remote?.path;
  if (apiUrl === undefined || repository === undefined || repository === "") {
    throw new UsageError(
      `cannot tell the ${kind} API or repository from the remote "${remoteUrl}": set pullRequest.apiUrl and pullRequest.repository in the config`,
    );
  }
  return { kind, apiUrl, repository, token };
}

/**
 * Reaches the forge once, before any registry work: a forge that cannot be
 * reached, or that refuses the token or the repository, fails the run
 * before anything is imported or copied (Renovate checks its platform
 * first too). Lists the pull requests of `branch`, which publishing reads
 * anyway. Rejects with a ForgeError (FORGE) after the client's retries.
 */
export async function reachForge(settings: ForgeSettings, branch: string): Promise<void> {
  const forge = openForge(settings);
  try {
    await forge.listPullRequests(branch);
  } finally {
    await forge.close();
  }
}

/** The forge client for `settings`. */
export function openForge(settings: ForgeSettings): Forge {
  switch (settings.kind) {
    case "github":
      return createGitHubForge(settings);
    case "gitlab":
      return createGitLabForge(settings);
    case "gitea":
      return createGiteaForge(settings);
  }
}

function defaultApiUrl(
  kind: Exclude<ForgeKind, "local">,
  env: Env,
  remote: { readonly host: string } | undefined,
): string | undefined {
  switch (kind) {
    case "github":
      return env["GITHUB_API_URL"] ?? "https://api.github.com";
    case "gitlab":
      return env["CI_API_V4_URL"] ?? (remote && `https://${remote.host}/api/v4`);
    case "gitea":
      return remote && `https://${remote.host}/api/v1`;
  }
}

/** Host and repository path of an HTTPS or scp-like SSH remote URL. */
function parseRemote(url: string): { host: string; path: string } | undefined {
  const scp = /^[^@/]+@([^:/]+):(.+?)(?:\.git)?\/?$/.exec(url);
  if (scp !== null) return { host: scp[1] ?? "", path: scp[2] ?? "" };
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "file:" || parsed.host === "") return undefined;
    return { host: parsed.host, path: parsed.pathname.replace(/^\/+|\.git$|\/+$/g, "") };
  } catch {
    return undefined;
  }
}
