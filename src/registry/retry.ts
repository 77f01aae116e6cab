/**
 * When and how long to wait before trying a request again: connection
 * failures, 5xx and 429 are retried with exponential backoff and full jitter,
 * 429 and 503 honour Retry-After; other 4xx never change by waiting. Pure:
 * randomness and time come in as parameters.
 */

/** Retry settings. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this fails the request instead of waiting. */
  readonly maxRetryAfterMs: number;
}

/** The defaults: 4 attempts, 250 ms doubling to at most 5 s, Retry-After up to 60 s. */
export const defaultRetryPolicy: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
};

/** Statuses a later attempt may not get. */
const retriableStatuses = new Set([408, 429, 500, 502, 503, 504]);

/** Error codes of a connection that failed or dropped (Node and undici). */
const retriableCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
  // The connection closed before the body reached its Content-Length.
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
]);

/** True when a response with `status` may succeed on another attempt. */
export function isRetriableStatus(status: number): boolean {
  return retriableStatuses.has(status);
}

/**
 * True when `err` is a connection failure another attempt may not meet, or
 * an error caused by one (a body that broke off, typed by the transport).
 */
export function isRetriableError(err: unknown): boolean {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && retriableCodes.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1),
 * or undefined when the Retry-After asks for longer than the policy allows.
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfter: string | undefined,
  now: number,
  random: () => number,
): number | undefined {
  const asked = retryAfter === undefined ? undefined : parseRetryAfter(retryAfter, now);
  if (asked !== undefined) return asked > policy.maxRetryAfterMs ? undefined : asked;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/** Retry-After as milliseconds from `now`: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
