/**
 * Registry authentication (distribution's token spec, SEMANTICS §9.3–9.4):
 * anonymous first, then whatever the challenge asks for. Basic sends the
 * registry's credentials; Bearer fetches a token from the realm (GET with
 * Basic and account=, or POST grant_type=refresh_token with an identity
 * token) and caches it per host and scope until it expires. Credentials go
 * to the registry and to its realm only; for a realm on another host
 * (delegated authentication) the realm host's own credentials are used when
 * the store has some, else the registry's, as Docker and OpenShift do (B5).
 * A realm is trusted with credentials over HTTPS, or over plain HTTP only
 * when its host is insecure by policy (`--insecure`, the config's
 * `insecure`, an ImageStream's insecure import): an HTTPS registry cannot
 * send its credentials in clear text by naming an `http://` realm.
 */
import type { Challenge } from "./challenge.ts";
import { RegistryError } from "./errors.ts";
import type { HttpResponse, Transport } from "./transport.ts";

/** Credentials for a host, as the credential store gives them. */
export interface Credential {
  readonly username?: string;
  readonly password?: string;
  /** An OAuth refresh token (Docker's identitytoken). */
  readonly identityToken?: string;
}

/** Where credentials come from (the credential store satisfies it). */
export interface CredentialSource {
  lookup(host: string, repository?: string): Promise<Credential | undefined>;
}

/** A cached Authorization value and when it stops being valid. */
interface CachedAuth {
  readonly header: string;
  readonly expires: number;
}

/** Minimum token lifetime the spec allows (B4), and the margin before expiry. */
const minimumLifetimeMs = 60_000;
const expiryMarginMs = 10_000;

/** Authorization headers for registry requests, per host and scope. */
export class Authenticator {
  readonly #transport: Transport;
  readonly #credentials: CredentialSource;
  readonly #insecure: (host: string) => boolean;
  readonly #now: () => number;
  readonly #cache = new Map<string, CachedAuth>();
  readonly #pending = new Map<string, Promise<CachedAuth | undefined>>();

  /** `insecure` says which hosts policy lets credentials reach over plain HTTP. */
  constructor(
    transport: Transport,
    credentials: CredentialSource,
    insecure: (host: string) => boolean = () => false,
    now: () => number = Date.now,
  ) {
    this.#transport = transport;
    this.#credentials = credentials;
    this.#insecure = insecure;
    this.#now = now;
  }

  /** The cached Authorization header for `host` and `scope`, if there is a valid one. */
  cached(host: string, scope: string): string | undefined {
    const entry = this.#cache.get(`${host} ${scope}`);
    return entry !== undefined && entry.expires > this.#now() ? entry.header : undefined;
  }

  /**
   * Answers `challenges` (from a 401 or the /v2/ ping) for `scope`; returns
   * the header to retry with, or undefined when there is nothing to send.
   * Concurrent callers for one host and scope share a single token request.
   */
  async answer(
    host: string,
    scope: string,
    challenges: readonly Challenge[],
  ): Promise<string | undefined> {
    const key = `${host} ${scope}`;
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      pending = this.#obtain(host, scope, challenges).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    const auth = await pending;
    if (auth !== undefined) this.#cache.set(key, auth);
    return auth?.header;
  }

  async #obtain(
    host: string,
    scope: string,
    challenges: readonly Challenge[],
  ): Promise<CachedAuth | undefined> {
    const bearer = challenges.find((c) => c.scheme === "bearer");
    if (bearer !== undefined) return this.#token(host, scope, bearer);
    if (challenges.some((c) => c.scheme === "basic")) {
      const credential = await this.#credentials.lookup(host, repositoryOf(scope));
      if (credential?.username === undefined || credential.password === undefined) return undefined;
      const encoded = Buffer.from(`${credential.username}:${credential.password}`).toString(
        "base64",
      );
      return { header: `Basic ${encoded}`, expires: Infinity };
    }
    return undefined;
  }

  async #token(host: string, scope: string, challenge: Challenge): Promise<CachedAuth> {
    const realm = challenge.params["realm"];
    if (realm === undefined) {
      throw new RegistryError("bearer challenge without a realm", {
        method: "GET",
        url: `https://${host}/v2/`,
        transient: false,
      });
    }
    const realmUrl = new URL(realm);
    const service = challenge.params["service"];
    // Some registries challenge without a scope; the operation's own scope is what is needed.
    const scopes = scope === "" ? (challenge.params["scope"]?.split(" ") ?? []) : scope.split(" ");
    const credential =
      (realmUrl.host !== host ? await this.#credentials.lookup(realmUrl.host) : undefined) ??
      (await this.#credentials.lookup(host, repositoryOf(scope)));
    if (
      credential !== undefined &&
      realmUrl.protocol !== "https:" &&
      !this.#insecure(realmUrl.host)
    ) {
      // Refused rather than asked anonymously: a token without the user's access would fail later, less clearly.
      throw new RegistryError(
        `the token realm of ${host} is plain HTTP: credentials are sent there only when ${realmUrl.host} is marked insecure`,
        { method: "GET", url: realmUrl.toString(), transient: false },
      );
    }
    const started = this.#now();
    let response =
      credential?.identityToken !== undefined
        ? await this.#refresh(realmUrl, service, scopes, credential.identityToken)
        : await this.#fetch(realmUrl, service, scopes, credential);
    let text = await response.body.text();
    if (
      response.status === 401 &&
      credential?.identityToken === undefined &&
      credential?.username !== undefined &&
      /incorrect username or password/i.test(text)
    ) {
      // A stale secret must not block images anyone may pull: OpenShift retries
      // such an import once without credentials (scenario 15); other 401s are final.
      response = await this.#fetch(realmUrl, service, scopes, undefined);
      text = await response.body.text();
    }
    return parseTokenResponse(response.status, text, realmUrl, started);
  }

  async #fetch(
    realm: URL,
    service: string | undefined,
    scopes: readonly string[],
    credential: Credential | undefined,
  ): Promise<HttpResponse> {
    const url = new URL(realm);
    if (service !== undefined) url.searchParams.set("service", service);
    for (const s of scopes) url.searchParams.append("scope", s);
    const headers: Record<string, string> = {};
    if (credential?.username !== undefined && credential.password !== undefined) {
      url.searchParams.set("account", credential.username);
      headers["authorization"] =
        `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
    }
    return this.#transport.send({ method: "GET", url, headers });
  }

  async #refresh(
    realm: URL,
    service: string | undefined,
    scopes: readonly string[],
    refreshToken: string,
  ): Promise<HttpResponse> {
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: "imagestream-gitops",
    });
    if (service !== undefined) form.set("service", service);
    if (scopes.length > 0) form.set("scope", scopes.join(" "));
    return this.#transport.send({
      method: "POST",
      url: realm,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: Buffer.from(form.toString()),
    });
  }
}

/** The token in a realm's answer, with its expiry (B4: token or access_token; at least 60 s). */
function parseTokenResponse(status: number, text: string, realm: URL, started: number): CachedAuth {
  const fail = (reason: string): RegistryError =>
    new RegistryError(reason, {
      method: "GET",
      url: realm.toString(),
      status,
      transient: status >= 500 || status === 429,
    });
  if (status !== 200)
    throw fail(
      status === 401 ? "the token server refused the credentials" : "token request failed",
    );
  let body: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw fail("the token server's answer is not JSON");
  }
  const token =
    typeof body.access_token === "string" && body.access_token !== ""
      ? body.access_token
      : body.token;
  if (typeof token !== "string" || token === "")
    throw fail("authorization server did not include a token in the response");
  const lifetime = Math.max(
    minimumLifetimeMs,
    (typeof body.expires_in === "number" ? body.expires_in : 60) * 1000,
  );
  const issued = typeof body.issued_at === "string" ? Date.parse(body.issued_at) : NaN;
  const from = Number.isNaN(issued) ? started : Math.min(issued, started);
  return { header: `Bearer ${token}`, expires: from + lifetime - expiryMarginMs };
}

/** The repository a scope names (`repository:NAME:pull` → NAME), for per-repository credentials. */
function repositoryOf(scope: string): string | undefined {
  return /^repository:([^: ]+):/.exec(scope)?.[1];
}
