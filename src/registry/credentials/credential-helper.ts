/**
 * The docker credential-helper protocol (SEMANTICS C4;
 * docker/docker-credential-helpers client/client.go): run
 * `docker-credential-<suffix> get` with the server URL on stdin; it prints
 * `{"ServerURL": ..., "Username": ..., "Secret": ...}`. `Username` `<token>`
 * means `Secret` is an identity token. A non-zero exit whose output says
 * "credentials not found" means there are none, which is not an error.
 *
 * Running the program is a port ({@link HelperRunner}) so tests can script
 * it; interpreting what it did ({@link parseHelperOutcome}) is pure.
 */
import {
  BasicCredential,
  IdentityTokenCredential,
  REDACTED,
  type Credential,
} from "./credential.ts";
import { CredentialsError } from "./credentials-error.ts";

/** What to run: no shell, the given environment (its PATH finds the program). */
export interface HelperRequest {
  readonly program: string;
  readonly args: readonly string[];
  readonly input: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
}

/** What happened when the helper ran. */
export type HelperOutcome =
  | {
      readonly kind: "exited";
      readonly exitCode: number;
      readonly stdout: string;
      readonly stderr: string;
    }
  | { readonly kind: "signaled"; readonly signal: string }
  | { readonly kind: "missing" }
  | { readonly kind: "spawn-failed"; readonly errno: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "too-large" };

/** Runs a helper program; never rejects for the helper's own failures, it reports them. */
export type HelperRunner = (request: HelperRequest) => Promise<HelperOutcome>;

/** The program a `credHelpers`/`credsStore` suffix names. */
export function helperProgram(suffix: string): string {
  return `docker-credential-${suffix}`;
}

/** The helper's own "none stored" answer (credentials.ErrCredentialsNotFound and kin). */
const notFound = /credentials not found/i;
const tokenUsername = "<token>";
const maxEchoedChars = 200;

/** Where a helper answer came from, for messages. */
export interface HelperContext {
  readonly program: string;
  readonly host: string;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  /** Secrets known so far, masked out of any helper output echoed in a message. */
  readonly knownSecrets: readonly string[];
}

/**
 * The credential `outcome` describes, undefined when the helper has none
 * (or answers with an empty secret). Throws {@link CredentialsError}:
 * `HELPER_MISSING`, `HELPER_FAILED`, `HELPER_TIMEOUT`, `HELPER_OUTPUT`.
 * Output of a successful run is never echoed (it may hold the secret); the
 * first line of a failure's output is, capped and with known secrets masked.
 */
export function parseHelperOutcome(
  outcome: HelperOutcome,
  context: HelperContext,
): Credential | undefined {
  const fail = (reason: ConstructorParameters<typeof CredentialsError>[0], what: string) =>
    new CredentialsError(
      reason,
      `credential helper "${context.program}" for "${context.host}" ${what}`,
      { helper: context.program, host: context.host },
    );
  switch (outcome.kind) {
    case "missing":
      throw fail("HELPER_MISSING", "was not found on PATH");
    case "spawn-failed":
      throw fail("HELPER_MISSING", `could not be started (${outcome.errno})`);
    case "timeout":
      throw fail("HELPER_TIMEOUT", `did not answer within ${String(context.timeoutMs)} ms`);
    case "too-large":
      throw fail("HELPER_OUTPUT", `printed more than ${String(context.maxOutputBytes)} bytes`);
    case "signaled":
      throw fail("HELPER_FAILED", `was killed by ${outcome.signal}`);
    case "exited":
      if (outcome.exitCode === 0) return parseAnswer(outcome.stdout, fail);
      if (notFound.test(outcome.stdout) || notFound.test(outcome.stderr)) return undefined;
      throw fail(
        "HELPER_FAILED",
        `exited with status ${String(outcome.exitCode)}${echo(outcome, context.knownSecrets)}`,
      );
  }
}

function parseAnswer(
  stdout: string,
  fail: (reason: "HELPER_OUTPUT", what: string) => CredentialsError,
): Credential | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    throw fail("HELPER_OUTPUT", "printed something that is not JSON");
  }
  if (typeof answer !== "object" || answer === null || Array.isArray(answer)) {
    throw fail("HELPER_OUTPUT", "printed JSON that is not an object");
  }
  const { Username: username = "", Secret: secret = "" } = answer as Record<string, unknown>;
  if (typeof username !== "string" || typeof secret !== "string") {
    throw fail("HELPER_OUTPUT", 'printed "Username" or "Secret" that is not a string');
  }
  if (secret === "") return undefined;
  return username === tokenUsername
    ? new IdentityTokenCredential(secret)
    : new BasicCredential(username, secret);
}

function echo(
  outcome: { readonly stdout: string; readonly stderr: string },
  knownSecrets: readonly string[],
): string {
  const text = outcome.stdout.trim() === "" ? outcome.stderr : outcome.stdout;
  let line = text.trim().split("\n")[0]?.trim() ?? "";
  for (const secret of knownSecrets) if (secret !== "") line = line.replaceAll(secret, REDACTED);
  if (line.length > maxEchoedChars) line = `${line.slice(0, maxEchoedChars)}…`;
  return line === "" ? "" : `: ${line}`;
}
