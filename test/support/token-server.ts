/**
 * A Docker token authentication server (delegated auth, as Docker Hub and
 * Quay serve it) on 127.0.0.1 with a random port, following
 * https://distribution.github.io/distribution/spec/auth/token/ and its OAuth2
 * variant (`POST /token`). It issues JWTs that distribution accepts with
 * `auth.token.rootcertbundle` set to the signing certificate, and records
 * every request for the tests to assert on.
 */
import {
  X509Certificate,
  createPrivateKey,
  randomBytes,
  randomUUID,
  sign,
  timingSafeEqual,
  type KeyObject,
} from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import https from "node:https";
import type { TestContext } from "node:test";

/** A requested or granted access: `repository:NAME:pull,push` split up. */
export interface Access {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

/** Which of `scope.actions` to grant `user` (undefined when anonymous). */
export type Grant = (user: string | undefined, scope: Access) => readonly string[];

/** Options of {@link startTokenServer}. */
export interface TokenServerOptions {
  /** Accounts: user name → password. */
  readonly users: Readonly<Record<string, string>>;
  /** The `iss` claim; the registry's `auth.token.issuer`. */
  readonly issuer: string;
  /** The `aud` claim; requests naming another service are refused. */
  readonly service: string;
  /** The RSA (RS256) or P-256 (ES256) private key that signs tokens. */
  readonly signingKeyPem: string;
  /** Its certificate, sent in the JWT header's `x5c`. */
  readonly signingCertPem: string;
  /**
   * The access policy. Default: `pull` on everything for authenticated
   * users, nothing for anonymous ones.
   */
  readonly grant?: Grant;
  /** Token lifetime in seconds (default 300). */
  readonly expiresIn?: number;
  /**
   * What a wrong password is told (default distribution's "invalid username
   * or password"; Docker Hub says "incorrect username or password").
   */
  readonly wrongPasswordMessage?: string;
  /** Refresh tokens (Docker's identitytoken) valid from the start: token → user name. */
  readonly refreshTokens?: Readonly<Record<string, string>>;
  /** Serve HTTPS with this key and certificate (default: plain HTTP). */
  readonly tls?: { readonly keyPem: string; readonly certPem: string };
}

/** One request the token server answered: what it asked for (see Ask), and the answer. */
export interface TokenRequest extends Omit<Ask, "refusal" | "offline"> {
  readonly method: string;
  readonly path: string;
  /** The response status. */
  readonly status: number;
  /** What the issued token grants (empty when none was issued). */
  readonly granted: readonly Access[];
}

/** A running token server. */
export interface TokenServer {
  /** `http(s)://127.0.0.1:PORT`. */
  readonly url: string;
  /** `URL/token`, the registry's `auth.token.realm`. */
  readonly realm: string;
  readonly host: string;
  /** Every request answered, in order. */
  readonly requests: TokenRequest[];
  /** Every token and refresh token issued, in order: secrets for the tests to look for. */
  readonly issued: string[];
  /** While set, every request is answered with this status (an outage) instead. */
  outage: number | undefined;
  stop(): Promise<void>;
}

/** The default policy: pull for authenticated users, nothing for anonymous. */
const pullForUsers: Grant = (user, scope) =>
  user === undefined ? [] : scope.actions.filter((a) => a === "pull");

/** Parses `type:name:actions` (the name may hold colons, e.g. a port). */
export function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  if (first <= 0 || last === first) return undefined;
  const actions = scope.slice(last + 1).split(",");
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

/** Unpadded base64url. */
function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

/** Signs a JWT with `key`, naming `certPem` in the header's `x5c`. */
function signJwt(key: KeyObject, certPem: string, claims: object): string {
  const rsa = key.asymmetricKeyType === "rsa";
  const header = {
    alg: rsa ? "RS256" : "ES256",
    typ: "JWT",
    x5c: [new X509Certificate(certPem).raw.toString("base64")],
  };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
  return `${input}.${base64url(signature)}`;
}

/** Compares secrets in constant time. */
function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The user and password of an `Authorization: Basic` header. */
function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return { user: decoded, password: "" };
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Reads a request body (small forms only). */
async function readBody(req: http.IncomingMessage): Promise<string> {
  let body = "";
  req.setEncoding("utf8");
  for await (const chunk of req) {
    body += chunk as string;
    if (body.length > 65_536) throw new Error("body too large");
  }
  return body;
}

/** What one request asks for, whether GET query or POST form. */
interface Ask {
  /** The `service` parameter. */
  readonly service: string | undefined;
  /** The `scope` parameters as sent (POST's space-separated list split up). */
  readonly scopes: readonly string[];
  /** The `account` parameter (GET). */
  readonly account: string | undefined;
  /** Whether an `Authorization: Basic` header was sent. */
  readonly basicAuth: boolean;
  /** The user named by Basic auth, the `username` form field, or a refresh token. */
  readonly user: string | undefined;
  /** Whether the user's credentials were valid. */
  readonly authenticated: boolean;
  /** POST only: `grant_type` and `client_id`. */
  readonly grantType: string | undefined;
  readonly clientId: string | undefined;
  /** Set when the request is refused before any token: status and message. */
  readonly refusal?: { readonly status: number; readonly code: string; readonly message: string };
  readonly offline: boolean;
}

/** A response: status and JSON body. */
interface Reply {
  readonly status: number;
  readonly body: object;
  readonly granted: readonly Access[];
}

/** Issues tokens for one server's options. */
class Issuer {
  readonly #options: TokenServerOptions;
  readonly #key: KeyObject;
  readonly #refreshTokens: Map<string, string>;
  readonly issued: string[] = [];

  constructor(options: TokenServerOptions) {
    this.#options = options;
    this.#key = createPrivateKey(options.signingKeyPem);
    this.#refreshTokens = new Map(Object.entries(options.refreshTokens ?? {}));
  }

  /** Whether `password` is `user`'s. */
  checkPassword(user: string, password: string): boolean {
    const expected = this.#options.users[user];
    return expected !== undefined && sameSecret(expected, password);
  }

  /** The user a refresh token was issued to. */
  refreshTokenUser(token: string): string | undefined {
    return this.#refreshTokens.get(token);
  }

  /** What the policy grants `user` of `scopes`, merged per resource. */
  grantAll(user: string | undefined, scopes: readonly string[]): Access[] {
    const grant = this.#options.grant ?? pullForUsers;
    const granted = new Map<string, Access>();
    for (const scope of scopes.map(parseScope)) {
      if (scope === undefined) continue;
      const key = `${scope.type}:${scope.name}`;
      const before = granted.get(key)?.actions ?? [];
      const actions = grant(user, scope).filter((a) => scope.actions.includes(a));
      const merged = [...before, ...actions.filter((a) => !before.includes(a))];
      if (merged.length > 0)
        granted.set(key, { type: scope.type, name: scope.name, actions: merged });
    }
    return [...granted.values()];
  }

  /** Issues a token for `ask`; OAuth2 form when `oauth`. */
  issue(ask: Ask, oauth: boolean): Reply {
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = this.#options.expiresIn ?? 300;
    const user = ask.authenticated ? ask.user : undefined;
    const granted = this.grantAll(user, ask.scopes);
    const claims = {
      iss: this.#options.issuer,
      sub: user ?? "",
      aud: this.#options.service,
      exp: now + expiresIn,
      nbf: now,
      iat: now,
      jti: randomUUID(),
      access: granted,
    };
    const token = signJwt(this.#key, this.#options.signingCertPem, claims);
    this.issued.push(token);
    const issuedAt = new Date(now * 1000).toISOString();
    const refresh = ask.offline && user !== undefined ? { refresh_token: this.#refresh(user) } : {};
    const body = oauth
      ? {
          access_token: token,
          scope: ask.scopes.join(" "),
          expires_in: expiresIn,
          issued_at: issuedAt,
        }
      : { token, access_token: token, expires_in: expiresIn, issued_at: issuedAt };
    return { status: 200, body: { ...body, ...refresh }, granted };
  }

  #refresh(user: string): string {
    const token = randomBytes(24).toString("base64url");
    this.#refreshTokens.set(token, user);
    this.issued.push(token);
    return token;
  }
}

/** Reads a GET request's query and Basic credentials. */
function askOfGet(
  req: http.IncomingMessage,
  url: URL,
  issuer: Issuer,
  wrongPasswordMessage: string,
): Ask {
  const basic = basicCredentials(req.headers.authorization);
  const authenticated = basic !== null && issuer.checkPassword(basic.user, basic.password);
  const refusal =
    basic !== null && !authenticated
      ? { status: 401, code: "UNAUTHORIZED", message: wrongPasswordMessage }
      : undefined;
  return {
    service: url.searchParams.get("service") ?? undefined,
    scopes: url.searchParams.getAll("scope"),
    account: url.searchParams.get("account") ?? undefined,
    basicAuth: basic !== null,
    user: basic?.user,
    authenticated,
    grantType: undefined,
    clientId: undefined,
    offline: url.searchParams.get("offline_token") === "true",
    ...(refusal ? { refusal } : {}),
  };
}

/** Who a POST form authenticates as, or why it is refused. */
function formUser(
  form: URLSearchParams,
  issuer: Issuer,
): { user: string | undefined; authenticated: boolean; refusal?: Ask["refusal"] } {
  const grantType = form.get("grant_type");
  if (grantType === "password") {
    const user = form.get("username") ?? undefined;
    const ok = user !== undefined && issuer.checkPassword(user, form.get("password") ?? "");
    if (ok) return { user, authenticated: true };
    const message = "invalid username or password";
    return { user, authenticated: false, refusal: { status: 401, code: "UNAUTHORIZED", message } };
  }
  if (grantType === "refresh_token") {
    const user = issuer.refreshTokenUser(form.get("refresh_token") ?? "");
    if (user !== undefined) return { user, authenticated: true };
    const message = "invalid refresh token";
    return { user, authenticated: false, refusal: { status: 401, code: "UNAUTHORIZED", message } };
  }
  const message = `unsupported grant_type ${JSON.stringify(grantType)}`;
  return {
    user: undefined,
    authenticated: false,
    refusal: { status: 400, code: "UNSUPPORTED", message },
  };
}

/** Reads a POST request's form. */
async function askOfPost(req: http.IncomingMessage, issuer: Issuer): Promise<Ask> {
  const form = new URLSearchParams(await readBody(req));
  const basicAuth = basicCredentials(req.headers.authorization) !== null;
  const clientId = form.get("client_id") ?? undefined;
  const who = formUser(form, issuer);
  const refusal =
    who.refusal ??
    (clientId === undefined
      ? { status: 400, code: "INVALID_REQUEST", message: "client_id is required" }
      : undefined);
  return {
    service: form.get("service") ?? undefined,
    scopes: (form.get("scope") ?? "").split(" ").filter((s) => s !== ""),
    account: undefined,
    basicAuth,
    user: who.user,
    authenticated: who.authenticated,
    grantType: form.get("grant_type") ?? undefined,
    clientId,
    offline: form.get("access_type") === "offline",
    ...(refusal ? { refusal } : {}),
  };
}

/** Answers one request and records it. */
async function answer(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  issuer: Issuer,
  options: TokenServerOptions,
  requests: TokenRequest[],
  outage: number | undefined,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const method = req.method ?? "";
  let reply: Reply;
  let ask: Ask | undefined;
  if (outage !== undefined) {
    reply = { status: outage, body: { errors: [{ code: "UNAVAILABLE" }] }, granted: [] };
  } else if (url.pathname !== "/token" || (method !== "GET" && method !== "POST")) {
    reply = { status: 404, body: { errors: [{ code: "NOT_FOUND" }] }, granted: [] };
  } else {
    const wrongPassword = options.wrongPasswordMessage ?? "invalid username or password";
    ask =
      method === "GET" ? askOfGet(req, url, issuer, wrongPassword) : await askOfPost(req, issuer);
    reply = decide(ask, options, method === "POST", issuer);
  }
  requests.push({
    method,
    path: url.pathname,
    service: ask?.service,
    scopes: ask?.scopes ?? [],
    account: ask?.account,
    basicAuth: ask?.basicAuth ?? false,
    user: ask?.user,
    authenticated: ask?.authenticated ?? false,
    grantType: ask?.grantType,
    clientId: ask?.clientId,
    status: reply.status,
    granted: reply.granted,
  });
  const challenge = reply.status === 401 ? { "WWW-Authenticate": 'Basic realm="isg-test"' } : {};
  res.writeHead(reply.status, { "Content-Type": "application/json", ...challenge });
  res.end(JSON.stringify(reply.body));
}

/** Refuses `ask` or issues its token. */
function decide(ask: Ask, options: TokenServerOptions, oauth: boolean, issuer: Issuer): Reply {
  const refusal =
    ask.refusal ??
    (ask.service === options.service
      ? undefined
      : {
          status: 400,
          code: "INVALID_SERVICE",
          message: `service ${JSON.stringify(ask.service ?? "")} is not ${JSON.stringify(options.service)}`,
        });
  if (refusal === undefined) return issuer.issue(ask, oauth);
  const body = oauth
    ? { error: refusal.code.toLowerCase(), error_description: refusal.message }
    : { errors: [{ code: refusal.code, message: refusal.message }] };
  return { status: refusal.status, body, granted: [] };
}

/**
 * Starts a token server on 127.0.0.1 with a random port; it is closed when
 * `t` ends. Point the registry's `auth.token.realm` at its `realm`.
 */
export async function startTokenServer(
  t: TestContext,
  options: TokenServerOptions,
): Promise<TokenServer> {
  const issuer = new Issuer(options);
  const requests: TokenRequest[] = [];
  const served: { -readonly [K in keyof TokenServer]: TokenServer[K] } = {
    url: "",
    realm: "",
    host: "",
    requests,
    issued: issuer.issued,
    outage: undefined,
    stop: () => Promise.resolve(),
  };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    answer(req, res, issuer, options, requests, served.outage).catch((error: unknown) => {
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(error));
    });
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.keyPem, cert: options.tls.certPem }, handler)
    : http.createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP port");
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
    return stopped;
  };
  t.after(stop);
  const host = `127.0.0.1:${address.port}`;
  const url = `${options.tls ? "https" : "http"}://${host}`;
  served.url = url;
  served.realm = `${url}/token`;
  served.host = host;
  served.stop = stop;
  return served;
}
