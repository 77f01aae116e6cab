/**
 * The credential store the registry client asks for credentials
 * (DESIGN.md "Credentials"; SEMANTICS §9). It reads one auth file, calls
 * credential helpers when that file names them, and remembers every secret
 * it has seen so the logger can mask them.
 */
import { authFileLocations } from "./auth-file-locations.ts";
import { credentialFrom, secretsOf, type Credential, type CredentialInput } from "./credential.ts";
import { helperProgram, parseHelperOutcome, type HelperRunner } from "./credential-helper.ts";
import { CredentialsError } from "./credentials-error.ts";
import { findEntry } from "./find-entry.ts";
import type { AuthEntry, AuthFile } from "./parse-auth-file.ts";
import { readAuthFile } from "./read-auth-file.ts";
import { helperServerUrl, lookupKey, parseRegistryKey } from "./registry-key.ts";
import { runHelperProcess } from "./run-helper-process.ts";

/** Default limits for one credential-helper run. */
export const DEFAULT_HELPER_TIMEOUT_MS = 30_000;
export const DEFAULT_HELPER_MAX_OUTPUT_BYTES = 1024 * 1024;

/** What {@link loadCredentialStore} needs; the caller (an entry point) supplies the process's view. */
export interface CredentialStoreOptions {
  /** The environment: `REGISTRY_AUTH_FILE`, `DOCKER_CONFIG`, and `PATH` for helpers. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The user's home directory (`~/.docker/config.json`, `~/.dockercfg`); "" for none. */
  readonly homeDir: string;
  /** `--authfile`: when given it must exist, and it is the only file read. */
  readonly authFile?: string;
  /**
   * Credentials given directly (Action inputs, flags), keyed like auth-file
   * keys (`quay.io`, `quay.io/org`, `https://index.docker.io/v1/`). They take
   * precedence over everything read from files and helpers.
   */
  readonly configCredentials?: Readonly<Record<string, CredentialInput>>;
  /** Runs credential helpers; defaults to spawning them. */
  readonly runHelper?: HelperRunner;
  readonly helperTimeoutMs?: number;
  readonly helperMaxOutputBytes?: number;
}

/** Per-lookup options. */
export interface LookupOptions {
  /** Stops waiting for a credential helper (the helper itself still ends by its timeout). */
  readonly signal?: AbortSignal;
}

/**
 * Loads the credential store: reads the first auth file that exists among
 * the explicit `authFile`, `$REGISTRY_AUTH_FILE`, `$DOCKER_CONFIG/config.json`
 * (else `~/.docker/config.json`) and the legacy `~/.dockercfg`, and only that
 * one (Docker reads one config file, and containers/image reads only a file
 * the user named). Absent files are skipped silently, except an explicit
 * `authFile`. Helpers are not run until a lookup needs them.
 *
 * Throws {@link CredentialsError} (`code` `CREDENTIALS`): `FILE_MISSING`,
 * `FILE_UNREADABLE`, `FILE_SYNTAX`, `FILE_SHAPE`, `AUTH_ENCODING`,
 * `HELPER_NAME`; messages name the file and key, never a secret.
 */
export async function loadCredentialStore(
  options: CredentialStoreOptions,
): Promise<CredentialStore> {
  let file: AuthFile | undefined;
  for (const location of authFileLocations(options)) {
    file = await readAuthFile(location);
    if (file !== undefined) break;
  }
  const configured = Object.entries(options.configCredentials ?? {}).map(
    ([key, input]): AuthEntry => ({
      key,
      registry: parseRegistryKey(key),
      credential: credentialFrom(input),
    }),
  );
  return new CredentialStore({
    file,
    configured,
    helperEnv: definedOnly(options.env),
    runHelper: options.runHelper ?? runHelperProcess,
    helperTimeoutMs: options.helperTimeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS,
    helperMaxOutputBytes: options.helperMaxOutputBytes ?? DEFAULT_HELPER_MAX_OUTPUT_BYTES,
  });
}

/** The parts {@link loadCredentialStore} assembles. */
interface StoreParts {
  readonly file: AuthFile | undefined;
  readonly configured: readonly AuthEntry[];
  readonly helperEnv: Readonly<Record<string, string>>;
  readonly runHelper: HelperRunner;
  readonly helperTimeoutMs: number;
  readonly helperMaxOutputBytes: number;
}

/** Credentials by registry host and repository; build it with {@link loadCredentialStore}. */
export class CredentialStore {
  readonly #parts: StoreParts;
  readonly #secrets = new Set<string>();
  /** Helper answers, per helper and server URL, kept for the life of the store. */
  readonly #helperAnswers = new Map<string, Promise<Credential | undefined>>();

  constructor(parts: StoreParts) {
    this.#parts = parts;
    for (const secret of parts.file?.secrets ?? []) this.#secrets.add(secret);
    for (const entry of parts.configured) this.#remember(entry.credential);
  }

  /** The auth file that was read, if any (for "using credentials from ..." messages). */
  get file(): string | undefined {
    return this.#parts.file?.file;
  }

  /**
   * The credential for `repository` (e.g. `org/app`; optional) on registry
   * `host` (e.g. `quay.io`, `localhost:5000`, any Docker Hub name), or
   * undefined for anonymous access. In order, the first that has one wins:
   *
   * 1. `configCredentials`, most specific key first;
   * 2. the file's `credHelpers[host]` (Docker, oc/containers);
   * 3. its `credsStore` (Docker; containers/image ignores it);
   * 4. its `auths` entries, most specific key first (`quay.io/org/app`,
   *    `quay.io/org`, then `quay.io`), as oc and containers/image do; the
   *    docker CLI has host keys only, and never sees a per-repository key.
   *
   * Keys and `host` are normalised alike (scheme and, with a scheme, path
   * stripped; port kept; `docker.io`, `index.docker.io`,
   * `registry-1.docker.io` and `https://index.docker.io/v1/` all mean Docker
   * Hub, so a lone `registry-1.docker.io` key serves Docker Hub as it does
   * for containers/image but not for OpenShift's importer).
   *
   * Where the implementations differ we chose: a helper answering "not
   * found" lets the lookup go on to the next source (Docker stops at the
   * helper it selected and goes anonymous), so an entry podman or `oc`
   * wrote inline still counts; identity tokens are returned (OpenShift's
   * importer ignores them); helpers get Docker's server URL for Docker Hub
   * (`https://index.docker.io/v1/`) and the host elsewhere.
   *
   * Throws {@link CredentialsError}: `HELPER_MISSING`, `HELPER_FAILED`,
   * `HELPER_TIMEOUT`, `HELPER_OUTPUT`, `ABORTED`. A failed helper run is not
   * cached; a successful one (credential or "not found") is.
   */
  async lookup(
    host: string,
    repository?: string,
    options: LookupOptions = {},
  ): Promise<Credential | undefined> {
    const target = lookupKey(host, repository);
    const configured = findEntry(this.#parts.configured, target);
    if (configured !== undefined) return configured.credential;
    const file = this.#parts.file;
    if (file === undefined) return undefined;
    for (const suffix of [file.credHelpers.get(target.host), file.credsStore]) {
      if (suffix === undefined) continue;
      const answer = await abortable(this.#askHelper(suffix, target.host), options.signal, {
        helper: helperProgram(suffix),
        host: target.host,
      });
      if (answer !== undefined) return answer;
    }
    return findEntry(file.entries, target)?.credential;
  }

  /** Every password, identity token and `auth` value loaded so far, for the logger to mask. */
  secrets(): readonly string[] {
    return [...this.#secrets];
  }

  #askHelper(suffix: string, host: string): Promise<Credential | undefined> {
    const serverUrl = helperServerUrl(host);
    const cacheKey = `${suffix}\n${serverUrl}`;
    let answer = this.#helperAnswers.get(cacheKey);
    if (answer === undefined) {
      answer = this.#runHelper(suffix, host, serverUrl);
      void answer.catch(() => this.#helperAnswers.delete(cacheKey));
      this.#helperAnswers.set(cacheKey, answer);
    }
    return answer;
  }

  async #runHelper(
    suffix: string,
    host: string,
    serverUrl: string,
  ): Promise<Credential | undefined> {
    const { runHelper, helperEnv, helperTimeoutMs, helperMaxOutputBytes } = this.#parts;
    const program = helperProgram(suffix);
    const outcome = await runHelper({
      program,
      args: ["get"],
      input: serverUrl,
      env: helperEnv,
      timeoutMs: helperTimeoutMs,
      maxOutputBytes: helperMaxOutputBytes,
    });
    const credential = parseHelperOutcome(outcome, {
      program,
      host,
      timeoutMs: helperTimeoutMs,
      maxOutputBytes: helperMaxOutputBytes,
      knownSecrets: this.secrets(),
    });
    if (credential !== undefined) this.#remember(credential);
    return credential;
  }

  #remember(credential: Credential): void {
    for (const secret of secretsOf(credential)) this.#secrets.add(secret);
  }
}

/** `promise`, or a rejection with `ABORTED` as soon as `signal` aborts. */
function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  where: { readonly helper: string; readonly host: string },
): Promise<T> {
  if (signal === undefined) return promise;
  const aborted = (): CredentialsError =>
    new CredentialsError(
      "ABORTED",
      `credential lookup for "${where.host}" was aborted while "${where.helper}" ran`,
      where,
    );
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(aborted());
    };
    signal.addEventListener("abort", onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => {
      signal.removeEventListener("abort", onAbort);
    });
  });
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const defined: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) defined[name] = value;
  return defined;
}
