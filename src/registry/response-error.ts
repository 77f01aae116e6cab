/**
 * A RegistryError for a response the operation did not expect, carrying the
 * registry's OCI error codes (go-containerregistry transport.CheckError).
 */
import { readLimited } from "./body.ts";
import { RegistryError, type OciError } from "./errors.ts";
import type { HttpResponse } from "./transport.ts";

/** Reads the OCI error body (none for HEAD) and names what `display` could not do. */
export async function responseError(
  response: HttpResponse,
  method: string,
  display: string,
): Promise<RegistryError> {
  let ociErrors: OciError[] = [];
  if (method !== "HEAD") {
    try {
      const body = JSON.parse((await readLimited(response, 64 * 1024)).toString("utf8")) as {
        errors?: unknown;
      };
      if (Array.isArray(body.errors))
        ociErrors = body.errors.filter(
          (e): e is OciError => typeof (e as OciError | null)?.code === "string",
        );
    } catch {
      // Not an OCI error body; the status says enough.
    }
  } else {
    await response.body.dump();
  }
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
