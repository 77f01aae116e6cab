/**
 * Failures while reading credentials: a broken auth file or a credential
 * helper that failed. Messages name the file and key, or the helper and
 * host; they never carry a password, token or `auth` value.
 */
import { ReconcilerError } from "../../errors.ts";

/** Why reading credentials failed; stable, for callers and tests to branch on. */
export type CredentialsErrorReason =
  /** The auth file named explicitly (`--authfile`) does not exist. */
  | "FILE_MISSING"
  /** An auth file exists but cannot be read (permissions, a directory, too large). */
  | "FILE_UNREADABLE"
  /** An auth file is not JSON. */
  | "FILE_SYNTAX"
  /** An auth file is JSON but a field has the wrong type. */
  | "FILE_SHAPE"
  /** An `auth` field is not base64 of `username:password`. */
  | "AUTH_ENCODING"
  /** A `credHelpers`/`credsStore` value is not a safe helper name. */
  | "HELPER_NAME"
  /** `docker-credential-<suffix>` is not on PATH (or cannot be executed). */
  | "HELPER_MISSING"
  /** The helper exited with an error other than "credentials not found". */
  | "HELPER_FAILED"
  /** The helper did not answer in time. */
  | "HELPER_TIMEOUT"
  /** The helper printed too much, or something that is not a credential. */
  | "HELPER_OUTPUT"
  /** The lookup was aborted through its AbortSignal. */
  | "ABORTED";

/** Where a credentials failure happened; all optional, set what is known. */
export interface CredentialsErrorDetails {
  readonly file?: string;
  readonly key?: string;
  readonly helper?: string;
  readonly host?: string;
}

/** A credentials file or helper failed; `code` is always `CREDENTIALS`. */
export class CredentialsError extends ReconcilerError {
  readonly reason: CredentialsErrorReason;
  readonly file: string | undefined;
  readonly key: string | undefined;
  readonly helper: string | undefined;
  readonly host: string | undefined;

  constructor(reason: CredentialsErrorReason, message: string, details: CredentialsErrorDetails) {
    super("CREDENTIALS", message);
    this.reason = reason;
    this.file = details.file;
    this.key = details.key;
    this.helper = details.helper;
    this.host = details.host;
  }
}
