/**
 * A smart-HTTP git server for tests: node:http on 127.0.0.1:0 in front of
 * Debian git's `git http-backend` (CGI), serving every bare repository
 * under a directory, with Basic authentication by one token. It records
 * each request so a test can check the token was sent in a header and never
 * in a URL, and can make pushes fail (see PushFault). Stopped when the test
 * ends.
 */
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestContext } from "node:test";

const httpBackend = "/usr/lib/git-core/git-http-backend";

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** Whether an Authorization header came with it. */
  readonly authorizationSent: boolean;
  /** Whether it carried the right token. */
  readonly authorized: boolean;
}

/** What happens to a push (a `git-receive-pack` POST) instead of serving it. */
export type PushFault =
  /** Answered 500 before git sees it: nothing lands. */
  | "refuse"
  /** git takes the push, then the connection drops before the answer: the push lands, the client sees a failure. */
  | "drop-answer";

/** A running server. */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>`; a repository `x.git` under the root is `${origin}/x.git`. */
  readonly origin: string;
  readonly requests: readonly RecordedRequest[];
  /** Faults for the next pushes, in order; each push takes the first. Empty it to end them. */
  readonly pushFaults: PushFault[];
  /** How many pushes got a fault. */
  readonly faultsServed: number;
}

/** Starts a server for the bare repositories under `root` that wants `token` as the Basic password. */
export async function startGitHttpServer(
  t: TestContext,
  root: string,
  token: string,
): Promise<GitHttpServer> {
  const requests: RecordedRequest[] = [];
  const pushFaults: PushFault[] = [];
  let faultsServed = 0;
  const server = createServer((req, res) => {
    const authorization = req.headers.authorization;
    const authorized = authorization !== undefined && basicPassword(authorization) === token;
    requests.push({
      method: req.method ?? "",
      url: req.url ?? "",
      authorizationSent: authorization !== undefined,
      authorized,
    });
    if (!authorized) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' }).end();
      return;
    }
    // git first sends a probe (a bare flush packet, 4 bytes) before a pack; the fault is for the pack.
    const isPush =
      req.method === "POST" &&
      (req.url ?? "").endsWith("/git-receive-pack") &&
      req.headers["content-length"] !== "4";
    const fault = isPush ? pushFaults.shift() : undefined;
    if (fault !== undefined) faultsServed++;
    if (fault === "refuse") {
      req.resume();
      res.writeHead(500, { "Content-Type": "text/plain" }).end("injected fault\n");
      return;
    }
    runBackend(root, req, res, fault === "drop-answer");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  );
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${String(port)}`,
    requests,
    pushFaults,
    get faultsServed() {
      return faultsServed;
    },
  };
}

function basicPassword(header: string): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

/**
 * Runs the CGI for one request: the body on stdin, headers then body on
 * stdout. With `dropAnswer`, the answer is thrown away and the connection
 * dropped once git has done the work.
 */
function runBackend(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  dropAnswer = false,
): void {
  const url = new URL(req.url ?? "/", "http://localhost");
  const child = spawn(httpBackend, [], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      HOME: root,
      // http-backend only enables receive-pack for an authenticated user.
      REMOTE_USER: "tester",
      REMOTE_ADDR: "127.0.0.1",
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
      GIT_PROTOCOL: headerValue(req.headers["git-protocol"]),
    },
  });
  req.pipe(child.stdin);
  child.stderr.resume();
  if (dropAnswer) {
    child.stdout.resume();
    child.on("close", () => res.socket?.destroy());
    return;
  }
  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end === -1) return;
    writeCgiHead(res, head.subarray(0, end).toString("latin1"));
    headersSent = true;
    res.write(head.subarray(end + 4));
  });
  child.on("close", () => {
    if (!headersSent) res.writeHead(502);
    res.end();
  });
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(", ") : (value ?? "");
}

function writeCgiHead(res: ServerResponse, head: string): void {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  res.writeHead(status, headers);
}
