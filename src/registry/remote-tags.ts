/** A repository's tags, following Link pagination (`n=`, `last=`, RFC 5988 `rel="next"`). */
import { readLimited } from "./body.ts";
import { responseError } from "./response-error.ts";
import type { RegistrySession, RepositoryTarget } from "./session.ts";

/** Pages followed at most, against a registry that links a page to itself. */
const maxPages = 10_000;

/**
 * Every tag of `target`, asking `pageSize` at a time (distribution 2.8
 * ignores n= and answers in one page; others cap it at 50 or 100).
 */
export async function listTags(
  session: RegistrySession,
  target: RepositoryTarget,
  pageSize = 1000,
): Promise<string[]> {
  const tags: string[] = [];
  const seen = new Set<string>();
  let path: string | undefined = `/v2/${target.repository}/tags/list?n=${String(pageSize)}`;
  for (let page = 0; path !== undefined && page < maxPages && !seen.has(path); page++) {
    seen.add(path);
    const response = await session.send(target, [`repository:${target.repository}:pull`], {
      method: "GET",
      path,
    });
    if (response.status !== 200) throw await responseError(response, "GET", target.display);
    const body = JSON.parse((await readLimited(response, 16 * 1024 * 1024)).toString("utf8")) as {
      tags?: unknown;
    };
    if (Array.isArray(body.tags))
      tags.push(...body.tags.filter((t): t is string => typeof t === "string"));
    path = nextPage(response.headers["link"]);
  }
  return tags;
}

/** The path of the next page from an RFC 5988 Link header (`<...>; rel="next"`). */
export function nextPage(link: string | undefined): string | undefined {
  const match = link === undefined ? null : /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  if (match?.[1] === undefined) return undefined;
  const url = new URL(match[1], "http://placeholder");
  return url.pathname + url.search;
}
