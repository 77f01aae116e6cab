/**
 * What a run cost each registry: requests, retries, bytes received and sent, and the
 * rate-limit budget Docker Hub announces in RateLimit-Limit/-Remaining.
 */

/** Counters of one registry host. */
export interface HostStats {
  requests: number;
  retries: number;
  /** Response bodies received, by their Content-Length. */
  bytes: number;
  /** Request bodies sent (blob and manifest uploads). */
  bytesSent: number;
  rateLimit?: string;
  rateLimitRemaining?: string;
}

/** Per-host counters. */
export class RegistryStats {
  readonly #hosts = new Map<string, HostStats>();

  #host(host: string): HostStats {
    let stats = this.#hosts.get(host);
    if (stats === undefined) {
      stats = { requests: 0, retries: 0, bytes: 0, bytesSent: 0 };
      this.#hosts.set(host, stats);
    }
    return stats;
  }

  /** Counts a request sent to `host`. */
  request(host: string): void {
    this.#host(host).requests++;
  }

  /** Counts a request body of `size` bytes sent to `host`. */
  sent(host: string, size: number): void {
    this.#host(host).bytesSent += size;
  }

  /** Counts a retry. */
  retry(host: string): void {
    this.#host(host).retries++;
  }

  /** Reads a response's size (none for HEAD: no body is sent) and rate-limit headers. */
  response(
    host: string,
    method: string,
    headers: Readonly<Record<string, string | undefined>>,
  ): void {
    const stats = this.#host(host);
    const length = Number(headers["content-length"]);
    if (method !== "HEAD" && Number.isFinite(length)) stats.bytes += length;
    const limit = headers["ratelimit-limit"];
    const remaining = headers["ratelimit-remaining"];
    if (limit !== undefined) stats.rateLimit = limit;
    if (remaining !== undefined) stats.rateLimitRemaining = remaining;
  }

  /** A copy of every host's counters, by host. */
  snapshot(): Record<string, HostStats> {
    return Object.fromEntries([...this.#hosts].map(([host, stats]) => [host, { ...stats }]));
  }
}
