/**
 * Reading the JSON a forge answers, shared by the GitLab and Gitea forges:
 * a request whose answer a small pure parser turns into our types, and a
 * {@link ForgeError} naming the request when the answer has another shape.
 */
import type { ForgeKind } from "./forge.ts";
import { ForgeError } from "./forge.ts";
import type { ForgeHttp, ForgeHttpOptions, ForgeRequest, ForgeResponse } from "./forge-http.ts";

/** What tests may replace in a forge's HTTP client: the clock, the waits and the connections. */
export type ForgeClientOptions = Pick<ForgeHttpOptions, "sleep" | "dispatcher" | "now">;

/** True for a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The strings among `value`'s items; [] when it is not an array. */
export function stringItems(value: unknown): readonly string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === "string") : [];
}

/** `current` followed by the items of `added` it lacks, in order. */
export function unionOf<T>(current: readonly T[], added: readonly T[]): readonly T[] {
  return [...current, ...added.filter((item) => !current.includes(item))];
}

/**
 * Sends `req` and parses the answer with `parse`.
 *
 * @throws ForgeError (FORGE) when the request fails (see ForgeHttp.send) or
 *   `parse` returns undefined: the answer does not have the documented shape.
 */
export async function readAnswer<T>(
  http: ForgeHttp,
  forge: ForgeKind,
  req: ForgeRequest,
  parse: (json: unknown, response: ForgeResponse) => T | undefined,
): Promise<T> {
  const response = await http.send(req);
  const parsed = parse(response.json, response);
  if (parsed === undefined) {
    const shown = { method: req.method, url: http.url({ path: req.path }) };
    throw new ForgeError(forge, shown, response.status, "unexpected answer shape", {
      transient: false,
    });
  }
  return parsed;
}

/** A ForgeError for an answer that was well formed but did not find what was asked for. */
export function notFoundError(
  forge: ForgeKind,
  http: ForgeHttp,
  req: Pick<ForgeRequest, "method" | "path">,
  detail: string,
): ForgeError {
  return new ForgeError(forge, { method: req.method, url: http.url(req) }, undefined, detail, {
    transient: false,
  });
}
