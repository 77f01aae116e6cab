/**
 * A real CNCF distribution registry (Debian's `docker-registry`) on
 * 127.0.0.1 with a random free port and temporary storage: plain HTTP or TLS,
 * anonymous, htpasswd basic auth or delegated token auth. Stopped and its
 * storage removed when the test ends.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { exited, freePort, launch, terminate, type Launched } from "./server-process.ts";
import { makeCertificates, type Certificates } from "./tls.ts";

const run = promisify(execFile);

/** How the registry authenticates clients. */
export type RegistryAuth =
  | {
      readonly kind: "htpasswd";
      readonly username: string;
      readonly password: string;
    }
  | {
      readonly kind: "token";
      /** The token server's URL, e.g. `http://127.0.0.1:PORT/token`. */
      readonly realm: string;
      readonly service: string;
      readonly issuer: string;
      /** Path of a PEM file holding the certificate that signs tokens. */
      readonly rootCertBundle: string;
    };

/** Options of {@link startRegistry}. */
export interface RegistryOptions {
  /** Serve HTTPS with a certificate from a test CA (default: plain HTTP). */
  readonly tls?: boolean;
  /** Certificates to serve with when `tls` (default: new ones in the temp dir). */
  readonly certificates?: Certificates;
  /** Client authentication (default: anonymous access to everything). */
  readonly auth?: RegistryAuth;
}

/** A running registry. */
export interface Registry {
  /** `127.0.0.1:PORT`, the host part of image references. */
  readonly host: string;
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** The CA that signed the server certificate, when `tls`. */
  readonly caPem?: string;
  /** A directory holding only the CA's `ca.crt` (skopeo's `--cert-dir`), when `tls`. */
  readonly caDir?: string;
  /** The certificates served, when `tls`. */
  readonly certificates?: Certificates;
  /** The registry's storage root directory. */
  readonly storageDir: string;
  /** The last lines the registry wrote to stderr (its log). */
  logTail(): string;
  /** Stops the registry (also done when the test ends). */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 15_000;
const PORT_ATTEMPTS = 5;

/** Bcrypt's base64 (`./A-Za-z0-9`) of `bytes`, without padding. */
function bcryptBase64(bytes: Uint8Array): string {
  const standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const bcrypt = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Buffer.from(bytes)
    .toString("base64")
    .replace(/=+$/, "")
    .replace(/./g, (c) => bcrypt[standard.indexOf(c)] ?? "");
}

/**
 * A bcrypt hash of `password` (distribution's htpasswd accepts nothing
 * else), from the system's libcrypt through perl, which Debian always has.
 */
export async function bcryptHash(password: string): Promise<string> {
  const salt = `$2b$05$${bcryptBase64(randomBytes(16))}`;
  const { stdout } = await run("perl", ["-e", "print crypt($ARGV[0], $ARGV[1])", password, salt], {
    timeout: 10_000,
  });
  if (!stdout.startsWith("$2b$05$")) {
    throw new Error(`perl crypt() gave no bcrypt hash (libcrypt without bcrypt?): ${stdout}`);
  }
  return stdout;
}

/** The `auth` section of the registry configuration. */
async function authConfig(root: string, auth: RegistryAuth | undefined): Promise<object> {
  if (auth === undefined) return {};
  if (auth.kind === "token") {
    const { realm, service, issuer, rootCertBundle: rootcertbundle } = auth;
    return { auth: { token: { realm, service, issuer, rootcertbundle } } };
  }
  const file = path.join(root, "htpasswd");
  await writeFile(file, `${auth.username}:${await bcryptHash(auth.password)}\n`);
  return { auth: { htpasswd: { realm: "isg-test-registry", path: file } } };
}

/** The registry configuration (JSON, which distribution's YAML reader accepts). */
function registryConfig(
  root: string,
  port: number,
  certificates: Certificates | undefined,
  auth: object,
): string {
  const tls =
    certificates === undefined
      ? {}
      : { tls: { certificate: certificates.server.certPath, key: certificates.server.keyPath } };
  const config = {
    version: "0.1",
    log: { level: "info", formatter: "text", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: path.join(root, "storage") },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: {
      addr: `127.0.0.1:${port}`,
      secret: randomBytes(16).toString("hex"),
      headers: { "X-Content-Type-Options": ["nosniff"] },
      ...tls,
    },
    ...auth,
  };
  return JSON.stringify(config, null, 2);
}

/** The environment without `REGISTRY_*` variables, which would override the config. */
function registryEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("REGISTRY_")),
  );
}

/** The status of `GET url`, or undefined when nothing answers. */
function probe(url: string, caPem: string | undefined): Promise<number | undefined> {
  return new Promise((resolve) => {
    const done = (res: http.IncomingMessage): void => {
      res.resume();
      resolve(res.statusCode);
    };
    const req = url.startsWith("https:")
      ? https.get(url, { agent: false, timeout: 1_000, ...(caPem ? { ca: caPem } : {}) }, done)
      : http.get(url, { agent: false, timeout: 1_000 }, done);
    req.on("error", () => {
      resolve(undefined);
    });
    req.on("timeout", () => req.destroy());
  });
}

/** Waits until `GET /v2/` answers 200 or 401; false if the process exits first. */
async function waitReady(
  child: ChildProcess,
  url: string,
  caPem: string | undefined,
): Promise<boolean> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!exited(child)) {
    const status = await probe(`${url}/v2/`, caPem);
    if (status === 200 || status === 401) return true;
    if (Date.now() > deadline) throw new Error(`registry at ${url} not ready after timeout`);
    await sleep(25);
  }
  return false;
}

/** Starts a registry on a free port, retrying when another process took it. */
async function startOnFreePort(
  root: string,
  scheme: string,
  certificates: Certificates | undefined,
  auth: object,
  onLaunch: (launched: Launched) => void,
): Promise<{ launched: Launched; port: number }> {
  let lastTail = "";
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const port = await freePort();
    const configPath = path.join(root, "config.yml");
    await writeFile(configPath, registryConfig(root, port, certificates, auth));
    const launched = launch("docker-registry", ["serve", configPath], registryEnv());
    onLaunch(launched);
    const url = `${scheme}://127.0.0.1:${port}`;
    if (await waitReady(launched.child, url, certificates?.ca.certPem)) return { launched, port };
    await terminate(launched.child);
    lastTail = launched.tail();
    if (!/address already in use/.test(lastTail)) break;
  }
  throw new Error(`docker-registry did not start; its stderr ends with:\n${lastTail}`);
}

/**
 * Starts `docker-registry` on 127.0.0.1 with a random free port and storage
 * in a temporary directory; it is stopped and the directory removed when
 * `t` ends. Resolves once `GET /v2/` answers (200, or 401 with auth).
 */
export async function startRegistry(
  t: TestContext,
  options: RegistryOptions = {},
): Promise<Registry> {
  const root = await mkdtemp(path.join(tmpdir(), "isg-registry-"));
  let current: Launched | undefined;
  const stop = async (): Promise<void> => {
    if (current) await terminate(current.child);
  };
  t.after(async () => {
    await stop();
    await rm(root, { recursive: true, force: true });
  });
  const certificates = options.tls
    ? (options.certificates ?? (await makeCertificates(root)))
    : undefined;
  const scheme = certificates ? "https" : "http";
  const auth = await authConfig(root, options.auth);
  const { launched, port } = await startOnFreePort(root, scheme, certificates, auth, (l) => {
    current = l;
  });
  const host = `127.0.0.1:${port}`;
  const base = { host, url: `${scheme}://${host}`, port, storageDir: path.join(root, "storage") };
  const tlsParts = certificates
    ? { caPem: certificates.ca.certPem, caDir: certificates.caDir, certificates }
    : {};
  return { ...base, ...tlsParts, logTail: launched.tail, stop };
}

/**
 * Where distribution's filesystem driver keeps the blob `digest` (sha256),
 * for tests that change stored content behind the registry's back.
 */
export function storedBlobPath(registry: Registry, digest: string): string {
  const hex = digest.slice("sha256:".length);
  return path.join(
    registry.storageDir,
    "docker/registry/v2/blobs/sha256",
    hex.slice(0, 2),
    hex,
    "data",
  );
}
