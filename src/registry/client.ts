/**
 * The registry client: resolve a reference to a digest, fetch manifests, list
 * tags. One /v2/ ping per host settles the scheme (HTTPS, or plain HTTP for
 * an insecure host that does not speak TLS, N1) and learns the challenge, so
 * a token is fetched once per repository scope before the first request.
 * Every operation runs inside the host's concurrency limit.
 */
import { registryApiHost, type Reference } from "../reference/index.ts";
import { Authenticator, type CredentialSource } from "./auth.ts";
import { maxManifestBytes, readLimited, sha256Digest } from "./body.ts";
import { parseChallenges, type Challenge } from "./challenge.ts";
import {
  DigestMismatchError,
  RegistryError,
  UnsupportedManifestError,
  type OciError,
} from "./errors.ts";
import { Limiter } from "./limiter.ts";
import {
  indexManifests,
  selectPlatform,
  formatPlatform,
  type Descriptor,
  type Platform,
} from "./manifest.ts";
import { isSchema1, manifestAccept } from "./media-types.ts";
import type { HostSettings, HttpRequest, HttpResponse, Transport } from "./transport.ts";

/** Settings of one registry host, as the client uses them. */
export interface ClientHostSettings extends HostSettings {
  /** Requests in flight at once to this host. */
  readonly concurrency: number;
}

/** What the client is built from. */
export interface RegistryClientOptions {
  readonly transport: Transport;
  readonly credentials: CredentialSource;
  readonly hostSettings: (host: string) => ClientHostSettings;
}

/** A fetched manifest: the bytes served, their digest and media type. */
export interface Manifest {
  readonly descriptor: Descriptor;
  readonly bytes: Buffer;
  readonly json: unknown;
}

interface Endpoint {
  readonly origin: string;
  readonly challenges: readonly Challenge[];
}

/** Where a reference's repository lives. */
interface Target {
  readonly host: string;
  readonly repository: string;
  /** The tag or digest to ask for. */
  readonly reference: string;
  readonly display: string;
}

/** Talks the OCI distribution API to any number of registries. */
export class RegistryClient {
  readonly #options: RegistryClientOptions;
  readonly #auth: Authenticator;
  readonly #endpoints = new Map<string, Promise<Endpoint>>();
  readonly #limiters = new Map<string, Limiter>();

  constructor(options: RegistryClientOptions) {
    this.#options = options;
    this.#auth = new Authenticator(options.transport, options.credentials);
  }

  /**
   * The digest, media type and size `ref` (normalised: with a domain) points
   * at, by HEAD where the registry gives the digest. With `platform`, an
   * index is read and the matching platform's manifest is returned.
   */
  async resolve(ref: Reference, platform?: Platform): Promise<Descriptor> {
    const target = targetOf(ref);
    if (platform !== undefined) return this.#resolvePlatform(target, ref, platform);
    return this.#limited(target.host, async () => {
      const response = await this.#manifestRequest("HEAD", target);
      const digest = response.headers["docker-content-digest"];
      const mediaType = response.headers["content-type"]?.split(";")[0]?.trim();
      await response.body.dump();
      if (digest === undefined || mediaType === undefined)
        return (await this.#getManifest(target, ref)).descriptor;
      checkSupported(target, mediaType);
      if (ref.digest !== undefined && digest !== ref.digest) {
        throw new DigestMismatchError(`manifest ${target.display}`, ref.digest, digest, 0);
      }
      return { digest, mediaType, size: Number(response.headers["content-length"] ?? 0) };
    });
  }

  /** The manifest `ref` points at, verified against the digest asked for and the one announced. */
  async getManifest(ref: Reference): Promise<Manifest> {
    const target = targetOf(ref);
    return this.#limited(target.host, () => this.#getManifest(target, ref));
  }

  /**
   * Every tag of `ref`'s repository, asking `pageSize` at a time and following
   * Link pagination (distribution 2.8 ignores n= and answers in one page).
   */
  async listTags(ref: Reference, pageSize = 1000): Promise<string[]> {
    const target = targetOf(ref);
    return this.#limited(target.host, async () => {
      const tags: string[] = [];
      let path: string | undefined = `/v2/${target.repository}/tags/list?n=${String(pageSize)}`;
      for (let page = 0; path !== undefined && page < 10_000; page++) {
        const response = await this.#send(target, "pull", { method: "GET", path });
        if (response.status !== 200) throw await failure(response, "GET", target);
        const body = JSON.parse(
          (await readLimited(response, 16 * 1024 * 1024)).toString("utf8"),
        ) as { tags?: unknown };
        if (Array.isArray(body.tags))
          tags.push(...body.tags.filter((t): t is string => typeof t === "string"));
        path = nextPage(response.headers["link"]);
      }
      return tags;
    });
  }

  /** Releases connections. */
  async close(): Promise<void> {
    await this.#options.transport.close();
  }

  async #resolvePlatform(target: Target, ref: Reference, platform: Platform): Promise<Descriptor> {
    const manifest = await this.getManifest(ref);
    const manifests = indexManifests(manifest.descriptor.mediaType, manifest.json);
    if (manifests.length === 0) return manifest.descriptor;
    const chosen = selectPlatform(manifests, platform);
    if (chosen !== undefined) return chosen;
    const offered = manifests
      .map((m) => (m.platform === undefined ? "?" : formatPlatform(m.platform)))
      .join(", ");
    throw new RegistryError(
      `no manifest for platform ${formatPlatform(platform)} (the index has ${offered})`,
      {
        method: "GET",
        url: `${(await this.#endpoint(target.host)).origin}/v2/${target.repository}/manifests/${target.reference}`,
        transient: false,
      },
    );
  }

  async #getManifest(target: Target, ref: Reference): Promise<Manifest> {
    const response = await this.#manifestRequest("GET", target);
    const mediaType = response.headers["content-type"]?.split(";")[0]?.trim() ?? "";
    const announced = response.headers["docker-content-digest"];
    const bytes = await readLimited(response, maxManifestBytes);
    const digest = sha256Digest(bytes);
    for (const want of [ref.digest, announced]) {
      if (want !== undefined && want.startsWith("sha256:") && want !== digest) {
        throw new DigestMismatchError(`manifest ${target.display}`, want, digest, bytes.length);
      }
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString("utf8"));
    } catch {
      throw new UnsupportedManifestError(target.display, mediaType, "the manifest is not JSON");
    }
    checkSupported(target, mediaType);
    return { descriptor: { digest, mediaType, size: bytes.length }, bytes, json };
  }

  async #manifestRequest(method: "GET" | "HEAD", target: Target): Promise<HttpResponse> {
    const path = `/v2/${target.repository}/manifests/${target.reference}`;
    const response = await this.#send(target, "pull", {
      method,
      path,
      headers: { accept: manifestAccept },
    });
    if (response.status === 200) return response;
    throw await failure(response, method, target);
  }

  /** Sends with the cached or pre-fetched authorization; answers one 401 and tries again. */
  async #send(
    target: Target,
    actions: string,
    request: { method: HttpRequest["method"]; path: string; headers?: Record<string, string> },
  ): Promise<HttpResponse> {
    const endpoint = await this.#endpoint(target.host);
    const scope = `repository:${target.repository}:${actions}`;
    const url = new URL(request.path, endpoint.origin);
    let auth = this.#auth.cached(target.host, scope);
    if (auth === undefined && endpoint.challenges.length > 0) {
      auth = await this.#auth.answer(target.host, scope, endpoint.challenges);
    }
    const send = (authorization: string | undefined): Promise<HttpResponse> =>
      this.#options.transport.send({
        method: request.method,
        url,
        headers: { ...request.headers, ...(authorization === undefined ? {} : { authorization }) },
      });
    const response = await send(auth);
    if (response.status !== 401) return response;
    const challenges = parseChallenges(response.headers["www-authenticate"] ?? "");
    const retryAuth =
      challenges.length === 0 ? undefined : await this.#auth.answer(target.host, scope, challenges);
    if (retryAuth === undefined || retryAuth === auth) return response;
    await response.body.dump();
    return send(retryAuth);
  }

  /** The host's origin and challenge, from one /v2/ ping per host (N1: HTTPS, then HTTP if insecure). */
  #endpoint(host: string): Promise<Endpoint> {
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
    const response = await this.#options.transport.send({ method: "GET", url });
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

  #limited<T>(host: string, task: () => Promise<T>): Promise<T> {
    let limiter = this.#limiters.get(host);
    if (limiter === undefined) {
      limiter = new Limiter(this.#options.hostSettings(host).concurrency);
      this.#limiters.set(host, limiter);
    }
    return limiter.run(task);
  }
}

function targetOf(ref: Reference): Target {
  const domain = ref.domain ?? "docker.io";
  const reference = ref.digest ?? ref.tag ?? "latest";
  const separator = ref.digest === undefined ? ":" : "@";
  return {
    host: registryApiHost(domain),
    repository: ref.path,
    reference,
    display: `${domain}/${ref.path}${separator}${reference}`,
  };
}

function checkSupported(target: Target, mediaType: string): void {
  if (isSchema1(mediaType)) {
    throw new UnsupportedManifestError(
      target.display,
      mediaType,
      "Docker schema 1 is not supported; re-push the image with a current client (docker push, skopeo copy) to get a schema 2 or OCI manifest",
    );
  }
}

/** A RegistryError for an unexpected response, with the registry's OCI error codes. */
async function failure(
  response: HttpResponse,
  method: string,
  target: Target,
): Promise<RegistryError> {
  let ociErrors: OciError[] = [];
  if (method !== "HEAD") {
    try {
      const body = JSON.parse((await readLimited(response, 64 * 1024)).toString("utf8")) as {
        errors?: unknown;
      };
      if (Array.isArray(body.errors))
        ociErrors = body.errors.filter(
          (e): e is OciError => typeof (e as OciError | null)?.code === "string",
        );
    } catch {
      // Not an OCI error body; the status says enough.
    }
  } else {
    await response.body.dump();
  }
  const reasons: Record<number, string> = {
    401: `unauthorized: no access to ${target.display} with the credentials found`,
    403: `forbidden: ${target.display}`,
    404: `${target.display} not found`,
    429: "too many requests: the registry's rate limit was reached",
  };
  const status = response.status;
  return new RegistryError(reasons[status] ?? `unexpected status for ${target.display}`, {
    method,
    url: response.url.toString(),
    status,
    ociErrors,
    transient: status === 429 || status >= 500,
  });
}

/** The path of the next page from an RFC 5988 Link header (`<...>; rel="next"`). */
export function nextPage(link: string | undefined): string | undefined {
  const match = link === undefined ? null : /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  if (match?.[1] === undefined) return undefined;
  const url = new URL(match[1], "http://placeholder");
  return url.pathname + url.search;
}
