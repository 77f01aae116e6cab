/**
 * The environment every git command of a workspace runs with: the caller's
 * own (GIT_* variables a CI sets are honoured as set), prompts off, and the
 * token as an `http.extraHeader` passed through GIT_CONFIG_COUNT entries so
 * it never reaches an argv, a config file or a URL.
 */

/** The variables of one git environment, every value a string. */
export type GitEnvironment = Readonly<Record<string, string>>;

/**
 * What git would run to show an editor or a pager. No command here is
 * interactive, so these are dropped rather than allowed through
 * simple-git's environment guard (which refuses them otherwise).
 */
const interactiveKeys = new Set([
  "EDITOR",
  "VISUAL",
  "PAGER",
  "GIT_EDITOR",
  "GIT_PAGER",
  "GIT_SEQUENCE_EDITOR",
]);

/** The Basic credential user GitHub wants for a token. */
export const defaultTokenUser = "x-access-token";

/** How the token reaches git, and how it is redacted. */
export interface GitToken {
  readonly token: string;
  readonly user: string;
}

/** Where the token may go and which hooks run. */
export interface GitEnvironmentOptions {
  /**
   * The origin (`https://host[:port]`) the token is sent to: the header is
   * `http.<origin>/.extraHeader`, so git sends it to that origin alone, not
   * to a redirect target or a submodule elsewhere.
   */
  readonly tokenOrigin?: string;
  /**
   * An empty directory set as `core.hooksPath`: prepare-commit-msg and
   * post-commit run despite `--no-verify`, and a checkout's hooks would
   * rewrite the tool's message or see the token.
   */
  readonly hooksPath?: string;
}

/**
 * Builds the environment from `env` (undefined values and editor/pager
 * variables left out), with GIT_TERMINAL_PROMPT=0 and GIT_CONFIG_KEY_n/VALUE_n
 * pairs appended after the caller's own: the hooks path, and the token's
 * header scoped to its origin. Pure.
 */
export function buildGitEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  token: GitToken | undefined,
  options: GitEnvironmentOptions = {},
): GitEnvironment {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !interactiveKeys.has(key.toUpperCase())) out[key] = value;
  }
  // A prompt would hang a CI job or a cron run: fail instead.
  out.GIT_TERMINAL_PROMPT = "0";
  if (options.hooksPath !== undefined) appendConfig(out, "core.hooksPath", options.hooksPath);
  if (token !== undefined) {
    const key =
      options.tokenOrigin === undefined
        ? "http.extraHeader"
        : `http.${options.tokenOrigin}/.extraHeader`;
    appendConfig(out, key, `Authorization: Basic ${basicCredential(token)}`);
  }
  return out;
}

/** Adds `key=value` after the caller's GIT_CONFIG_COUNT entries (git ≥ 2.31), keeping theirs. */
function appendConfig(env: Record<string, string>, key: string, value: string): void {
  const raw = env.GIT_CONFIG_COUNT ?? "0";
  const count = /^\d+$/.test(raw) ? Number(raw) : 0;
  env[`GIT_CONFIG_KEY_${String(count)}`] = key;
  env[`GIT_CONFIG_VALUE_${String(count)}`] = value;
  env.GIT_CONFIG_COUNT = String(count + 1);
}

/** `base64(user:token)`, as an `Authorization: Basic` header carries it. */
export function basicCredential(token: GitToken): string {
  return Buffer.from(`${token.user}:${token.token}`).toString("base64");
}

/** Every form of the token a message could hold, for redaction. */
export function tokenSecrets(token: GitToken | undefined): readonly string[] {
  if (token === undefined || token.token === "") return [];
  return [basicCredential(token), token.token];
}

/** Where a token may go: an origin, nowhere (undefined), or refused. */
export type TokenOrigin = { readonly origin: string } | undefined | "refused";

/**
 * The origin a token may be sent to for `url`: https, or plain http to a
 * loopback address (test servers, a port-forward); undefined for ssh, file
 * and scp-like URLs, which a header does not reach anyway.
 *
 * @returns "refused" for plain http to any other host: the token would cross
 *   the network in clear text.
 */
export function tokenOrigin(url: string): TokenOrigin {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol === "https:") return { origin: parsed.origin };
  if (parsed.protocol !== "http:") return undefined;
  const loopback =
    ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname) ||
    parsed.hostname.startsWith("127.");
  return loopback ? { origin: parsed.origin } : "refused";
}
