/**
 * The runner's HTTP endpoint: `/healthz` for probes and `/metrics` for
 * Prometheus, nothing else (404). Plain node:http: two GET routes need no
 * framework.
 */
import { once } from "node:events";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { UsageError } from "../errors.ts";

/** `--listen`'s default: loopback only; a pod sets 0.0.0.0:9090. */
export const defaultListen = "127.0.0.1:9090";

/** Where to listen. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `HOST:PORT` (`[::1]:9090` for IPv6; port 0: any free port).
 *
 * @throws UsageError when it is not HOST:PORT with a port from 0 to 65535.
 */
export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (host === undefined || !(port >= 0 && port <= 65535)) {
    throw new UsageError(`--listen must be HOST:PORT, such as 127.0.0.1:9090, not "${text}"`);
  }
  return { host, port };
}

/** What the endpoint serves. */
export interface EndpointHandlers {
  /** Undefined while the runner is healthy; else why not (stopping, a stuck run): the probe answers 503 with it. */
  readonly healthy: () => string | undefined;
  /** The metrics text and its Content-Type. */
  readonly metrics: () => { readonly contentType: string; readonly text: string };
}

/** A listening endpoint. */
export interface Endpoint {
  /** The bound address, `HOST:PORT` (the real port when 0 was asked for). */
  readonly address: string;
  /** Stops listening and closes idle and open connections. */
  readonly close: () => Promise<void>;
}

/** Starts listening on `listen`; rejects when the address cannot be bound. */
export async function startEndpoint(
  listen: ListenAddress,
  handlers: EndpointHandlers,
): Promise<Endpoint> {
  const server = http.createServer((req, res) => {
    respond(req, res, handlers);
  });
  // Probes and scrapes are short; a stuck client must not keep the process from stopping.
  server.requestTimeout = 10_000;
  server.listen(listen.port, listen.host);
  await Promise.race([
    once(server, "listening"),
    once(server, "error").then(([err]) => Promise.reject(err as Error)),
  ]);
  const { address, port } = server.address() as AddressInfo;
  return {
    address: `${address.includes(":") ? `[${address}]` : address}:${String(port)}`,
    close: async () => {
      const closed = once(server, "close");
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

function respond(req: IncomingMessage, res: ServerResponse, handlers: EndpointHandlers): void {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method !== "GET" && req.method !== "HEAD") {
    send(res, req, 405, "text/plain; charset=utf-8", "method not allowed\n", {
      allow: "GET, HEAD",
    });
  } else if (path === "/healthz") {
    const problem = handlers.healthy();
    const [status, body] = problem === undefined ? [200, "ok"] : [503, problem];
    send(res, req, status, "text/plain; charset=utf-8", `${body}\n`);
  } else if (path === "/metrics") {
    const { contentType, text } = handlers.metrics();
    send(res, req, 200, contentType, text);
  } else {
    send(res, req, 404, "text/plain; charset=utf-8", "not found\n");
  }
}

function send(
  res: ServerResponse,
  req: IncomingMessage,
  status: number,
  contentType: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const bytes = Buffer.from(body);
  res.writeHead(status, {
    ...headers,
    "content-type": contentType,
    "content-length": bytes.length,
  });
  res.end(req.method === "HEAD" ? undefined : bytes);
}
