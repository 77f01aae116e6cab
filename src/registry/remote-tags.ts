/** A repository's tags, following Link pagination (`n=`, `last=`, RFC 5988 `rel="next"`). */
import { RegistryError } from "./errors.ts";
import { responseError } from "./response-error.ts";
import type { RegistrySession, RepositoryTarget } from "./session.ts";
import type { BufferedResponse } from "./transport.ts";

/** Pages followed at most, against a registry that links a page to itself. */
const maxPages = 10_000;

/** A page of a tag list larger than this is refused. */
const maxPageBytes = 16 * 1024 * 1024;

/**
 * Every tag of `target` once, asking `pageSize` at a time (distribution 2.8
 * ignores n= and answers in one page; others cap it at 50 or 100). A Link
 * back to a page already read ends the list. Throws RegistryError for a
 * failed request or a page that is not a tag list.
 */
export async function listTags(
  session: RegistrySession,
  target: RepositoryTarget,
  pageSize = 1000,
): Promise<string[]> {
  const tags = new Set<string>();
  const seen = new Set<string>();
  let path: string | undefined = `/v2/${target.repository}/tags/list?n=${String(pageSize)}`;
  for (let page = 0; path !== undefined && page < maxPages && !seen.has(path); page++) {
    seen.add(path);
    const response = await session.read(
      target,
      [`repository:${target.repository}:pull`],
      { method: "GET", path },
      maxPageBytes,
    );
    if (response.status !== 200) throw await responseError(response, "GET", target.display);
    for (const tag of parseTagPage(response, target.display)) tags.add(tag);
    path = nextPage(response.headers["link"]);
  }
  return [...tags];
}

/** The tags of one page; a page that is not a tag list is a RegistryError, not a SyntaxError. */
function parseTagPage(response: BufferedResponse, display: string): string[] {
  const fail = (what: string): RegistryError =>
    new RegistryError(`the tag list of ${display} ${what}`, {
      method: "GET",
      url: response.url.toString(),
      status: response.status,
      transient: false,
    });
  let body: unknown;
  try {
    body = JSON.parse(response.bytes.toString("utf8"));
  } catch {
    throw fail("is not JSON");
  }
  if (typeof body !== "object" || body === null) throw fail("is not a JSON object");
  const tags = (body as { tags?: unknown }).tags;
  // `"tags": null` is how distribution lists a repository without tags.
  if (tags === null || tags === undefined) return [];
  const items: readonly unknown[] = Array.isArray(tags) ? tags : [tags];
  const names = items.filter((t): t is string => typeof t === "string");
  if (!Array.isArray(tags) || names.length !== items.length) throw fail("is not a list of names");
  return names;
}

/** The path of the next page from an RFC 5988 Link header (`<...>; rel="next"`). */
export function nextPage(link: string | undefined): string | undefined {
  const match = link === undefined ? null : /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  if (match?.[1] === undefined) return undefined;
  const url = new URL(match[1], "http://placeholder");
  return url.pathname + url.search;
}
