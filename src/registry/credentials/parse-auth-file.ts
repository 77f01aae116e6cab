/**
 * Parses Docker auth files (SEMANTICS §9.1) into normalised entries: no I/O.
 *
 * - `config.json` / `auth.json` (C1): `auths` entries, `credHelpers`,
 *   `credsStore`; other top-level fields are ignored.
 * - legacy `.dockercfg` (C2): the same per-host objects at the top level,
 *   with no `auths` wrapper and no helpers.
 *
 * Per entry, as Docker and the kubelet read it: a non-empty `auth` is
 * base64 (padded or unpadded) of `username:password`, split at the FIRST
 * `:`, and overrides the `username`/`password` fields; `identitytoken` makes
 * the entry an identity-token credential (its username, if any, kept for
 * information). containers/image ignores `username`/`password`; we honour
 * them, as Docker and OpenShift do. An entry that yields no secret (`{}`, as
 * Docker writes next to a `credsStore`, or a username alone) is no entry, so
 * a less specific key can still match. `email` and `registrytoken` are
 * ignored (SEMANTICS §11).
 *
 * Throws {@link CredentialsError} (`FILE_SYNTAX`, `FILE_SHAPE`,
 * `AUTH_ENCODING`, `HELPER_NAME`) naming the file and key, never a value.
 */
import {
  BasicCredential,
  IdentityTokenCredential,
  secretsOf,
  type Credential,
} from "./credential.ts";
import { CredentialsError } from "./credentials-error.ts";
import { parseRegistryKey, type RegistryKey } from "./registry-key.ts";

/** `config` for config.json/auth.json, `legacy` for ~/.dockercfg. */
export type AuthFileFormat = "config" | "legacy";

/** One usable `auths` entry. */
export interface AuthEntry {
  /** The key as written in the file. */
  readonly key: string;
  readonly registry: RegistryKey;
  readonly credential: Credential;
}

/** What one auth file says. */
export interface AuthFile {
  readonly file: string;
  /** Usable entries in file order. */
  readonly entries: readonly AuthEntry[];
  /** `credHelpers`, canonical host → helper suffix (keys with a path are never used). */
  readonly credHelpers: ReadonlyMap<string, string>;
  readonly credsStore: string | undefined;
  /** Every secret string in the file, usable or not, for log masking. */
  readonly secrets: readonly string[];
}

type JsonObject = Readonly<Record<string, unknown>>;

interface Where {
  readonly file: string;
  readonly key?: string;
}

/** Parses the text of auth file `file` (a path, used in messages only). */
export function parseAuthFile(text: string, file: string, format: AuthFileFormat): AuthFile {
  const root = asObject(parseJson(text, file), { file }, "the file");
  const secrets: string[] = [];
  const container = format === "config" ? optionalObject(root, "auths", { file }) : root;
  const entries: AuthEntry[] = [];
  for (const [key, value] of Object.entries(container)) {
    const where = { file, key };
    const label = format === "config" ? `auths[${JSON.stringify(key)}]` : JSON.stringify(key);
    if (value === null) continue;
    const credential = parseEntry(asObject(value, where, label), where, label, secrets);
    if (credential !== undefined) {
      entries.push({ key, registry: parseRegistryKey(key), credential });
    }
  }
  if (format === "legacy") {
    return { file, entries, credHelpers: new Map(), credsStore: undefined, secrets };
  }
  return {
    file,
    entries,
    credHelpers: parseCredHelpers(optionalObject(root, "credHelpers", { file }), file),
    credsStore: parseCredsStore(root["credsStore"], file),
    secrets,
  };
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, "")) as unknown;
  } catch (error) {
    // The parser's own message may quote the text around the error, secrets
    // included, so only a position is kept and the error is not chained.
    const offset = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    const at = offset === undefined ? "" : ` at ${lineAndColumn(text, Number(offset))}`;
    throw new CredentialsError("FILE_SYNTAX", `credentials file "${file}" is not valid JSON${at}`, {
      file,
    });
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${String(before.length)}, column ${String((before.at(-1)?.length ?? 0) + 1)}`;
}

function parseEntry(
  entry: JsonObject,
  where: Where,
  label: string,
  secrets: string[],
): Credential | undefined {
  const field = (name: string): string => optionalString(entry, name, where, `${label}.${name}`);
  const auth = field("auth").trim();
  const token = field("identitytoken");
  const fields = { username: field("username"), password: field("password") };
  for (const secret of [auth, token, fields.password]) if (secret !== "") secrets.push(secret);
  const { username, password } = auth === "" ? fields : decodeAuth(auth, where, `${label}.auth`);
  const credential =
    token !== ""
      ? new IdentityTokenCredential(token, username === "" ? undefined : username)
      : password !== ""
        ? new BasicCredential(username, password)
        : undefined;
  if (credential !== undefined) secrets.push(...secretsOf(credential));
  return credential;
}

const paddedBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const unpaddedBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2,3})?$/;

/**
 * Decodes an `auth` value the way the kubelet does (SEMANTICS C1): standard
 * alphabet, padded or unpadded, line breaks ignored; the password is
 * everything after the first `:`.
 */
export function decodeAuth(
  auth: string,
  where: Where,
  label: string,
): { username: string; password: string } {
  const compact = auth.replace(/[\r\n]/g, "");
  const fail = (rule: string): CredentialsError =>
    new CredentialsError(
      "AUTH_ENCODING",
      `credentials file "${where.file}": ${label} ${rule}`,
      where,
    );
  if (!paddedBase64.test(compact) && !unpaddedBase64.test(compact)) {
    throw fail("is not valid base64");
  }
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(compact, "base64"));
  } catch {
    throw fail("does not decode to UTF-8 text");
  }
  const colon = decoded.indexOf(":");
  if (colon === -1) throw fail('must be base64 of "username:password" and has no ":"');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const helperName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function parseCredHelpers(helpers: JsonObject, file: string): ReadonlyMap<string, string> {
  const byHost = new Map<string, string>();
  for (const [key, value] of Object.entries(helpers)) {
    const label = `credHelpers[${JSON.stringify(key)}]`;
    if (value === null) continue;
    const suffix = checkHelperName(value, { file, key }, label);
    const registry = parseRegistryKey(key);
    if (registry.path === "" && suffix !== "" && !byHost.has(registry.host)) {
      byHost.set(registry.host, suffix);
    }
  }
  return byHost;
}

function parseCredsStore(value: unknown, file: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const suffix = checkHelperName(value, { file }, "credsStore");
  return suffix === "" ? undefined : suffix;
}

/** A helper suffix becomes part of a program name: no path separators, no options. */
function checkHelperName(value: unknown, where: Where, label: string): string {
  if (typeof value !== "string") throw shapeError(where, `${label} must be a string`);
  if (value !== "" && !helperName.test(value)) {
    throw new CredentialsError(
      "HELPER_NAME",
      `credentials file "${where.file}": ${label} ${JSON.stringify(value)} is not a credential helper name (letters, digits, ".", "_", "-")`,
      where,
    );
  }
  return value;
}

function optionalObject(parent: JsonObject, name: string, where: Where): JsonObject {
  const value = parent[name];
  return value === undefined || value === null ? {} : asObject(value, where, name);
}

function asObject(value: unknown, where: Where, label: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw shapeError(where, `${label} must be a JSON object`);
  }
  return value as JsonObject;
}

function optionalString(entry: JsonObject, name: string, where: Where, label: string): string {
  const value = entry[name];
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw shapeError(where, `${label} must be a string`);
  return value;
}

function shapeError(where: Where, rule: string): CredentialsError {
  return new CredentialsError("FILE_SHAPE", `credentials file "${where.file}": ${rule}`, where);
}
