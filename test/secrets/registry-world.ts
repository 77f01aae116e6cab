/**
 * The registries of the secret-hygiene suite, one auth path each, all TLS
 * under one test CA:
 * - `tokens` (a delegated token server) in front of `token` (the registry):
 *   `alice` logs in with the config.json `auths` basic canary; the
 *   repository `idt/app` is reached with an `identitytoken` canary, a
 *   refresh token of `carol` (per-repository auth-file key);
 * - `helper`: htpasswd, credentials from `credHelpers[host]`;
 * - `store`: htpasswd, credentials from `credsStore` (a mirror destination);
 * - `front`: plain HTTP in front of `helper`, insecure by config, whose
 *   manifests answer 500 (a registry outage).
 * Helpers are shell scripts in a `bin` directory put first on PATH.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { TestContext } from "node:test";
import { writeImage } from "../support/oci-image.ts";
import { startFrontServer, type FrontServer } from "../support/redirect-server.ts";
import { startRegistry, type Registry } from "../support/registry-server.ts";
import { pushLayout } from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";
import { startTokenRegistry } from "../support/token-registry.ts";
import type { TokenServer } from "../support/token-server.ts";
import { canaries } from "./canaries.ts";

/** The started registries and the files that point at them. */
export interface RegistryWorld {
  readonly tokens: TokenServer;
  readonly token: Registry;
  readonly helper: Registry;
  readonly store: Registry;
  readonly front: FrontServer;
  /** A directory with `config.yaml` (CAs, `front` insecure), `auth.json`, `wrong.json`, `env.json` and `bin/`. */
  readonly dir: string;
  readonly config: string;
  readonly authFile: string;
  /** As `authFile` with `alice`'s password wrong. */
  readonly wrongAuthFile: string;
  /** The same registries again, under other users, for `REGISTRY_AUTH_FILE`. */
  readonly envAuthFile: string;
  /** PATH with the helpers first. */
  readonly path: string;
}

/** Starts everything and pushes `team/app:1.0` and `idt/app:1.0` to `token`, `team/app:1.0` to `helper`. */
export async function startRegistryWorld(t: TestContext): Promise<RegistryWorld> {
  const {
    certs,
    tokens,
    registry: token,
  } = await startTokenRegistry(t, {
    users: { alice: canaries.basic, envfile: canaries.authFileEnv },
    refreshTokens: { [canaries.identityToken]: "carol" },
    issuer: "isg-secrets",
    service: "isg-secrets-registry",
    grant: (user, scope) => (user === undefined ? [] : scope.actions),
  });
  const [helper, store] = await Promise.all([
    startRegistry(t, {
      tls: true,
      certificates: certs,
      auth: { kind: "htpasswd", username: "helper", password: canaries.helper },
    }),
    startRegistry(t, {
      tls: true,
      certificates: certs,
      auth: { kind: "htpasswd", username: "store", password: canaries.store },
    }),
  ]);
  const front = await startFrontServer(t, {
    upstream: helper.url,
    upstreamCa: certs.ca.certPem,
    answer: (r) =>
      r.path.includes("/manifests/")
        ? { status: 500, body: '{"errors":[{"code":"UNKNOWN","message":"backend down"}]}' }
        : undefined,
  });
  const layout = await tempRepo(t, {});
  await writeImage(layout, { tag: "1.0", layers: 1 });
  const asAlice = { certDir: certs.caDir, creds: `alice:${canaries.basic}` };
  await pushLayout(layout, "1.0", `${token.host}/team/app:1.0`, asAlice);
  await pushLayout(layout, "1.0", `${token.host}/idt/app:1.0`, asAlice);
  await pushLayout(layout, "1.0", `${helper.host}/team/app:1.0`, {
    certDir: certs.caDir,
    creds: `helper:${canaries.helper}`,
  });

  const dir = await tempRepo(t, { "ca.pem": certs.ca.certPem });
  const bin = path.join(dir, "bin");
  await mkdir(bin);
  const helperScript = (host: string, user: string, secret: string): string =>
    `#!/bin/sh
read url
case "$url" in
  *${host}*) printf '{"ServerURL":"%s","Username":"${user}","Secret":"${secret}"}\\n' "$url" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;
  await writeFile(
    path.join(bin, "docker-credential-isg-helper"),
    // The front server stands for the same backend: the helper has its credentials too.
    helperScript("127.0.0.1", "helper", canaries.helper),
  );
  await writeFile(
    path.join(bin, "docker-credential-isg-store"),
    helperScript(store.host, "store", canaries.store),
  );
  await chmod(path.join(bin, "docker-credential-isg-helper"), 0o755);
  await chmod(path.join(bin, "docker-credential-isg-store"), 0o755);

  const config = path.join(dir, "config.yaml");
  await writeFile(
    config,
    `registries:
  "${token.host}": {ca: ca.pem}
  "${tokens.host}": {ca: ca.pem}
  "${helper.host}": {ca: ca.pem}
  "${store.host}": {ca: ca.pem}
  "${front.host}": {insecure: true}
`,
  );
  const b64 = (s: string): string => Buffer.from(s).toString("base64");
  const authFor = (alicePassword: string): object => ({
    auths: {
      [token.host]: { auth: b64(`alice:${alicePassword}`) },
      [`${token.host}/idt`]: { identitytoken: canaries.identityToken },
      "unreachable.invalid": { auth: b64(`alice:${alicePassword}`) },
    },
    credHelpers: { [helper.host]: "isg-helper", [front.host]: "isg-helper" },
    credsStore: "isg-store",
  });
  const authFile = path.join(dir, "auth.json");
  const wrongAuthFile = path.join(dir, "wrong.json");
  const envAuthFile = path.join(dir, "env.json");
  await writeFile(authFile, JSON.stringify(authFor(canaries.basic)));
  await writeFile(wrongAuthFile, JSON.stringify(authFor(`${canaries.basic}-wrong`)));
  await writeFile(
    envAuthFile,
    JSON.stringify({ auths: { [token.host]: { auth: b64(`envfile:${canaries.authFileEnv}`) } } }),
  );
  return {
    tokens,
    token,
    helper,
    store,
    front,
    dir,
    config,
    authFile,
    wrongAuthFile,
    envAuthFile,
    path: `${bin}:${process.env["PATH"] ?? "/usr/bin:/bin"}`,
  };
}
