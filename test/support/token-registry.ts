/**
 * A TLS registry with delegated token auth: a token server on a second
 * origin, both serving certificates from one test CA, the registry trusting
 * the token signer (distribution's rootcertbundle).
 */
import type { TestContext } from "node:test";
import { startRegistry, type Registry } from "./registry-server.ts";
import { tempRepo } from "./temp-repo.ts";
import { makeCertificates, type Certificates } from "./tls.ts";
import { startTokenServer, type Grant, type TokenServer } from "./token-server.ts";

/** Who may log in, what they get, and the names the registry and tokens use. */
export interface TokenRegistryOptions {
  readonly users: Readonly<Record<string, string>>;
  readonly grant?: Grant;
  /** Refresh tokens valid from the start: token → user name. */
  readonly refreshTokens?: Readonly<Record<string, string>>;
  readonly wrongPasswordMessage?: string;
  readonly service: string;
  readonly issuer: string;
}

/** The started pair and the certificates they use. */
export interface TokenRegistry {
  readonly certs: Certificates;
  readonly tokens: TokenServer;
  readonly registry: Registry;
}

/** Starts the token server, then the registry that sends clients to it. */
export async function startTokenRegistry(
  t: TestContext,
  options: TokenRegistryOptions,
): Promise<TokenRegistry> {
  const certs = await makeCertificates(await tempRepo(t, {}));
  const tokens = await startTokenServer(t, {
    users: options.users,
    issuer: options.issuer,
    service: options.service,
    signingKeyPem: certs.tokenSigner.keyPem,
    signingCertPem: certs.tokenSigner.certPem,
    ...(options.grant === undefined ? {} : { grant: options.grant }),
    ...(options.refreshTokens === undefined ? {} : { refreshTokens: options.refreshTokens }),
    ...(options.wrongPasswordMessage === undefined
      ? {}
      : { wrongPasswordMessage: options.wrongPasswordMessage }),
    tls: { keyPem: certs.server.keyPem, certPem: certs.server.certPem },
  });
  const registry = await startRegistry(t, {
    tls: true,
    certificates: certs,
    auth: {
      kind: "token",
      realm: tokens.realm,
      service: options.service,
      issuer: options.issuer,
      rootCertBundle: certs.tokenSigner.certPath,
    },
  });
  return { certs, tokens, registry };
}
