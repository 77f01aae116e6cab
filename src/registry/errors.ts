/**
 * Typed registry failures (go-containerregistry transport/error.go): the
 * request that failed (method and redacted URL), the HTTP status, the OCI
 * error codes the registry sent, and whether trying again may help. No
 * message ever carries a credential or token.
 */
import { ReconcilerError } from "../errors.ts";
import { redactUrl } from "./redact.ts";

/** One entry of an OCI distribution error body ({"errors": [...]}). */
export interface OciError {
  readonly code: string;
  readonly message: string;
}

/** What RegistryError knows of the failed request. */
export interface RegistryErrorDetails {
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  readonly ociErrors?: readonly OciError[];
  /** A retry (now, or on the next run) may succeed: 429, 5xx, a dropped connection. */
  readonly transient: boolean;
}

/** A registry request that failed. */
export class RegistryError extends ReconcilerError {
  readonly method: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly ociErrors: readonly OciError[];
  readonly transient: boolean;

  constructor(reason: string, details: RegistryErrorDetails, options?: ErrorOptions) {
    const url = redactUrl(details.url);
    const status = details.status === undefined ? "" : `${String(details.status)} `;
    const codes = (details.ociErrors ?? []).map((e) => `${e.code}: ${e.message}`).join("; ");
    super(
      "REGISTRY",
      `${details.method} ${url}: ${status}${codes === "" ? reason : codes}`,
      options,
    );
    this.method = details.method;
    this.url = url;
    this.status = details.status;
    this.ociErrors = details.ociErrors ?? [];
    this.transient = details.transient;
  }
}

/**
 * A blob sent whole that the registry, or a proxy in front of it with a cap
 * on request bodies, refused with 413 Payload Too Large. Transient: the same
 * blob may pass in chunks, which RemoteRepository.putBlob then sends.
 */
export class UploadTooLargeError extends RegistryError {
  /** The least chunk size the refused upload session announced (OCI-Chunk-Min-Length), if any. */
  readonly chunkMinLength: number | undefined;

  constructor(refused: RegistryError, chunkMinLength: number | undefined) {
    super(
      "too large to send whole, try chunks",
      {
        method: refused.method,
        url: refused.url,
        status: 413,
        ociErrors: refused.ociErrors,
        transient: true,
      },
      { cause: refused },
    );
    this.chunkMinLength = chunkMinLength;
  }
}

/** Content whose digest is not the one asked for or announced (go-containerregistry verify.go). */
export class DigestMismatchError extends ReconcilerError {
  readonly want: string;
  readonly got: string;
  readonly bytesRead: number;

  constructor(what: string, want: string, got: string, bytesRead: number) {
    super(
      "DIGEST_MISMATCH",
      `content integrity error: ${what} should have digest ${want} but ${String(bytesRead)} bytes received hash to ${got}`,
    );
    this.want = want;
    this.got = got;
    this.bytesRead = bytesRead;
  }
}

/** A manifest this tool does not read (Docker schema 1, or an unknown type). */
export class UnsupportedManifestError extends ReconcilerError {
  readonly mediaType: string;

  constructor(reference: string, mediaType: string, hint: string) {
    super(
      "UNSUPPORTED_MANIFEST",
      `${reference}: unsupported manifest type "${mediaType}": ${hint}`,
    );
    this.mediaType = mediaType;
  }
}

/** True when trying again may succeed. */
export function isTransient(err: unknown): boolean {
  return err instanceof RegistryError && err.transient;
}
