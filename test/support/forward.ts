/**
 * Forwarding one buffered request to an upstream registry and reading its
 * whole answer: the plumbing the scripted front server and the fault proxy
 * share, each deciding what to change on the way.
 */
import type { Agent, Dispatcher } from "undici";

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1). */
const hopByHop = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
]);

/** An upstream's whole answer, without hop-by-hop headers. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
}

/** A request to send on: headers as received (or changed), body read whole. */
export interface ForwardedRequest {
  readonly method: Dispatcher.HttpMethod;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** `headers` without hop-by-hop ones and without values. */
export function endToEnd(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(headers).filter(
      (entry): entry is [string, string | string[]] =>
        entry[1] !== undefined && !hopByHop.has(entry[0].toLowerCase()),
    ),
  );
}

/** Everything a stream yields, as one buffer. */
export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Sends `request` to `upstreamUrl` through `agent` and reads the answer.
 * Content-Length is left to undici, since a test may have changed the body.
 */
export async function forwardTo(
  agent: Agent,
  upstreamUrl: string,
  request: ForwardedRequest,
): Promise<UpstreamResponse> {
  const headers = endToEnd(request.headers);
  delete headers["content-length"];
  const response = await agent.request({
    origin: upstreamUrl,
    path: request.path,
    method: request.method,
    headers,
    ...(request.body.length === 0 ? {} : { body: request.body }),
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: endToEnd(response.headers), body };
}
