/**
 * A RegistryError for a response the operation did not expect, carrying the
 * registry's OCI error codes (go-containerregistry transport.CheckError).
 */
import { readLimited } from "./body.ts";
import { RegistryError, type OciError } from "./errors.ts";
import type { BufferedResponse, HttpResponse } from "./transport.ts";

/** Error bodies larger than this are not OCI error documents; the status says enough. */
const maxErrorBodyBytes = 64 * 1024;

/**
 * Reads the OCI error body (none for HEAD; a response read whole already
 * holds it) and names what `display` could not do.
 */
export async function responseError(
  response: HttpResponse | BufferedResponse,
  method: string,
  display: string,
): Promise<RegistryError> {
  const ociErrors = parseOciErrors(await errorBody(response, method));
  const reasons: Record<number, string> = {
    401: `unauthorized: no access to ${display} with the credentials found`,
    403: `forbidden: ${display}`,
    404: `${display} not found`,
    429: "too many requests: the registry's rate limit was reached",
  };
  const status = response.status;
  return new RegistryError(reasons[status] ?? `unexpected status for ${display}`, {
    method,
    url: response.url.toString(),
    status,
    ociErrors,
    transient: status === 429 || status >= 500,
  });
}

/** The body's bytes; undefined for HEAD (no body is sent) or when it cannot be read. */
async function errorBody(
  response: HttpResponse | BufferedResponse,
  method: string,
): Promise<Buffer | undefined> {
  if ("bytes" in response) return method === "HEAD" ? undefined : response.bytes;
  if (method === "HEAD") {
    await response.body.dump();
    return undefined;
  }
  try {
    return await readLimited(response, maxErrorBodyBytes);
  } catch {
    return undefined;
  }
}

/** The `errors` of an OCI error document, with anything shaped like a credential masked. */
function parseOciErrors(bytes: Buffer | undefined): OciError[] {
  if (bytes === undefined) return [];
  let body: { errors?: unknown };
  try {
    body = JSON.parse(bytes.toString("utf8")) as { errors?: unknown };
  } catch {
    // Not an OCI error body; the status says enough.
    return [];
  }
  if (!Array.isArray(body.errors)) return [];
  return body.errors
    .filter((e): e is OciError => typeof (e as OciError | null)?.code === "string")
    .map((e) => ({
      code: e.code,
      message: typeof e.message === "string" ? maskCredentials(e.message) : "",
    }));
}

/**
 * Masks Authorization values a registry or proxy may echo in its error
 * message ("invalid header: Basic YWxp..."): the message goes into errors
 * and logs, which must never carry a credential.
 */
function maskCredentials(text: string): string {
  return text.replace(/\b(basic|bearer)\s+[\w.~+/=-]+/gi, "$1 ***");
}
