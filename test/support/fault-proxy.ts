/**
 * A reverse proxy on 127.0.0.1 in front of a real registry that injects
 * faults the registry cannot be made to produce: dropped connections,
 * scripted statuses, truncated or corrupted bodies, missing headers and
 * scripted answers (schema 1 manifests, paginated tag lists), delays, hangs, and caps on
 * request bodies. Rules match a method, a path pattern and optionally a
 * body size, and apply to the first N matching requests, or to all;
 * anything unmatched is forwarded unchanged. Every request is
 * recorded, so tests count attempts. With a TLS upstream the proxy serves
 * TLS too, with the upstream's certificate (made for 127.0.0.1).
 */
import { once } from "node:events";
import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent } from "undici";
import { forwardTo, readAll, type UpstreamResponse } from "./forward.ts";

export type { UpstreamResponse } from "./forward.ts";
import type { Certificates } from "./tls.ts";

/** A scripted answer. Content-Length is set from `body` (sent for HEAD too, without the body). */
export interface ScriptedResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/** One request the proxy received, and the fault it got, if any. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly fault?: Fault["kind"];
}

/** What a `replace` fault computes its answer from. */
export interface Exchange {
  readonly request: RecordedRequest;
  readonly upstream: UpstreamResponse;
}

/** What to do to a matching request. */
export type Fault =
  /** Reset the connection (TCP RST) before answering; the registry never sees the request. */
  | { readonly kind: "reset" }
  /** Answer with this status (and headers, body) instead of forwarding. */
  | {
      readonly kind: "status";
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string;
    }
  /** Forward, send the upstream's headers (Content-Length included), `bytes` of the body, then drop the connection. */
  | { readonly kind: "truncate"; readonly bytes: number }
  /** Forward and flip the low bit of the body's byte at `offset` (default: the middle); headers unchanged. */
  | { readonly kind: "corrupt"; readonly offset?: number }
  /** Wait `ms`, then forward unchanged: a slow registry, to make a run last. */
  | { readonly kind: "delay"; readonly ms: number }
  /** Never answer nor forward (the registry never sees it); the connection stays open until the client gives up. */
  | { readonly kind: "hang" }
  /** Forward without the response header `header`. */
  | { readonly kind: "dropHeader"; readonly header: string }
  /** Forward, then answer with `response`, or with what it computes from the upstream's answer. */
  | {
      readonly kind: "replace";
      readonly response: ScriptedResponse | ((exchange: Exchange) => ScriptedResponse);
    };

/** When a fault applies. */
export interface FaultRule {
  /** Any method when absent. */
  readonly method?: string;
  /** Tested against the path and query. */
  readonly path: RegExp;
  /**
   * Only requests announcing a body of more bytes than this in
   * Content-Length: a cap on request bodies, as a proxy in front of a
   * registry may enforce.
   */
  readonly bodyLargerThan?: number;
  /** The first `times` matching requests get the fault; all of them when absent. */
  readonly times?: number;
  readonly fault: Fault;
}

/** The upstream registry: its URL, and its certificates when it serves TLS. */
export interface Upstream {
  readonly url: string;
  readonly caPem?: string;
  readonly certificates?: Certificates;
}

/** A running proxy. */
export interface FaultProxy {
  /** `127.0.0.1:PORT`, the registry host of image references through the proxy. */
  readonly host: string;
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Adds a rule; rules are tried in the order added, the first with uses left applies. */
  add(rule: FaultRule): void;
  /** How many recorded requests have `method` and a path matching `path`. */
  count(method: string, path: RegExp): number;
  /** Removes every rule: from now on each request is forwarded unchanged (the fault is over). */
  clear(): void;
}

/** Starts a proxy in front of `upstream` with `rules`; it stops when `t` ends. */
export async function startFaultProxy(
  t: TestContext,
  upstream: Upstream,
  rules: readonly FaultRule[] = [],
): Promise<FaultProxy> {
  const active = rules.map((rule) => ({ rule, left: rule.times ?? Infinity }));
  const requests: RecordedRequest[] = [];
  const agent = new Agent({ connect: upstream.caPem === undefined ? {} : { ca: upstream.caPem } });
  /** The TCP socket under each connection, by client port. */
  const tcp = new Map<number, Socket>();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const match = active.find((a) => a.left > 0 && matches(a.rule, method, path, req.headers));
    if (match !== undefined) match.left--;
    const fault = match?.rule.fault;
    const recorded = {
      method,
      path,
      headers: req.headers,
      ...(fault ? { fault: fault.kind } : {}),
    };
    requests.push(recorded);
    if (fault?.kind === "reset") {
      // A TLS socket closes with a TLS alert and FIN; its TCP socket can send the RST.
      (tcp.get(req.socket.remotePort ?? -1) ?? req.socket).resetAndDestroy();
      return;
    }
    // An upstream that cannot be reached shows as a dropped connection.
    answer(agent, upstream.url, req, res, recorded, fault).catch(() => res.destroy());
  };
  const server =
    upstream.certificates === undefined
      ? http.createServer(handle)
      : https.createServer(
          { key: upstream.certificates.server.keyPem, cert: upstream.certificates.server.certPem },
          handle,
        );
  // Longer than the client's 30 s, so the proxy never closes a connection the client is about to reuse.
  server.keepAliveTimeout = 60_000;
  server.on("connection", (socket: Socket) => {
    const port = socket.remotePort ?? -1;
    tcp.set(port, socket);
    socket.once("close", () => tcp.delete(port));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(async () => {
    server.closeAllConnections();
    server.close();
    await agent.close();
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP port");
  const host = `127.0.0.1:${String(address.port)}`;
  return {
    host,
    url: `${upstream.certificates === undefined ? "http" : "https"}://${host}`,
    requests,
    add: (rule) => active.push({ rule, left: rule.times ?? Infinity }),
    count: (m, p) => requests.filter((r) => r.method === m && p.test(r.path)).length,
    clear: () => {
      active.length = 0;
    },
  };
}

function matches(
  rule: FaultRule,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
): boolean {
  const length = Number(headers["content-length"] ?? 0);
  return (
    (rule.method === undefined || rule.method === method) &&
    rule.path.test(path) &&
    (rule.bodyLargerThan === undefined || length > rule.bodyLargerThan)
  );
}

/** Answers one request: the fault's way, or forwarded unchanged. */
async function answer(
  agent: Agent,
  upstreamUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
  request: RecordedRequest,
  fault: Exclude<Fault, { kind: "reset" }> | undefined,
): Promise<void> {
  const body = await readAll(req);
  if (fault?.kind === "hang") return;
  if (fault?.kind === "delay") await sleep(fault.ms);
  if (fault?.kind === "status") {
    send(res, request.method, { ...fault, headers: fault.headers ?? {} }, fault.body ?? "");
    return;
  }
  // The Host stays the proxy's, so the registry's absolute Locations point back here.
  const upstream = await forwardTo(agent, upstreamUrl, {
    method: request.method,
    path: request.path,
    headers: req.headers,
    body,
  });
  switch (fault?.kind) {
    case undefined:
    case "delay":
      send(res, request.method, upstream, upstream.body);
      return;
    case "truncate":
      res.writeHead(upstream.status, withLength(upstream, upstream.body.length));
      res.write(upstream.body.subarray(0, fault.bytes), () => res.destroy());
      return;
    case "corrupt": {
      const corrupted = Buffer.from(upstream.body);
      const at = fault.offset ?? Math.floor(corrupted.length / 2);
      corrupted[at] = (corrupted[at] ?? 0) ^ 1;
      send(res, request.method, upstream, corrupted);
      return;
    }
    case "dropHeader": {
      const headers = Object.entries(upstream.headers).filter(
        ([name]) => name !== fault.header.toLowerCase(),
      );
      send(
        res,
        request.method,
        { ...upstream, headers: Object.fromEntries(headers) },
        upstream.body,
      );
      return;
    }
    case "replace": {
      const scripted =
        typeof fault.response === "function"
          ? fault.response({ request, upstream })
          : fault.response;
      send(
        res,
        request.method,
        { ...scripted, headers: scripted.headers ?? {} },
        scripted.body ?? "",
      );
      return;
    }
  }
}

/** Writes a whole answer; Content-Length says the body's size (HEAD: the upstream's, or the body's). */
function send(
  res: ServerResponse,
  method: string,
  response: { readonly status: number; readonly headers: UpstreamResponse["headers"] },
  body: string | Buffer,
): void {
  const bytes = Buffer.from(body);
  const head = method === "HEAD" && bytes.length === 0 && "content-length" in response.headers;
  res.writeHead(response.status, head ? response.headers : withLength(response, bytes.length));
  res.end(method === "HEAD" ? undefined : bytes);
}

function withLength(
  response: { readonly headers: UpstreamResponse["headers"] },
  length: number,
): Record<string, string | string[]> {
  return { ...response.headers, "content-length": String(length) };
}
