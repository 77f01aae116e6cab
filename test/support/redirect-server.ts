/**
 * A scripted HTTP server on 127.0.0.1 (random port) in front of the real
 * registry, for what distribution 2.8.2 cannot be made to do by itself:
 * answer blob GETs with a redirect to a second origin (a storage backend or
 * CDN), refuse a cross-repository mount, send a relative Location or one on
 * another origin, fail a request, or change bytes on the way. Everything it
 * does not script it forwards; it records every request it receives,
 * headers and body, for the tests to assert on. With no upstream it is a
 * plain scripted origin (a CDN serving given bytes).
 */
import { once } from "node:events";
import http from "node:http";
import type { TestContext } from "node:test";
import { Agent } from "undici";
import { forwardTo, readAll } from "./forward.ts";

/** A request the server received. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

/** An answer the script gives instead of forwarding. */
export interface ScriptedAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

/** What the server does with requests. */
export interface FrontServerOptions {
  /** The registry to forward to, `http(s)://127.0.0.1:PORT`; without one, unscripted requests get 502. */
  readonly upstream?: string;
  /** The CA of an HTTPS upstream. */
  readonly upstreamCa?: string;
  /**
   * Headers set on forwarded requests, over the client's: credentials an
   * origin holds itself, as a storage backend is authorised by its signed
   * URLs rather than by the client's registry credentials.
   */
  readonly upstreamHeaders?: Readonly<Record<string, string>>;
  /** Answers a request itself; undefined forwards it. */
  readonly answer?: (request: RecordedRequest) => ScriptedAnswer | undefined;
  /** The body to forward instead of the one received. */
  readonly rewriteBody?: (request: RecordedRequest) => Buffer;
  /** The Location to send back instead of the upstream's (given as the upstream sent it). */
  readonly rewriteLocation?: (location: string, request: RecordedRequest) => string;
}

/** A running front server. */
export interface FrontServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
}

function flatten(headers: http.IncomingHttpHeaders): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** Starts the server; it stops when `t` ends. */
export async function startFrontServer(
  t: TestContext,
  options: FrontServerOptions = {},
): Promise<FrontServer> {
  const requests: RecordedRequest[] = [];
  const agent = new Agent({
    connect: options.upstreamCa === undefined ? {} : { ca: options.upstreamCa },
  });
  let self = "";
  const server = http.createServer((req, res) => {
    void (async () => {
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: flatten(req.headers),
        body: await readAll(req),
      };
      requests.push(recorded);
      const scripted = options.answer?.(recorded);
      if (scripted !== undefined) {
        res.writeHead(scripted.status, { ...scripted.headers });
        res.end(recorded.method === "HEAD" ? undefined : scripted.body);
        return;
      }
      if (options.upstream === undefined) {
        res.writeHead(502).end();
        return;
      }
      await forward(agent, options.upstream, self, recorded, options, res);
    })().catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP port");
  t.after(async () => {
    server.closeAllConnections();
    server.close();
    await agent.close();
  });
  self = `127.0.0.1:${String(address.port)}`;
  return { url: `http://${self}`, host: self, requests };
}

/** Sends `recorded` on to `upstream` and its answer back to `res`. */
async function forward(
  agent: Agent,
  upstream: string,
  self: string,
  recorded: RecordedRequest,
  options: FrontServerOptions,
  res: http.ServerResponse,
): Promise<void> {
  const answer = await forwardTo(agent, upstream, {
    method: recorded.method,
    path: recorded.path,
    headers: {
      ...recorded.headers,
      ...options.upstreamHeaders,
      host: new URL(upstream).host,
      // distribution builds absolute Locations from these: they then name this server.
      "x-forwarded-host": self,
      "x-forwarded-proto": "http",
    },
    body: options.rewriteBody?.(recorded) ?? recorded.body,
  });
  const headers = { ...answer.headers };
  const location = headers["location"];
  if (typeof location === "string" && options.rewriteLocation !== undefined) {
    headers["location"] = options.rewriteLocation(location, recorded);
  }
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}
