/**
 * Registry credentials as values that keep their secret to themselves: the
 * password or token lives in a `#private` field (STYLE.md 4.4 "Secrets"), so
 * `JSON.stringify`, `util.inspect`, `String()` and object spread show the
 * username and `<redacted>`, never the secret. Read the secret through the
 * `password` / `identityToken` accessors, only where it is sent.
 */

/** What `toJSON`, `toString` and `util.inspect` print instead of a secret. */
export const REDACTED = "<redacted>";

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom");

/** A username and password, sent as HTTP Basic or to a token realm (SEMANTICS §9.3, B2). */
export class BasicCredential {
  readonly kind = "basic";
  readonly username: string;
  readonly #password: string;

  constructor(username: string, password: string) {
    this.username = username;
    this.#password = password;
  }

  /** The password; never log it. */
  get password(): string {
    return this.#password;
  }

  /** The username with the password redacted. */
  toJSON(): { kind: "basic"; username: string; password: string } {
    return { kind: this.kind, username: this.username, password: REDACTED };
  }

  toString(): string {
    return `BasicCredential(username ${JSON.stringify(this.username)}, password ${REDACTED})`;
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}

/**
 * An OAuth refresh token (Docker's `identitytoken`, a helper's `<token>`
 * answer), exchanged at the realm with `grant_type=refresh_token`
 * (SEMANTICS C3, B3). The username, when known, is informational.
 */
export class IdentityTokenCredential {
  readonly kind = "identityToken";
  readonly username?: string;
  readonly #identityToken: string;

  constructor(identityToken: string, username?: string) {
    if (username !== undefined) this.username = username;
    this.#identityToken = identityToken;
  }

  /** The refresh token; never log it. */
  get identityToken(): string {
    return this.#identityToken;
  }

  /** The username (if any) with the token redacted. */
  toJSON(): { kind: "identityToken"; username?: string; identityToken: string } {
    const username = this.username === undefined ? {} : { username: this.username };
    return { kind: this.kind, ...username, identityToken: REDACTED };
  }

  toString(): string {
    const username =
      this.username === undefined ? "" : `username ${JSON.stringify(this.username)}, `;
    return `IdentityTokenCredential(${username}identity token ${REDACTED})`;
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}

/** Credentials for one registry (or repository); anonymous access is `undefined`. */
export type Credential = BasicCredential | IdentityTokenCredential;

/** Credentials given as plain data, e.g. by an entry point from its inputs. */
export type CredentialInput =
  | { readonly username: string; readonly password: string }
  | { readonly identityToken: string; readonly username?: string };

/** Wraps plain `input` in the redacting {@link Credential} class it describes. */
export function credentialFrom(input: CredentialInput): Credential {
  return "identityToken" in input
    ? new IdentityTokenCredential(input.identityToken, input.username)
    : new BasicCredential(input.username, input.password);
}

/** The secret strings `credential` holds (password or token), for log masking. */
export function secretsOf(credential: Credential): string[] {
  if (credential.kind === "identityToken") return [credential.identityToken];
  const basic = Buffer.from(`${credential.username}:${credential.password}`).toString("base64");
  return [credential.password, basic];
}
