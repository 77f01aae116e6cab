/**
 * A connection lost while a response body streams, as a typed error: an
 * undici interceptor that turns the failure after the headers into a
 * transient RegistryError naming the request, so whoever reads the body (a
 * manifest, a tag list, a blob) meets that instead of undici's bare "other
 * side closed", and the transport can tell it is worth another attempt.
 */
import type { Dispatcher } from "undici";
import { RegistryError } from "./errors.ts";
import { isRetriableError } from "./retry.ts";

/** The interceptor for one request (`method` and `url` name it in the error). */
export function bodyErrors(method: string, url: URL): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => {
    let started = false;
    return dispatch(options, {
      onRequestStart: (controller, context: unknown) => {
        handler.onRequestStart?.(controller, context);
      },
      onRequestUpgrade: (controller, status, headers, socket) => {
        handler.onRequestUpgrade?.(controller, status, headers, socket);
      },
      onResponseStart: (controller, status, headers, message) => {
        started = true;
        handler.onResponseStart?.(controller, status, headers, message);
      },
      onResponseData: (controller, chunk) => {
        handler.onResponseData?.(controller, chunk);
      },
      onResponseEnd: (controller, trailers) => {
        handler.onResponseEnd?.(controller, trailers);
      },
      onResponseError: (controller, err) => {
        // Before the headers the transport sees undici's own error and retries it.
        const lost = started && isRetriableError(err);
        handler.onResponseError?.(controller, lost ? bodyLost(method, url, err) : err);
      },
    });
  };
}

function bodyLost(method: string, url: URL, err: Error): RegistryError {
  const code = (err as { code?: unknown }).code;
  const reason = typeof code === "string" ? `${code}: ${err.message}` : err.message;
  return new RegistryError(
    `connection lost while reading the response body (${reason})`,
    { method, url: url.toString(), transient: true },
    { cause: err },
  );
}
