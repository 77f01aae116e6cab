/**
 * JSON over HTTP to a forge's REST API, with the waiting the forges ask
 * for: 5xx and connection failures retried with backoff; 429, and GitHub's
 * 403 with `Retry-After` (secondary rate limits) or `x-ratelimit-remaining:
 * 0` (primary), retried after the time the forge names, up to a bound.
 * GitLab and Gitea send `Retry-After` and `RateLimit-Reset` the same way.
 * The token goes in a header the caller names and never into a message.
 */
import { Agent, request, type Dispatcher } from "undici";
import type { ForgeKind } from "./forge.ts";
import { ForgeError } from "./forge.ts";

/** A forge's answer: status, headers (lower-case names) and parsed JSON (undefined for an empty body). */
export interface ForgeResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly json: unknown;
}

/** How a {@link ForgeHttp} talks to its forge. */
export interface ForgeHttpOptions {
  readonly forge: ForgeKind;
  /** The API root, without a trailing slash. */
  readonly baseUrl: string;
  /** Sent with every request: authorization, accept, API version. */
  readonly headers: Readonly<Record<string, string>>;
  /** Attempts in all (default 4). */
  readonly attempts?: number;
  /** The longest wait a rate limit may ask for before the request fails instead (default 60 s). */
  readonly maxWaitMs?: number;
  /** Waits; tests pass one that does not. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly dispatcher?: Dispatcher;
}

/** One request. */
export interface ForgeRequest {
  readonly method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Below the API root, starting with `/`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  /** Statuses that are success; default 200-299. */
  readonly ok?: readonly number[];
  /**
   * False for a request that must not happen twice (a comment): it is
   * retried only when the forge cannot have acted on it (a rate limit, a
   * refused connection), never after a 5xx or a broken answer. Default true:
   * creates are retried as Octokit does, their duplicates are answered 422
   * and adopted by the caller.
   */
  readonly repeatable?: boolean;
}

// Not unref'd: while a retry waits, nothing else may hold the event loop (the
// forge closed the connection), and the process would end mid-run with exit 0
// (the CLI) or 13 (the Action's top-level await).
const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** A small JSON client of one forge API; see the module comment for its retries. */
export class ForgeHttp {
  readonly #options: ForgeHttpOptions;
  readonly #dispatcher: Dispatcher;

  constructor(options: ForgeHttpOptions) {
    this.#options = options;
    this.#dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 4_000, connections: 4 });
  }

  /**
   * Sends `req`, retrying as the module comment says.
   *
   * @throws ForgeError (FORGE) with the status and the forge's message when
   *   the answer is not one of `req.ok`, or no answer came after every attempt.
   */
  async send(req: ForgeRequest): Promise<ForgeResponse> {
    const url = this.url(req);
    const shown = { method: req.method, url: url.replace(/[?].*$/, "") };
    const attempts = this.#options.attempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      let response: ForgeResponse;
      try {
        response = await this.#once(req, url);
      } catch (err) {
        if (attempt >= attempts || (req.repeatable === false && !neverSent(err))) {
          throw new ForgeError(this.#options.forge, shown, undefined, describe(err), {
            cause: err,
          });
        }
        await this.#sleep(backoff(attempt));
        continue;
      }
      if (isOk(response.status, req.ok)) return response;
      const wait =
        req.repeatable === false && !isRateLimited(response)
          ? undefined
          : this.#waitFor(response, attempt);
      if (wait === undefined || attempt >= attempts) {
        throw new ForgeError(this.#options.forge, shown, response.status, forgeMessage(response), {
          transient: response.status >= 500 || isRateLimited(response),
        });
      }
      await this.#sleep(wait);
    }
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    if (this.#options.dispatcher === undefined) await this.#dispatcher.close();
  }

  url(req: Pick<ForgeRequest, "path" | "query">): string {
    const url = new URL(this.#options.baseUrl.replace(/\/+$/, "") + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  async #once(req: ForgeRequest, url: string): Promise<ForgeResponse> {
    const headers: Record<string, string> = { ...this.#options.headers };
    let body: string | null = null;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers["content-type"] = "application/json";
    }
    const res = await request(url, {
      method: req.method,
      headers,
      body,
      dispatcher: this.#dispatcher,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await res.body.text();
    const flat: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    return { status: res.statusCode, headers: flat, json: parseBody(text) };
  }

  /** How long to wait before trying `response`'s request again; undefined: do not. */
  #waitFor(response: ForgeResponse, attempt: number): number | undefined {
    const { status, headers } = response;
    const maxWait = this.#options.maxWaitMs ?? 60_000;
    if (isRateLimited(response)) {
      const ms = rateLimitWait(headers, this.#options.now?.() ?? Date.now()) ?? backoff(attempt);
      return ms <= maxWait ? ms : undefined;
    }
    if (status >= 500) return backoff(attempt);
    return undefined;
  }

  #sleep(ms: number): Promise<void> {
    return (this.#options.sleep ?? defaultSleep)(ms);
  }
}

/**
 * The wait a rate-limited answer asks for: `Retry-After` (seconds or an
 * HTTP date), else GitHub's `x-ratelimit-reset` or GitLab's
 * `ratelimit-reset` (epoch seconds).
 */
export function rateLimitWait(
  headers: Readonly<Record<string, string | undefined>>,
  nowMs: number,
): number | undefined {
  const retryAfter = headers["retry-after"];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const reset = headers["x-ratelimit-reset"] ?? headers["ratelimit-reset"];
  if (reset !== undefined && Number.isFinite(Number(reset))) {
    return Math.max(0, Number(reset) * 1000 - nowMs);
  }
  return undefined;
}

/** 429, or GitHub's 403 of a primary (`x-ratelimit-remaining: 0`) or secondary (`Retry-After`) limit. */
function isRateLimited({ status, headers }: ForgeResponse): boolean {
  return (
    status === 429 ||
    (status === 403 &&
      (headers["retry-after"] !== undefined || headers["x-ratelimit-remaining"] === "0"))
  );
}

/** A connection that was never made: the forge cannot have seen the request. */
function neverSent(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ECONNREFUSED" || code === "UND_ERR_CONNECT_TIMEOUT";
}

function isOk(status: number, ok: readonly number[] | undefined): boolean {
  return ok === undefined ? status >= 200 && status < 300 : ok.includes(status);
}

/** Exponential backoff: 0.5 s, 1 s, 2 s... capped at 8 s. */
function backoff(attempt: number): number {
  return Math.min(8_000, 500 * 2 ** (attempt - 1));
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The forge's own words for a failure: GitHub's and Gitea's `message`, GitLab's `message` (a string, a list or a field map) or `error`. */
function forgeMessage(response: ForgeResponse): string {
  const json = response.json;
  if (typeof json === "string") return json.slice(0, 300);
  if (typeof json === "object" && json !== null) {
    const { message, error, errors } = json as Record<string, unknown>;
    const main =
      typeof message === "string"
        ? message
        : typeof error === "string"
          ? error
          : isStrings(message)
            ? message.join("; ")
            : JSON.stringify(message ?? error ?? json);
    const extra = errors === undefined ? "" : ` ${JSON.stringify(errors)}`;
    return (main + extra).slice(0, 500);
  }
  return "no message";
}

/** GitLab answers a conflict with `{"message": ["Another open merge request ..."]}`. */
function isStrings(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function describe(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === "string" ? `${code}: ${message}` : message;
}
