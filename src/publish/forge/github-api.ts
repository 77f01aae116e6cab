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

/**
 * The API root the GraphQL endpoint `/graphql` hangs below: the REST root
 * for github.com (`https://api.github.com`), `https://<host>/api` for a
 * GitHub Enterprise Server REST root `https://<host>/api/v3`.
 */
export function graphqlRoot(apiUrl: string): string {
  const trimmed = apiUrl.replace(/\/+$/, "");
  return trimmed.endsWith("/api/v3") ? trimmed.slice(0, -"/v3".length) : trimmed;
}

/** The messages of a GraphQL answer's `errors`, joined, for an error message. */
export function graphqlMessages(errors: unknown): string {
  if (!Array.isArray(errors)) return JSON.stringify(errors).slice(0, 300);
  return errors
    .map((e: unknown) => (e as { message?: unknown } | null)?.message)
    .map((m) => (typeof m === "string" ? m : "unknown error"))
    .join("; ")
    .slice(0, 500);
}
