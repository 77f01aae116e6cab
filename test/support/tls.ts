/**
 * Test certificates made with the `openssl` CLI: a self-signed CA, a server
 * certificate for 127.0.0.1 and localhost signed by it, and a separate
 * self-signed RSA key and certificate for signing registry tokens.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A key and certificate on disk, with their PEM text. */
export interface KeyPair {
  readonly keyPath: string;
  readonly certPath: string;
  readonly keyPem: string;
  readonly certPem: string;
}

/** What {@link makeCertificates} wrote. */
export interface Certificates {
  /** The self-signed CA that signed `server`. */
  readonly ca: KeyPair;
  /**
   * A directory holding only `ca.crt`, for skopeo's `--cert-dir` (which
   * would read any `*.key` beside it as a client key).
   */
  readonly caDir: string;
  /** The server certificate: subjectAltName IP:127.0.0.1, DNS:localhost. */
  readonly server: KeyPair;
  /** A self-signed RSA key and certificate for signing RS256 tokens. */
  readonly tokenSigner: KeyPair;
}

/** Runs `openssl` with `args` (no shell), with its stderr in the error. */
async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run("openssl", args, { timeout: 30_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`openssl ${args[0] ?? ""} failed: ${stderr.trim() || String(error)}`, {
      cause: error,
    });
  }
}

/** An openssl config naming `cn` with the `v3` extension section `extensions`. */
function opensslConfig(cn: string, extensions: readonly string[]): string {
  return [
    "[req]",
    "distinguished_name = dn",
    "prompt = no",
    "x509_extensions = v3",
    "[dn]",
    `CN = ${cn}`,
    "[v3]",
    ...extensions,
    "",
  ].join("\n");
}

/** A random positive serial number in hex, as `-set_serial` takes it. */
function serial(): string {
  return `0x${randomBytes(8).toString("hex").replace(/^./, "1")}`;
}

/** Reads the PEM text of a key pair written at `base`.key / `base`.crt. */
async function readPair(base: string): Promise<KeyPair> {
  const keyPath = `${base}.key`;
  const certPath = `${base}.crt`;
  const [keyPem, certPem] = await Promise.all([
    readFile(keyPath, "utf8"),
    readFile(certPath, "utf8"),
  ]);
  return { keyPath, certPath, keyPem, certPem };
}

/** Writes a self-signed certificate with key `keyArgs` at `base`.key / `base`.crt. */
async function selfSigned(
  base: string,
  cn: string,
  keyArgs: readonly string[],
  extensions: readonly string[],
): Promise<KeyPair> {
  const config = `${base}.cnf`;
  await writeFile(config, opensslConfig(cn, extensions));
  await openssl([
    "req",
    "-x509",
    "-config",
    config,
    ...keyArgs,
    "-nodes",
    "-keyout",
    `${base}.key`,
    "-out",
    `${base}.crt`,
    "-days",
    "2",
    "-set_serial",
    serial(),
  ]);
  return readPair(base);
}

/** Writes a server key and a certificate for 127.0.0.1 and localhost signed by `ca`. */
async function serverCertificate(base: string, ca: KeyPair): Promise<KeyPair> {
  const config = `${base}.cnf`;
  await writeFile(
    config,
    opensslConfig("127.0.0.1", [
      "basicConstraints = critical,CA:FALSE",
      "keyUsage = critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage = serverAuth",
      "subjectAltName = IP:127.0.0.1,DNS:localhost",
    ]),
  );
  await openssl([
    "req",
    "-new",
    "-config",
    config,
    ...EC_KEY,
    "-nodes",
    "-keyout",
    `${base}.key`,
    "-out",
    `${base}.csr`,
  ]);
  await openssl([
    "x509",
    "-req",
    "-in",
    `${base}.csr`,
    "-CA",
    ca.certPath,
    "-CAkey",
    ca.keyPath,
    "-set_serial",
    serial(),
    "-days",
    "2",
    "-extfile",
    config,
    "-extensions",
    "v3",
    "-out",
    `${base}.crt`,
  ]);
  return readPair(base);
}

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"] as const;
const RSA_KEY = ["-newkey", "rsa:2048"] as const;

/**
 * Writes a CA, a server certificate signed by it, and a token-signing key
 * pair under `dir` (which must exist), and returns their paths and PEM text.
 */
export async function makeCertificates(dir: string): Promise<Certificates> {
  const caDir = path.join(dir, "ca-certs");
  await mkdir(caDir, { recursive: true });
  const [ca, tokenSigner] = await Promise.all([
    selfSigned(path.join(dir, "ca"), "isg test CA", EC_KEY, [
      "basicConstraints = critical,CA:TRUE",
      "keyUsage = critical,keyCertSign,cRLSign",
      "subjectKeyIdentifier = hash",
    ]),
    selfSigned(path.join(dir, "token-signer"), "isg test token signer", RSA_KEY, [
      "basicConstraints = critical,CA:FALSE",
      "keyUsage = critical,digitalSignature",
    ]),
  ]);
  const [server] = await Promise.all([
    serverCertificate(path.join(dir, "server"), ca),
    writeFile(path.join(caDir, "ca.crt"), ca.certPem),
  ]);
  return { ca, caDir, server, tokenSigner };
}
