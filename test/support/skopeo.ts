/**
 * skopeo, the independent oracle of the registry tests: pushes OCI layouts
 * to a test registry and reads digests and tags back. It runs with its own
 * empty auth file, registries.conf and an accept-anything policy, so the
 * machine's credentials and configuration are never used.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sha256Digest } from "./oci-image.ts";

/** How skopeo reaches the registry. */
export interface SkopeoOptions {
  /** Require HTTPS and verify it (default: true when `certDir` is given, else false). */
  readonly tlsVerify?: boolean;
  /** A directory holding the registry CA as `*.crt` (and nothing else). */
  readonly certDir?: string;
  /** `user:password`; anonymous when absent. */
  readonly creds?: string;
  /** Kills skopeo after this many milliseconds (default 60 s). */
  readonly timeoutMs?: number;
}

/** Files that isolate skopeo from the machine's configuration. */
interface Isolation {
  readonly authFile: string;
  readonly policy: string;
  readonly registriesConf: string;
  readonly registriesD: string;
}

let isolation: Isolation | undefined;

/** Creates the isolation files once per process; removed when the process exits. */
function isolated(): Isolation {
  if (isolation) return isolation;
  const dir = mkdtempSync(path.join(tmpdir(), "isg-skopeo-"));
  process.on("exit", () => {
    rmSync(dir, { recursive: true, force: true });
  });
  const files = {
    authFile: path.join(dir, "auth.json"),
    policy: path.join(dir, "policy.json"),
    registriesConf: path.join(dir, "registries.conf"),
    registriesD: path.join(dir, "registries.d"),
  };
  writeFileSync(files.authFile, "{}\n");
  writeFileSync(files.policy, JSON.stringify({ default: [{ type: "insecureAcceptAnything" }] }));
  writeFileSync(files.registriesConf, "");
  mkdirSync(files.registriesD);
  isolation = files;
  return files;
}

/** `docker://ref` unless `ref` already names a transport. */
function dockerRef(ref: string): string {
  return /^[a-z-]+:\/\//.test(ref) || ref.startsWith("oci:") ? ref : `docker://${ref}`;
}

/** The connection flags, each prefixed with `prefix` (`dest-` for copy). */
function connectionArgs(prefix: string, options: SkopeoOptions): string[] {
  const verify = options.tlsVerify ?? options.certDir !== undefined;
  return [
    `--${prefix}tls-verify=${String(verify)}`,
    ...(options.certDir === undefined ? [] : [`--${prefix}cert-dir`, options.certDir]),
    ...(options.creds === undefined
      ? [`--${prefix}no-creds`]
      : [`--${prefix}creds`, options.creds]),
  ];
}

/** Runs skopeo with `args`; resolves to stdout, rejects with its stderr. */
function skopeo(args: readonly string[], options: SkopeoOptions): Promise<Buffer> {
  const files = isolated();
  const all = ["--policy", files.policy, "--registries.d", files.registriesD, ...args];
  const env = {
    ...process.env,
    CONTAINERS_REGISTRIES_CONF: files.registriesConf,
    REGISTRY_AUTH_FILE: files.authFile,
  };
  return new Promise((resolve, reject) => {
    execFile(
      "skopeo",
      all,
      { env, encoding: "buffer", timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        const message = stderr.toString("utf8").trim() || error.message;
        const shown = args.map((a) => (a === options.creds ? "USER:***" : a)).join(" ");
        reject(new Error(`skopeo ${shown} failed: ${message}`, { cause: error }));
      },
    );
  });
}

/**
 * Copies tag `tag` of the OCI layout `layoutDir` to `destRef`
 * (`host/repo:tag`) with all platforms and byte-identical manifests
 * (`copy --all --preserve-digests`).
 */
export async function pushLayout(
  layoutDir: string,
  tag: string,
  destRef: string,
  options: SkopeoOptions = {},
): Promise<void> {
  const files = isolated();
  await skopeo(
    [
      "copy",
      "--all",
      "--preserve-digests",
      "--quiet",
      "--authfile",
      files.authFile,
      ...connectionArgs("dest-", options),
      `oci:${layoutDir}:${tag}`,
      dockerRef(destRef),
    ],
    options,
  );
}

/** The raw manifest (or index) bytes of `ref` (`host/repo:tag` or `@digest`). */
export function inspectRaw(ref: string, options: SkopeoOptions = {}): Promise<Buffer> {
  const files = isolated();
  return skopeo(
    [
      "inspect",
      "--raw",
      "--authfile",
      files.authFile,
      ...connectionArgs("", options),
      dockerRef(ref),
    ],
    options,
  );
}

/** The digest of `ref`: sha256 of the raw manifest bytes `skopeo inspect --raw` prints. */
export async function inspectDigest(ref: string, options: SkopeoOptions = {}): Promise<string> {
  return sha256Digest(await inspectRaw(ref, options));
}

/**
 * The digest `skopeo inspect --format {{.Digest}}` prints: the top-level
 * manifest's. For an index it needs a manifest for this machine's platform.
 */
export async function inspectFormatDigest(
  ref: string,
  options: SkopeoOptions = {},
): Promise<string> {
  const files = isolated();
  const out = await skopeo(
    [
      "inspect",
      "--no-tags",
      "--format",
      "{{.Digest}}",
      "--authfile",
      files.authFile,
      ...connectionArgs("", options),
      dockerRef(ref),
    ],
    options,
  );
  return out.toString("utf8").trim();
}

/** The tags of repository `repoRef` (`host/repo`), as the registry lists them. */
export async function listTags(repoRef: string, options: SkopeoOptions = {}): Promise<string[]> {
  const files = isolated();
  const out = await skopeo(
    ["list-tags", "--authfile", files.authFile, ...connectionArgs("", options), dockerRef(repoRef)],
    options,
  );
  const parsed = JSON.parse(out.toString("utf8")) as { Tags?: string[] | null };
  return parsed.Tags ?? [];
}

/** What `skopeo inspect` prints of an image (the fields the tests compare). */
export interface SkopeoImage {
  readonly Digest: string;
  readonly Created?: string;
  readonly Architecture: string;
  readonly Os: string;
  readonly Labels: Record<string, string> | null;
  readonly Env: string[] | null;
  /** Layer digests (skopeo 1.9 prints no LayersData). */
  readonly Layers: string[];
}

/** Global flags that make skopeo pick `platform` from an index instead of this machine's. */
function overrideArgs(platform: { os: string; architecture: string } | undefined): string[] {
  return platform === undefined
    ? []
    : ["--override-os", platform.os, "--override-arch", platform.architecture];
}

/**
 * `skopeo inspect` of `ref`: for an index, of `platform`'s image (default:
 * this machine's); Digest stays the top-level manifest's.
 */
export async function inspectImage(
  ref: string,
  options: SkopeoOptions = {},
  platform?: { os: string; architecture: string },
): Promise<SkopeoImage> {
  const files = isolated();
  const out = await skopeo(
    [
      ...overrideArgs(platform),
      "inspect",
      "--no-tags",
      "--authfile",
      files.authFile,
      ...connectionArgs("", options),
      dockerRef(ref),
    ],
    options,
  );
  return JSON.parse(out.toString("utf8")) as SkopeoImage;
}

/** The raw config blob of `ref` (`skopeo inspect --config --raw`), for an index `platform`'s. */
export function inspectConfigRaw(
  ref: string,
  options: SkopeoOptions = {},
  platform?: { os: string; architecture: string },
): Promise<Buffer> {
  const files = isolated();
  return skopeo(
    [
      ...overrideArgs(platform),
      "inspect",
      "--config",
      "--raw",
      "--authfile",
      files.authFile,
      ...connectionArgs("", options),
      dockerRef(ref),
    ],
    options,
  );
}

/**
 * `skopeo copy --all REF dir:DIR`: skopeo pulls every manifest and blob of
 * `ref` and checks each against its digest; it fails on anything missing or
 * wrong, so a copy that succeeds shows the image is complete and intact.
 */
export async function copyToDir(
  ref: string,
  dir: string,
  options: SkopeoOptions = {},
): Promise<void> {
  const files = isolated();
  await skopeo(
    [
      "copy",
      "--all",
      "--quiet",
      "--authfile",
      files.authFile,
      ...connectionArgs("src-", options),
      dockerRef(ref),
      `dir:${dir}`,
    ],
    options,
  );
}
