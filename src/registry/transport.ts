/**
 * HTTP for registries over undici: one dispatcher (a keep-alive pool) per
 * origin, its host's TLS settings, explicit proxy settings,
 * timeouts, retries with backoff, and redirects followed by hand so that
 * `Authorization` never reaches another origin (a storage backend or CDN
 * serving a blob). Small documents can be read whole inside the retries,
 * so one cut off mid-body is fetched again; a body that breaks off while
 * streaming fails with a typed RegistryError. Counts requests, bytes
 * (streamed request bodies as they are read) and retries per host.
 */
import { pipeline, Transform, type TransformCallback } from "node:stream";
import { createSecureContext, rootCertificates } from "node:tls";
import { Agent, ProxyAgent, type Dispatcher } from "undici";
import { readLimited } from "./body.ts";
import { bodyErrors } from "./body-errors.ts";
import { RegistryError } from "./errors.ts";
import { proxyFor, type ProxySettings } from "./proxy-for.ts";
import {
  defaultRetryPolicy,
  isRetriableError,
  isRetriableStatus,
  retryDelay,
  type RetryPolicy,
} from "./retry.ts";
import { RegistryStats } from "./stats.ts";

export type { ProxySettings } from "./proxy-for.ts";

/** TLS and scheme settings of one registry host. */
export interface HostSettings {
  /** Skip TLS verification and fall back to plain HTTP (SEMANTICS N1). */
  readonly insecure: boolean;
  /** Extra PEM CA certificates trusted for this host, besides the system's. */
  readonly ca?: string;
}

/** How the transport behaves; time and randomness are injectable for tests. */
export interface TransportOptions {
  readonly hostSettings: (host: string) => HostSettings;
  readonly proxy?: ProxySettings;
  readonly retry?: RetryPolicy;
  /** Time allowed for response headers, and between body chunks. */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** One request. A body given as bytes may be replayed on retry; a stream never is. */
export interface HttpRequest {
  readonly method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | NodeJS.ReadableStream;
  readonly signal?: AbortSignal;
}

/** A response read whole by {@link Transport.read}. */
export interface BufferedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly bytes: Buffer;
  /** Where the response came from, after redirects. */
  readonly url: URL;
}

/** A response with its headers lower-cased and joined. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Dispatcher.ResponseData["body"];
  /** Where the response came from, after redirects. */
  readonly url: URL;
}

const maxRedirects = 5;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** Sends registry requests. Close it to release its sockets. */
export class Transport {
  readonly stats = new RegistryStats();
  readonly #options: TransportOptions;
  readonly #dispatchers = new Map<string, Dispatcher>();
  readonly #retry: RetryPolicy;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#retry = options.retry ?? defaultRetryPolicy;
  }

  /** Sends `request`, retrying what may succeed later and following redirects. */
  send(request: HttpRequest): Promise<HttpResponse> {
    return this.#retrying(
      request,
      () => this.#follow(request),
      (response) => response.body.dump(),
    );
  }

  /**
   * Sends `request` and reads the whole body, at most `limit` bytes. A
   * connection lost while the body arrives is retried like one lost before
   * the headers (go-containerregistry retries io.ErrUnexpectedEOF): the
   * request is sent again and no partial body is ever returned.
   */
  read(request: HttpRequest, limit: number): Promise<BufferedResponse> {
    return this.#retrying(
      request,
      async () => {
        const response = await this.#follow(request);
        const bytes = await readLimited(response, limit);
        return { status: response.status, headers: response.headers, url: response.url, bytes };
      },
      () => Promise.resolve(),
    );
  }

  /** Runs `exchange` until it gives an answer a later attempt would not change, or attempts run out. */
  async #retrying<R extends Pick<HttpResponse, "status" | "headers">>(
    request: HttpRequest,
    exchange: () => Promise<R>,
    discard: (response: R) => Promise<void>,
  ): Promise<R> {
    const replayable = request.body === undefined || request.body instanceof Uint8Array;
    for (let attempt = 1; ; attempt++) {
      const last = !replayable || attempt >= this.#retry.attempts;
      let response: R;
      try {
        response = await exchange();
      } catch (err) {
        if (last || !isRetriableError(err) || request.signal?.aborted === true)
          throw this.#failed(request, err, attempt);
        await this.#wait(request, this.#delay(attempt, undefined) ?? 0);
        continue;
      }
      if (last || !isRetriableStatus(response.status)) return response;
      // Computed once: the delay checked against the policy is the one slept.
      const delay = this.#delay(attempt, response.headers["retry-after"]);
      if (delay === undefined) return response;
      await discard(response);
      await this.#wait(request, delay);
    }
  }

  /** Releases every connection. */
  async close(): Promise<void> {
    await Promise.all([...this.#dispatchers.values()].map((d) => d.close()));
    this.#dispatchers.clear();
  }

  async #follow(request: HttpRequest): Promise<HttpResponse> {
    let current = request;
    for (let hop = 0; ; hop++) {
      const response = await this.#once(current);
      const location = response.headers["location"];
      if (!redirectStatuses.has(response.status) || location === undefined || hop >= maxRedirects) {
        return response;
      }
      await response.body.dump();
      current = redirected(current, response.status, new URL(location, current.url));
    }
  }

  async #once(request: HttpRequest): Promise<HttpResponse> {
    const host = request.url.host;
    this.stats.request(host);
    const body = this.#counted(request);
    const timeout = this.#options.timeoutMs ?? 30_000;
    const data = await this.#dispatcher(request.url)
      .compose(bodyErrors(request.method, request.url))
      .request({
        origin: request.url.origin,
        path: request.url.pathname + request.url.search,
        method: request.method,
        headers: { "user-agent": "imagestream-gitops", ...request.headers },
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(body === undefined
          ? {}
          : { body: body as Dispatcher.DispatchOptions["body"] & object }),
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
    const headers = flatten(data.headers);
    this.stats.response(host, request.method, headers);
    return { status: data.statusCode, headers, body: data.body, url: request.url };
  }

  /** The body to send, its bytes counted: bytes at once, a stream as the request reads it. */
  #counted(request: HttpRequest): HttpRequest["body"] {
    const { body } = request;
    const host = request.url.host;
    if (body === undefined) return undefined;
    if (body instanceof Uint8Array) {
      this.stats.sent(host, body.length);
      return body;
    }
    return counted(body, (size) => {
      this.stats.sent(host, size);
    });
  }

  /** One keep-alive pool per origin, with its host's TLS settings, through its proxy if any. */
  #dispatcher(url: URL): Dispatcher {
    const existing = this.#dispatchers.get(url.origin);
    if (existing !== undefined) return existing;
    const settings = this.#options.hostSettings(url.host);
    // A host's CA is parsed into a secure context once, here: given as `ca`,
    // Node would parse the ~140 roots again on every connection, and undici
    // opens one per manifest HEAD (it does not reuse a socket after a HEAD).
    const tls = {
      rejectUnauthorized: !settings.insecure,
      ...(settings.ca === undefined
        ? {}
        : { secureContext: createSecureContext({ ca: [...rootCertificates, settings.ca] }) }),
    };
    const pool = { keepAliveTimeout: 30_000 };
    const proxy = proxyFor(url, this.#options.proxy ?? {});
    const dispatcher =
      proxy === undefined
        ? new Agent({ ...pool, connect: tls })
        : // Plain HTTP goes to the proxy in absolute form and HTTPS through a CONNECT
          // tunnel, as Go's transport does: many proxies allow CONNECT to 443 only.
          new ProxyAgent({
            ...pool,
            uri: proxy.toString(),
            requestTls: tls,
            proxyTunnel: url.protocol === "https:",
          });
    this.#dispatchers.set(url.origin, dispatcher);
    return dispatcher;
  }

  #delay(attempt: number, retryAfter: string | undefined): number | undefined {
    const now = this.#options.now?.() ?? Date.now();
    return retryDelay(this.#retry, attempt, retryAfter, now, this.#options.random ?? Math.random);
  }

  async #wait(request: HttpRequest, ms: number): Promise<void> {
    this.stats.retry(request.url.host);
    const sleep = this.#options.sleep ?? defaultSleep;
    await sleep(ms, request.signal);
  }

  #failed(request: HttpRequest, err: unknown, attempts: number): RegistryError {
    // A body that broke off is typed already (body-errors.ts), naming the request.
    if (err instanceof RegistryError) return err;
    const tried = attempts > 1 ? ` (gave up after ${String(attempts)} attempts)` : "";
    return new RegistryError(
      describeConnectionError(err, request.url) + tried,
      {
        method: request.method,
        url: request.url.toString(),
        transient: isRetriableError(err),
      },
      { cause: err },
    );
  }
}

/**
 * `body` passed on as the request reads it, its bytes counted on the way;
 * an error on either side ends both.
 */
function counted(body: NodeJS.ReadableStream, count: (size: number) => void): Transform {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      count(chunk.length);
      callback(null, chunk);
    },
  });
  pipeline(body, counter, () => undefined);
  return counter;
}

/** The request to send after a redirect: GET for 303, and no Authorization across origins. */
function redirected(request: HttpRequest, status: number, target: URL): HttpRequest {
  const headers = { ...request.headers };
  if (target.origin !== request.url.origin) delete headers["authorization"];
  if (status === 303) return { method: "GET", url: target, headers, ...signalOf(request) };
  return { ...request, url: target, headers };
}

function signalOf(request: HttpRequest): { signal?: AbortSignal } {
  return request.signal === undefined ? {} : { signal: request.signal };
}

function flatten(headers: Dispatcher.ResponseData["headers"]): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** A connection failure in words; a plain-HTTP registry met over TLS gets OpenShift's message. */
export function describeConnectionError(err: unknown, url: URL): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (
    url.protocol === "https:" &&
    /wrong version number|packet length too long|EPROTO/i.test(`${String(code)} ${message}`)
  ) {
    return `the registry ${url.host} is HTTP only and requires the insecure flag`;
  }
  if (
    code === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
    code === "SELF_SIGNED_CERT_IN_CHAIN" ||
    code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ||
    code === "ERR_TLS_CERT_ALTNAME_INVALID"
  ) {
    return `TLS certificate of ${url.host} is not trusted (${code}): give its CA with the registry's ca setting, or mark it insecure`;
  }
  return typeof code === "string" ? `${code}: ${message}` : message;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
      },
      { once: true },
    );
  });
}
