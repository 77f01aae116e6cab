/**
 * The typed failure of a git command, with credentials removed from every
 * field: what a person reads about a failed fetch or push never holds a
 * token (STYLE.md 4.4, Secrets).
 */
import { ReconcilerError } from "../../errors.ts";

/** Lines of stderr kept: the end is where git says what went wrong. */
const tailLines = 20;

const mask = "***";

/** What failed, as the runner saw it (before redaction). */
export interface GitFailure {
  /** The git subcommand, e.g. `push`. */
  readonly subcommand: string;
  /** Undefined when git did not run or did not exit (spawn failure, a guard refused the command). */
  readonly exitCode: number | undefined;
  /** Everything git wrote to stderr. */
  readonly stderr: string;
  /** Replaces the default message (`git <subcommand> exited <code>: <last stderr line>`). */
  readonly message?: string;
}

/**
 * A git command that failed (code GIT), naming the subcommand, its exit code
 * and the last lines of its stderr. Every text field passes through
 * {@link redactGitText} with the given secrets.
 */
export class GitError extends ReconcilerError {
  readonly subcommand: string;
  readonly exitCode: number | undefined;
  /** The last lines of stderr, credentials removed. */
  readonly stderr: string;

  constructor(failure: GitFailure, secrets: readonly string[] = []) {
    super("GIT", redactGitText(failure.message ?? defaultMessage(failure), secrets));
    this.subcommand = failure.subcommand;
    this.exitCode = failure.exitCode;
    this.stderr = redactGitText(tailOf(failure.stderr), secrets);
  }
}

function defaultMessage(failure: GitFailure): string {
  const status = failure.exitCode === undefined ? "failed" : `exited ${String(failure.exitCode)}`;
  const last = lastLine(failure.stderr);
  const why = refusals(failure.stderr).map((line) => `\n  ${line}`);
  return `git ${failure.subcommand} ${status}${last === "" ? "" : `: ${last}`}${why.join("")}`;
}

/** Rejection lines kept in a message. */
const refusalLines = 6;

/**
 * Why a push was refused, when git says: the rejected refs (`! [rejected]`,
 * `! [remote rejected] HEAD -> branch (pre-receive hook declined)`) and what
 * the remote printed (`remote: ...`, a hook's or a forge's reason). Without
 * them the message is only "failed to push some refs", naming no branch.
 */
function refusals(stderr: string): string[] {
  return lines(stderr)
    .filter((line) => /^\s*!\s*\[(remote )?rejected\]|^remote:\s*\S/.test(line))
    .map((line) => line.trim())
    .slice(0, refusalLines);
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n|\r/)
    .map((line) => line.trimEnd())
    .filter((line) => line !== "");
}

/**
 * What git said went wrong: its first and last `fatal:`/`error:` lines
 * (the cause, e.g. `error: RPC failed; HTTP 500`, comes before its
 * consequence, `fatal: the remote end hung up unexpectedly`), else its
 * last line.
 */
function lastLine(stderr: string): string {
  const all = lines(stderr);
  const reasons = all.filter((line) => /^(fatal|error):/i.test(line));
  const first = reasons[0];
  const last = reasons.at(-1);
  if (first === undefined || last === undefined) return all.at(-1) ?? "";
  return first === last ? last : `${first}; ${last}`;
}

function tailOf(stderr: string): string {
  return lines(stderr).slice(-tailLines).join("\n");
}

/**
 * Removes credentials from text git printed or a URL a person reads: the
 * value of any `Authorization:` header, the user info of URLs (the password
 * of any scheme; all of it for http(s), where a token may sit in the user
 * name), and each of `secrets` verbatim. Pure.
 */
export function redactGitText(text: string, secrets: readonly string[]): string {
  let out = text
    .replace(/(authorization:\s*)[^\r\n"']*/gi, `$1${mask}`)
    .replace(/\b(https?:\/\/)[^/\s@]+@/gi, `$1${mask}@`)
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+):[^/\s@]+@/gi, `$1:${mask}@`);
  for (const secret of secrets) {
    if (secret !== "") out = out.split(secret).join(mask);
  }
  return out;
}

/** The same failure as `err` told in `message` (redacted with `secrets`), for a cause the caller knows better. */
export function rephraseGitError(
  err: GitError,
  message: string,
  secrets: readonly string[],
): GitError {
  return new GitError(
    { subcommand: err.subcommand, exitCode: err.exitCode, stderr: err.stderr, message },
    secrets,
  );
}
