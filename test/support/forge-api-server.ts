/**
 * A small stateful REST server for forge API tests on 127.0.0.1 with a
 * random port: routes (method + path pattern → handler) below an API
 * prefix, JSON bodies, a token check, a request log, fault injection (the
 * next N answers of a route are 502, or 429 with Retry-After) and a strict
 * checker. Each route declares the body fields and query parameters it
 * accepts, with types; an unknown field, a wrong type or a missing required
 * one is answered 400 and recorded in `violations`, so a test can assert
 * that the client sent only what the forge's documentation names.
 */
import { once } from "node:events";
import http, { type IncomingHttpHeaders } from "node:http";
import type { TestContext } from "node:test";

/** The JSON types a field may have; `string[]`/`integer[]` are arrays of them. */
export type FieldType = "string" | "integer" | "boolean" | "string[]" | "integer[]";

/** One accepted body field or query parameter. */
export interface FieldSpec {
  readonly type: FieldType;
  readonly required?: boolean;
  /** The values a string may take (an enum in the documentation). */
  readonly values?: readonly string[];
}

/** Accepted fields by name. */
export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

/** What a handler receives: decoded path parameters, the query and the checked JSON body. */
export interface ApiRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Readonly<Record<string, unknown>>;
}

/** What a handler answers. */
export interface ApiResponse {
  readonly status: number;
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One route: `path` below the prefix, with `:name` segments. */
export interface ApiRoute {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly path: string;
  /** The body fields accepted; undefined: no body. */
  readonly body?: FieldSpecs;
  /** The query parameters accepted; undefined: none. */
  readonly query?: FieldSpecs;
  handle(req: ApiRequest): ApiResponse | Promise<ApiResponse>;
}

/** A request that broke a route's declared contract. */
export interface Violation {
  /** `METHOD pattern`. */
  readonly route: string;
  readonly where: "body" | "query";
  readonly field: string;
  readonly problem: string;
}

/** One request answered. */
export interface LoggedRequest {
  readonly method: string;
  /** The path as sent (still percent-encoded), without the query. */
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly body: unknown;
}

/** An injected failure: a 502 from a proxy, or a 429 asking to wait `retryAfter` seconds. */
export type Fault =
  { readonly status: 502 } | { readonly status: 429; readonly retryAfter: number };

/** Options of {@link startForgeApiServer}. */
export interface ForgeApiServerOptions {
  /** The API root path, e.g. `/api/v4`. */
  readonly prefix: string;
  readonly routes: readonly ApiRoute[];
  /** True when the request carries the right token. */
  authorize(headers: IncomingHttpHeaders): boolean;
  /** The forge's answer to a missing or wrong token. */
  readonly unauthorized: ApiResponse;
  /** The forge's answer shape for an unknown route and for a bad request. */
  error(status: number, message: string): ApiResponse;
}

/** A running server. */
export interface ForgeApiServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: LoggedRequest[];
  readonly violations: Violation[];
  /** Answers the next `times` requests of route `METHOD pattern` with `fault`. */
  fail(method: string, pattern: string, fault: Fault, times?: number): void;
  /** Drops the faults not answered yet: the forge is healthy again. */
  clearFaults(): void;
}

/** Starts a server with `options` on 127.0.0.1:0; it stops when the test ends. */
export async function startForgeApiServer(
  t: TestContext,
  options: ForgeApiServerOptions,
): Promise<ForgeApiServer> {
  const requests: LoggedRequest[] = [];
  const violations: Violation[] = [];
  const faults = new Map<string, Fault[]>();
  const server = http.createServer((req, res) => {
    void answer(req, options, { violations, faults }).then(({ response, body }) => {
      const [path = "", query = ""] = (req.url ?? "").split("?");
      requests.push({ method: req.method ?? "", path, query, status: response.status, body });
      send(res, response);
    });
  });
  server.keepAliveTimeout = 500;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    fail(method, pattern, fault, times = 1) {
      const key = `${method} ${pattern}`;
      faults.set(key, [...(faults.get(key) ?? []), ...Array<Fault>(times).fill(fault)]);
    },
    clearFaults() {
      faults.clear();
    },
  };
}

interface ServerState {
  readonly violations: Violation[];
  readonly faults: Map<string, Fault[]>;
}

/** Routes, checks and handles one request. */
async function answer(
  req: http.IncomingMessage,
  options: ForgeApiServerOptions,
  state: ServerState,
): Promise<{ readonly response: ApiResponse; readonly body: unknown }> {
  const text = await readText(req);
  const body = parseJson(text);
  const url = new URL(req.url ?? "/", "http://localhost");
  const found = matchRoute(options, req.method ?? "", url.pathname);
  if (found === undefined) return { response: options.error(404, "404 Not Found"), body };
  const key = `${found.route.method} ${found.route.path}`;
  const fault = state.faults.get(key)?.shift();
  if (fault !== undefined) return { response: faultResponse(fault), body };
  if (!options.authorize(req.headers)) return { response: options.unauthorized, body };
  const problems = [
    ...checkQuery(found.route.query ?? {}, url.searchParams),
    ...checkBody(found.route.body, text, body),
  ];
  for (const problem of problems) state.violations.push({ route: key, ...problem });
  if (problems.length > 0) {
    const detail = problems.map((p) => `${p.field} ${p.problem}`).join(", ");
    return { response: options.error(400, detail), body };
  }
  const checked = isObject(body) ? body : {};
  const request = { params: found.params, query: url.searchParams, body: checked };
  try {
    return { response: await found.route.handle(request), body };
  } catch (err) {
    return { response: options.error(500, String(err)), body };
  }
}

function matchRoute(
  options: ForgeApiServerOptions,
  method: string,
  pathname: string,
): { readonly route: ApiRoute; readonly params: Record<string, string> } | undefined {
  if (!pathname.startsWith(options.prefix + "/")) return undefined;
  const segments = pathname.slice(options.prefix.length).split("/");
  for (const route of options.routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split("/");
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      const segment = segments[i] ?? "";
      if (!part.startsWith(":")) return part === segment;
      // Decode after splitting: GitLab's `group%2Fproject` is one segment.
      params[part.slice(1)] = decodeURIComponent(segment);
      return segment !== "";
    });
    if (matches) return { route, params };
  }
  return undefined;
}

type Problem = Omit<Violation, "route">;

function checkQuery(specs: FieldSpecs, query: URLSearchParams): readonly Problem[] {
  const problems: Problem[] = [];
  for (const [name, value] of query) {
    const spec = specs[name];
    const problem = spec === undefined ? "is not accepted" : queryProblem(spec, value);
    if (problem !== undefined) problems.push({ where: "query", field: name, problem });
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.required === true && !query.has(name)) {
      problems.push({ where: "query", field: name, problem: "is missing" });
    }
  }
  return problems;
}

function queryProblem(spec: FieldSpec, value: string): string | undefined {
  if (spec.type === "integer" && !/^-?\d+$/.test(value)) return "must be an integer";
  if (spec.type === "boolean" && value !== "true" && value !== "false") return "must be a boolean";
  if (spec.values !== undefined && !spec.values.includes(value)) {
    return `must be one of ${spec.values.join(", ")}`;
  }
  return undefined;
}

function checkBody(specs: FieldSpecs | undefined, text: string, body: unknown): readonly Problem[] {
  if (specs === undefined) {
    return text === "" ? [] : [{ where: "body", field: "(body)", problem: "is not accepted" }];
  }
  if (!isObject(body))
    return [{ where: "body", field: "(body)", problem: "must be a JSON object" }];
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(body)) {
    const spec = specs[name];
    const problem = spec === undefined ? "is not accepted" : valueProblem(spec, value);
    if (problem !== undefined) problems.push({ where: "body", field: name, problem });
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.required === true && !(name in body)) {
      problems.push({ where: "body", field: name, problem: "is missing" });
    }
  }
  return problems;
}

function valueProblem(spec: FieldSpec, value: unknown): string | undefined {
  const ok: Record<FieldType, (v: unknown) => boolean> = {
    string: (v) => typeof v === "string",
    integer: Number.isInteger,
    boolean: (v) => typeof v === "boolean",
    "string[]": (v) => Array.isArray(v) && v.every((item) => typeof item === "string"),
    "integer[]": (v) => Array.isArray(v) && v.every(Number.isInteger),
  };
  if (!ok[spec.type](value)) return `must be ${spec.type}`;
  if (spec.values !== undefined && !spec.values.includes(String(value))) {
    return `must be one of ${spec.values.join(", ")}`;
  }
  return undefined;
}

function faultResponse(fault: Fault): ApiResponse {
  if (fault.status === 502) return { status: 502, json: "502 Bad Gateway" };
  return {
    status: 429,
    headers: { "retry-after": String(fault.retryAfter) },
    json: { message: "Retry later" },
  };
}

function send(res: http.ServerResponse, response: ApiResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let text = "";
  if (typeof response.json === "string") {
    text = response.json;
    headers["content-type"] = "text/plain";
  } else if (response.json !== undefined) {
    text = JSON.stringify(response.json);
    headers["content-type"] = "application/json";
  }
  res.writeHead(response.status, headers).end(text);
}

async function readText(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** True for a JSON object. */
export function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
