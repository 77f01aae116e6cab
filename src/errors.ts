/**
 * Typed operational errors. User-input problems are not errors but
 * {@link Diagnostic} values (see model/diagnostic.ts); these classes are for
 * failures while working, and for the reference parser, whose callers turn
 * its errors into diagnostics. Callers branch on `code`, never on message text.
 */

/** Every stable error code, SCREAMING_SNAKE as in undici's UND_ERR_*. */
export type ErrorCode =
  | "REFERENCE_INVALID"
  | "INPUT_INVALID"
  | "USAGE"
  | "INTERNAL"
  | "REGISTRY"
  | "DIGEST_MISMATCH"
  | "UNSUPPORTED_MANIFEST"
  | "IMAGE_CONFIG_INVALID"
  | "OCI_LAYOUT"
  | "CREDENTIALS"
  | "FILE_WRITE"
  | "GIT"
  | "FORGE"
  | "PUBLISH_BLOCKED";

/** Base of every error the project throws on purpose. */
export class ReconcilerError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A command line that cannot be run as given; the CLI exits 2. */
export class UsageError extends ReconcilerError {
  constructor(message: string) {
    super("USAGE", message);
  }
}

/** A broken invariant: a bug in this program, never the user's input. */
export class InternalError extends ReconcilerError {
  constructor(message: string, options?: ErrorOptions) {
    super("INTERNAL", message, options);
  }
}

/**
 * The repository does not hold what a command line names (a stream, a
 * tag), or holds it in a state the command refuses; the CLI exits 2 with
 * the message alone.
 */
export class InputError extends ReconcilerError {
  constructor(message: string) {
    super("INPUT_INVALID", message);
  }
}

/** A failure as results report it: its stable code (UNKNOWN when it has none) and message. */
export interface ErrorSummary {
  readonly code: string;
  readonly message: string;
}

/** The code and message of anything thrown, for results that carry failures as data. */
export function errorSummary(err: unknown): ErrorSummary {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return { code: typeof code === "string" ? code : "UNKNOWN", message };
}
