/**
 * What every registry operation shares: one /v2/ ping per host settles the
 * scheme (HTTPS, or plain HTTP for an insecure host that does not speak TLS,
 * N1) and learns the challenge, so a token is fetched once per repository
 * scope before the first request; a concurrency limit per host; what a host
 * taught about uploads (it wants blobs in chunks); and requests sent with
 * the cached authorization, answering one 401 and trying again.
 */
import { Authenticator, type CredentialSource } from "./auth.ts";
import { parseChallenges, type Challenge } from "./challenge.ts";
import { RegistryError } from "./errors.ts";
import { Limiter } from "./limiter.ts";
import type {
  BufferedResponse,
  HostSettings,
  HttpRequest,
  HttpResponse,
  Transport,
} from "./transport.ts";

/** Settings of one registry host, as the client uses them. */
export interface ClientHostSettings extends HostSettings {
  /** Requests in flight at once to this host. */
  readonly concurrency: number;
}

/** What a session is built from. */
export interface RegistrySessionOptions {
  readonly transport: Transport;
  readonly credentials: CredentialSource;
  readonly hostSettings: (host: string) => ClientHostSettings;
}

/** A repository on a registry host, and how to name it in messages. */
export interface RepositoryTarget {
  /** The API host (`registry-1.docker.io` for Docker Hub). */
  readonly host: string;
  readonly repository: string;
  /** As the user wrote it, with the familiar domain (`docker.io/library/busybox`). */
  readonly display: string;
}

/** One request inside a session; the path is resolved against the host's origin. */
export interface SessionRequest {
  readonly method: HttpRequest["method"];
  /** A path (`/v2/...`) or, for upload locations, an absolute URL. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: HttpRequest["body"];
}

interface Endpoint {
  readonly origin: string;
  readonly challenges: readonly Challenge[];
}

/** Endpoints, authorization and concurrency limits of any number of registries. */
export class RegistrySession {
  readonly transport: Transport;
  readonly #options: RegistrySessionOptions;
  readonly #auth: Authenticator;
  readonly #endpoints = new Map<string, Promise<Endpoint>>();
  readonly #limiters = new Map<string, Limiter>();
  readonly #uploadChunkSizes = new Map<string, number>();

  constructor(options: RegistrySessionOptions) {
    this.#options = options;
    this.transport = options.transport;
    this.#auth = new Authenticator(
      options.transport,
      options.credentials,
      (host) => options.hostSettings(host).insecure,
    );
  }

  /**
   * Sends `request` to `target`'s host with a token for `scopes` (for example
   * `repository:NAME:pull`; a cross-repository mount adds the source's pull
   * scope). Answers one 401 with the challenge it carries and sends again.
   */
  send(
    target: RepositoryTarget,
    scopes: readonly string[],
    request: SessionRequest,
  ): Promise<HttpResponse> {
    return this.#authorized(
      target,
      scopes,
      request,
      (r) => this.transport.send(r),
      (response) => response.body.dump(),
    );
  }

  /**
   * As {@link send}, reading the whole body (at most `limit` bytes) inside
   * the transport's retries, so a body cut off mid-way is fetched again.
   * For manifests, tag lists and other small documents, never blobs.
   */
  read(
    target: RepositoryTarget,
    scopes: readonly string[],
    request: SessionRequest,
    limit: number,
  ): Promise<BufferedResponse> {
    return this.#authorized(
      target,
      scopes,
      request,
      (r) => this.transport.read(r, limit),
      () => Promise.resolve(),
    );
  }

  async #authorized<R extends Pick<HttpResponse, "status" | "headers" | "url">>(
    target: RepositoryTarget,
    scopes: readonly string[],
    request: SessionRequest,
    exchange: (request: HttpRequest) => Promise<R>,
    discard: (response: R) => Promise<void>,
  ): Promise<R> {
    const endpoint = await this.endpoint(target.host);
    const scope = scopes.join(" ");
    const url = new URL(request.path, endpoint.origin);
    let auth = this.#auth.cached(target.host, scope);
    if (auth === undefined && endpoint.challenges.length > 0) {
      auth = await this.#auth.answer(target.host, scope, endpoint.challenges);
    }
    const send = (authorization: string | undefined): Promise<R> =>
      exchange({
        method: request.method,
        url,
        headers: {
          ...request.headers,
          // An absolute upload Location may name another origin; never send credentials there.
          ...(authorization === undefined || url.origin !== endpoint.origin
            ? {}
            : { authorization }),
        },
        ...(request.body === undefined ? {} : { body: request.body }),
      });
    const response = await send(auth);
    // Only the registry's own challenge is answered: a 401 from a storage
    // origin or CDN must not get a token (or credentials) fetched for it.
    if (
      response.status !== 401 ||
      url.origin !== endpoint.origin ||
      response.url.origin !== endpoint.origin
    )
      return response;
    const challenges = parseChallenges(response.headers["www-authenticate"] ?? "");
    const retryAuth =
      challenges.length === 0 ? undefined : await this.#auth.answer(target.host, scope, challenges);
    const replayable = request.body === undefined || request.body instanceof Uint8Array;
    if (retryAuth === undefined || retryAuth === auth || !replayable) return response;
    await discard(response);
    return send(retryAuth);
  }

  /** Runs `task` within `host`'s concurrency limit. */
  limited<T>(host: string, task: () => Promise<T>): Promise<T> {
    let limiter = this.#limiters.get(host);
    if (limiter === undefined) {
      limiter = new Limiter(this.#options.hostSettings(host).concurrency);
      this.#limiters.set(host, limiter);
    }
    return limiter.run(task);
  }

  /**
   * The chunk size blob uploads to `host` use since it refused a blob sent
   * whole (see {@link rememberUploadChunkSize}); undefined while it takes
   * blobs whole.
   */
  uploadChunkSize(host: string): number | undefined {
    return this.#uploadChunkSizes.get(host);
  }

  /** Remembers that `host` takes blobs in chunks of `size` bytes, for the rest of the session. */
  rememberUploadChunkSize(host: string, size: number): void {
    this.#uploadChunkSizes.set(host, size);
  }

  /** The origin `host` is reached at (after the ping), for URLs in messages. */
  async origin(host: string): Promise<string> {
    return (await this.endpoint(host)).origin;
  }

  /** The host's origin and challenge, from one /v2/ ping per host (N1: HTTPS, then HTTP if insecure). */
  endpoint(host: string): Promise<Endpoint> {
    let endpoint = this.#endpoints.get(host);
    if (endpoint === undefined) {
      endpoint = this.#ping(host);
      this.#endpoints.set(host, endpoint);
      endpoint.catch(() => this.#endpoints.delete(host));
    }
    return endpoint;
  }

  async #ping(host: string): Promise<Endpoint> {
    const settings = this.#options.hostSettings(host);
    try {
      return await this.#pingAt(`https://${host}`);
    } catch (err) {
      if (!settings.insecure || !(err instanceof RegistryError) || err.status !== undefined)
        throw err;
      return this.#pingAt(`http://${host}`);
    }
  }

  async #pingAt(origin: string): Promise<Endpoint> {
    const url = new URL("/v2/", origin);
    const response = await this.transport.send({ method: "GET", url });
    await response.body.dump();
    if (response.status === 200 || response.status === 401 || response.status === 403) {
      return { origin, challenges: parseChallenges(response.headers["www-authenticate"] ?? "") };
    }
    throw new RegistryError(
      `endpoint does not support the v2 registry API (got ${String(response.status)})`,
      {
        method: "GET",
        url: url.toString(),
        status: response.status,
        transient: response.status >= 500,
      },
    );
  }
}
