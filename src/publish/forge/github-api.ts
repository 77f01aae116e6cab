/**
 * What every GitHub REST call of this tool shares: the headers (REST API
 * version 2022-11-28, the token as a Bearer credential) and the repository
 * as `owner/name`.
 */
import { ForgeError, type ForgeSettings } from "./forge.ts";

/** The headers of a GitHub REST request with `token`. */
export function gitHubHeaders(token: string): Readonly<Record<string, string>> {
  return {
    accept: "application/vnd.github+json",
    "x-github-api-version": "2022-11-28",
    authorization: `Bearer ${token}`,
    "user-agent": "imagestream-gitops",
  };
}

/**
 * The owner and name of `settings.repository`.
 *
 * @throws ForgeError (FORGE) when it is not `owner/name`; the message names
 *   the repository and the API root, never the token.
 */
export function gitHubRepository(settings: ForgeSettings): { owner: string; repo: string } {
  const [owner, repo, ...rest] = settings.repository.split("/");
  if (owner === undefined || owner === "" || repo === undefined || repo === "" || rest.length > 0) {
    throw new ForgeError(
      "github",
      { method: "-", url: settings.apiUrl },
      undefined,
      `repository "${settings.repository}" is not owner/name`,
    );
  }
  return { owner, repo };
}

/** `/repos/{owner}/{repo}`, each part encoded. */
export function gitHubRepositoryPath(settings: ForgeSettings): string {
  const { owner, repo } = gitHubRepository(settings);
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}
