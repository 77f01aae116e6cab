/**
 * GitHub's official OpenAPI description (@octokit/openapi, api.github.com,
 * OpenAPI 3.0.3) as a router and validator for the test GitHub server:
 * matches a request to its operation, validates the request (path, query,
 * body) and the response body against the operation's schemas with ajv 8
 * through openapi-backend. The dereferenced file avoids `$ref` resolution;
 * validators compile lazily, per operation, the first time one is used.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { OpenAPIBackend, type Document, type Operation } from "openapi-backend";
import addFormatsPlugin from "ajv-formats";

/** A request as the validator sees it: lower-case method, path below the API root. */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** GitHub's REST API description, loaded once. */
export interface GitHubApi {
  /** The operation `req` is, or undefined when GitHub has no such route. */
  match(req: Pick<ApiRequest, "method" | "path">): Operation | undefined;
  /** Path parameters of `req` for `operation`. */
  params(req: ApiRequest, operation: Operation): Readonly<Record<string, string>>;
  /** Problems of `req` against `operation` ([] when it is valid). */
  validateRequest(req: ApiRequest, operation: Operation): readonly string[];
  /** Problems of a `status` response with `json` for `operation`. */
  validateResponse(operation: Operation, status: number, json: unknown): readonly string[];
  /** GitHub's own example response of `operationId`, a fresh copy. */
  example(operationId: string, status: number): unknown;
}

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

let loaded: Promise<{ readonly api: GitHubApi; readonly loadMs: number }> | undefined;

/** Loads and initialises the description once per process; `loadMs` is what that took. */
export function loadGitHubApi(): Promise<{ readonly api: GitHubApi; readonly loadMs: number }> {
  loaded ??= initialise();
  return loaded;
}

async function initialise(): Promise<{ readonly api: GitHubApi; readonly loadMs: number }> {
  const started = performance.now();
  const file = createRequire(import.meta.url).resolve(
    "@octokit/openapi/generated/api.github.com.deref.json",
  );
  const definition = JSON.parse(readFileSync(file, "utf8")) as Document;
  const backend = new OpenAPIBackend({
    definition,
    quick: true,
    validate: true,
    // The description uses formats ajv-formats lacks (repo.nwo); they are not checked.
    ajvOpts: { logger: false, strict: false },
    customizeAjv: (ajv) => {
      addFormats(ajv);
      return ajv;
    },
  });
  await backend.init();
  const fixed = new Set<string>();
  const prepare = (operation: Operation): Operation => {
    const id = operation.operationId ?? "";
    if (!fixed.has(id)) {
      fixed.add(id);
      fixNullable(operation);
    }
    return operation;
  };
  return { api: wrap(backend, prepare), loadMs: performance.now() - started };
}

function wrap(backend: OpenAPIBackend, prepare: (o: Operation) => Operation): GitHubApi {
  return {
    match: (req) => {
      const op = backend.router.matchOperation({ method: req.method, path: req.path, headers: {} });
      return op === undefined ? undefined : prepare(op);
    },
    params: (req, operation) =>
      backend.router.parseRequest(toRequest(req), operation).params as Record<string, string>,
    validateRequest: (req, operation) => [
      ...formatErrors(backend.validateRequest(toRequest(req), operation).errors),
      ...unknownQuery(req, operation),
      ...unknownBodyFields(req, operation),
    ],
    validateResponse: (operation, status, json) => {
      if (operation.responses?.[String(status)] === undefined) {
        return [
          `status ${String(status)} is not a response GitHub documents for ${operation.operationId ?? "?"}`,
        ];
      }
      return formatErrors(backend.validateResponse(json, operation, status).errors);
    },
    example: (operationId, status) =>
      structuredClone(
        backend.mockResponseForOperation(operationId, { code: status }).mock as unknown,
      ),
  };
}

function toRequest(req: ApiRequest): {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
} {
  return {
    method: req.method,
    path: req.path,
    query: { ...req.query },
    headers: { ...req.headers },
    body: req.body,
  };
}

function formatErrors(
  errors:
    readonly { instancePath?: string; message?: string; params?: unknown }[] | null | undefined,
): string[] {
  return (errors ?? []).map(
    (e) =>
      `${e.instancePath === undefined || e.instancePath === "" ? "/" : e.instancePath} ${e.message ?? "invalid"} ${JSON.stringify(e.params ?? {})}`,
  );
}

/** Query parameters the operation does not declare: GitHub ignores them, so a misspelt one goes unnoticed there. */
function unknownQuery(req: ApiRequest, operation: Operation): string[] {
  const declared = new Set(
    (operation.parameters ?? []).flatMap((p) => ("in" in p && p.in === "query" ? [p.name] : [])),
  );
  return Object.keys(req.query)
    .filter((name) => !declared.has(name))
    .map((name) => `query parameter "${name}" is not one ${operation.operationId ?? "?"} takes`);
}

/** Top-level body fields no branch of the body schema declares: GitHub ignores them silently too. */
function unknownBodyFields(req: ApiRequest, operation: Operation): string[] {
  const body = req.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return [];
  const content = (
    operation.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined
  )?.content;
  const schema = content?.["application/json"]?.schema;
  const declared = declaredProperties(schema);
  if (declared === undefined) return [];
  return Object.keys(body)
    .filter((name) => !declared.has(name))
    .map((name) => `body field "${name}" is not one ${operation.operationId ?? "?"} takes`);
}

type SchemaLike = {
  readonly properties?: Record<string, unknown>;
  readonly oneOf?: unknown[];
  readonly anyOf?: unknown[];
  readonly allOf?: unknown[];
};

function declaredProperties(schema: unknown): Set<string> | undefined {
  if (typeof schema !== "object" || schema === null) return undefined;
  const s = schema as SchemaLike;
  const names = new Set(Object.keys(s.properties ?? {}));
  for (const branch of [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...(s.allOf ?? [])]) {
    for (const name of declaredProperties(branch) ?? []) names.add(name);
  }
  return names.size === 0 ? undefined : names;
}

/**
 * Rewrites `nullable: true` without a `type` (OpenAPI 3.0 allows it, ajv's
 * `nullable` keyword refuses it) into `anyOf [schema, null]`, in place.
 */
function fixNullable(node: unknown): void {
  if (typeof node !== "object" || node === null) return;
  for (const value of Object.values(node)) fixNullable(value);
  const record = node as Record<string, unknown>;
  if (record.nullable === true && record.type === undefined && !Array.isArray(node)) {
    delete record.nullable;
    const rest = { ...record };
    for (const key of Object.keys(record)) Reflect.deleteProperty(record, key);
    record.anyOf = [rest, { type: "null" }];
  }
}
