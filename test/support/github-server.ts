/**
 * A stateful local GitHub API on 127.0.0.1:0 for forge tests. Every request
 * and every response is validated against GitHub's official OpenAPI
 * description (see github-openapi.ts); a request that fails is answered 400
 * with the problems, and each failure, request or response, is recorded in
 * `violations`, which a test asserts empty. Also serves the GraphQL
 * auto-merge mutation (validated by hand: it is not in the description),
 * the Git database operations on the bare repository (github-git-store.ts),
 * the GitHub Enterprise `/api/v3` and `/api/graphql` prefixes, Bearer-token
 * auth, and injected faults (5xx, 429, rate-limit 403s).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Operation } from "openapi-backend";
import { loadGitHubApi, type ApiRequest, type GitHubApi } from "./github-openapi.ts";
import { errorReply, PullStore, type Reply, type StoredPull } from "./github-pull-store.ts";
import { autoMergeReply } from "./github-graphql.ts";
import { isRefsOperation, refsReply } from "./github-graphql-refs.ts";
import { GitStore } from "./github-git-store.ts";

/** Where the server's state lives. */
export interface GitHubServerOptions {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  /** A bare repository: branches and shas come from it. */
  readonly gitDir: string;
}

/** A request the server saw. */
export interface RecordedRequest {
  readonly method: string;
  /** Without the query and the GHE prefix. */
  readonly path: string;
  /** As sent, with any GHE prefix. */
  readonly rawPath: string;
  readonly operationId: string | undefined;
  readonly query: Readonly<Record<string, string>>;
}

/** A request or response that broke GitHub's description. */
export interface Violation {
  readonly kind: "request" | "response";
  readonly method: string;
  readonly path: string;
  readonly operationId: string | undefined;
  readonly problems: readonly string[];
}

type Violate = (kind: Violation["kind"], problems: readonly string[]) => void;

/** A failure the server answers instead of serving the operation. */
export type Fault =
  | { readonly kind: "bad-gateway" }
  | { readonly kind: "too-many-requests"; readonly retryAfterSeconds?: number }
  | { readonly kind: "secondary-rate-limit"; readonly retryAfterSeconds: number }
  | { readonly kind: "primary-rate-limit"; readonly resetEpochSeconds: number };

/** The test GitHub; see the module comment. */
export class GitHubServer {
  readonly requests: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  /** How long loading GitHub's description took in this process (once per process). */
  readonly specLoadMs: number;
  readonly #server: Server;
  readonly #api: GitHubApi;
  readonly #store: PullStore;
  readonly #git: GitStore;
  readonly #token: string;
  readonly #repository: { readonly owner: string; readonly repo: string };
  /** The repository's GraphQL node id (what `repository { id }` answers). */
  readonly repositoryNodeId: string;
  readonly #faults = new Map<string, Fault[]>();
  /** How many injected faults have been answered so far. */
  faultsServed = 0;

  private constructor(options: GitHubServerOptions, api: GitHubApi, specLoadMs: number) {
    this.#api = api;
    this.specLoadMs = specLoadMs;
    this.#token = options.token;
    this.#repository = { owner: options.owner, repo: options.repo };
    this.repositoryNodeId = `R_${Buffer.from(`${options.owner}/${options.repo}`).toString("base64url")}`;
    this.#store = new PullStore(api, options, () => this.url);
    this.#git = new GitStore(options, () => this.url);
    this.#server = createServer((req, res) => {
      void this.#handle(req, res);
    });
  }

  /** Loads the description (once per process) and listens on 127.0.0.1 on a free port. */
  static async start(options: GitHubServerOptions): Promise<GitHubServer> {
    const { api, loadMs } = await loadGitHubApi();
    const server = new GitHubServer(options, api, loadMs);
    await new Promise<void>((resolve) => server.#server.listen(0, "127.0.0.1", resolve));
    return server;
  }

  /** `http://127.0.0.1:<port>`: the github.com-style API root. */
  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${String(port)}`;
  }

  /** The pull requests the server holds, oldest first. */
  get pulls(): readonly Readonly<StoredPull>[] {
    return this.#store.pulls;
  }

  /** Answers the next `count` requests of `operationId` (e.g. "pulls/create", "graphql") with `fault`. */
  injectFault(operationId: string, fault: Fault, count = 1): void {
    const queue = this.#faults.get(operationId) ?? [];
    for (let i = 0; i < count; i++) queue.push(fault);
    this.#faults.set(operationId, queue);
  }

  /** Drops the faults not answered yet: the forge is healthy again. */
  clearFaults(): void {
    this.#faults.clear();
  }

  /** Marks pull request `number` merged, as a person pressing the button would. */
  merge(number: number): void {
    const pull = this.#store.pulls.find((p) => p.number === number);
    if (pull === undefined) throw new Error(`no pull request ${String(number)}`);
    pull.state = "closed";
    pull.mergedAt = "2024-02-01T00:00:00Z";
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.#server.close((err) => {
        if (err) reject(err);
        else resolve();
      }),
    );
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const reply = await this.#serve(req);
      send(res, reply);
    } catch (err) {
      send(
        res,
        errorReply(500, `test server failure: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
  }

  async #serve(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname
      .replace(/^\/api\/v3(?=\/)/, "")
      .replace(/^\/api\/graphql$/, "/graphql");
    const method = (req.method ?? "GET").toLowerCase();
    const query = Object.fromEntries(url.searchParams);
    const headers = flatHeaders(req);
    const text = await readBody(req);
    const operation = path === "/graphql" ? undefined : this.#api.match({ method, path });
    const operationId =
      path === "/graphql" && method === "post" ? "graphql" : operation?.operationId;
    this.requests.push({
      method: method.toUpperCase(),
      path,
      rawPath: url.pathname,
      operationId,
      query,
    });
    const violate: Violate = (kind, problems) => {
      if (problems.length > 0)
        this.violations.push({ kind, method: method.toUpperCase(), path, operationId, problems });
    };
    if (operationId === undefined) {
      violate("request", [`no GitHub operation is ${method.toUpperCase()} ${path}`]);
      return errorReply(404, "Not Found");
    }
    if (headers.authorization !== `Bearer ${this.#token}`)
      return errorReply(401, "Bad credentials");
    violate("request", clientHeaderProblems(headers));
    const fault = this.#faults.get(operationId)?.shift();
    if (fault !== undefined) {
      this.faultsServed++;
      return faultReply(fault);
    }
    const body = parseJson(text);
    if (body instanceof Error) {
      violate("request", [`body is not JSON: ${body.message}`]);
      return errorReply(400, "Problems parsing JSON");
    }
    if (operation === undefined) return await this.#graphql(body, violate);
    return this.#operate(operation, { method, path, query, headers, body }, violate);
  }

  /** Validates `req`, serves it and validates the answer. */
  async #operate(operation: Operation, req: ApiRequest, violate: Violate): Promise<Reply> {
    const problems = this.#api.validateRequest(req, operation);
    violate("request", problems);
    if (problems.length > 0)
      return { status: 400, json: { message: "Invalid request", errors: problems } };
    const operationId = operation.operationId ?? "";
    const handler = { ...this.#store.handlers(), ...this.#git.handlers() }[operationId];
    if (handler === undefined) {
      violate("request", [`${operationId} is GitHub's but this test server does not serve it`]);
      return errorReply(404, "Not Found");
    }
    const params = this.#api.params(req, operation);
    const reply = await handler({ params, query: req.query, body: req.body });
    violate("response", this.#api.validateResponse(operation, reply.status, reply.json));
    return reply;
  }

  async #graphql(body: unknown, violate: Violate): Promise<Reply> {
    const { reply, problems } = isRefsOperation(body)
      ? await refsReply(body, { ...this.#repository, nodeId: this.repositoryNodeId }, this.#git)
      : autoMergeReply(body, this.#store.pulls);
    violate("request", problems);
    return reply;
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const text = reply.json === undefined ? "" : JSON.stringify(reply.json);
  res.writeHead(reply.status, {
    ...(text === "" ? {} : { "content-type": "application/json; charset=utf-8" }),
    "x-github-api-version-selected": "2022-11-28",
    ...reply.headers,
  });
  res.end(text);
}

/** The headers GitHub asks every REST client to send (docs: "Getting started with the REST API"). */
function clientHeaderProblems(headers: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  if (!(headers.accept ?? "").includes("application/vnd.github+json"))
    problems.push(`accept "${headers.accept ?? ""}" is not application/vnd.github+json`);
  if (headers["x-github-api-version"] !== "2022-11-28")
    problems.push("x-github-api-version is not 2022-11-28");
  if ((headers["user-agent"] ?? "") === "")
    problems.push("no user-agent (GitHub refuses requests without one)");
  return problems;
}

function faultReply(fault: Fault): Reply {
  const docs = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api";
  switch (fault.kind) {
    case "bad-gateway":
      return { status: 502, json: { message: "Server Error" } };
    case "too-many-requests":
      return {
        status: 429,
        json: { message: "Too Many Requests", documentation_url: docs },
        ...(fault.retryAfterSeconds === undefined
          ? {}
          : { headers: { "retry-after": String(fault.retryAfterSeconds) } }),
      };
    case "secondary-rate-limit":
      return {
        status: 403,
        json: {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
          documentation_url: docs,
        },
        headers: { "retry-after": String(fault.retryAfterSeconds) },
      };
    case "primary-rate-limit":
      return {
        status: 403,
        json: { message: "API rate limit exceeded for user ID 1.", documentation_url: docs },
        headers: {
          "x-ratelimit-limit": "5000",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(fault.resetEpochSeconds),
        },
      };
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
