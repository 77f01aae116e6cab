/**
 * Builds a registry client from what the command line, the config file and
 * the environment say: per-host insecure, CA and concurrency settings, proxy
 * variables, the credential store, and each host's `location` (another
 * registry or an OCI layout serving it). The environment comes in as a
 * value from the entry point.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { ReconcilerError, UsageError } from "../errors.ts";
import type { ResolvedConfig } from "../model/config.ts";
import { parseDuration } from "../plan/duration.ts";
import {
  DOCKER_HUB_API_HOST,
  DOCKER_HUB_DOMAIN,
  parseLocation,
  type RegistryLocation,
} from "../reference/index.ts";
import { RegistryClient, type ClientHostSettings } from "../registry/client.ts";
import { loadCredentialStore, type CredentialStore } from "../registry/credentials/index.ts";
import { openRepository, type OpenedRepository } from "../registry/open-repository.ts";
import type { RepositoryName } from "../registry/registry-location.ts";
import { Transport } from "../registry/transport.ts";

/** How long a registry may keep a request waiting for its headers, or between two body chunks. */
export const defaultRegistryTimeoutMs = 30_000;

/** Registry options a command takes. */
export interface RegistryFlags {
  /** Every registry is insecure (skip TLS verification, fall back to HTTP). */
  readonly insecure: boolean;
  readonly authFile?: string;
  /** Requests in flight per registry host, unless the config says otherwise. */
  readonly concurrency: number;
}

/** A client and what it was built with. */
export interface RegistrySetup {
  readonly client: RegistryClient;
  readonly transport: Transport;
  readonly credentials: CredentialStore;
  /**
   * Opens a repository by name: `oci:PATH[:TAG]` (relative to the working
   * directory) or an image reference, through its host's `location` when the
   * config gives one (`oci:` locations are relative to the config file).
   */
  readonly open: (name: string | RepositoryName) => OpenedRepository;
}

/**
 * Builds the client; `config` may be undefined (no config file: defaults).
 * `cwd` is where `oci:` names given on a command line are relative to.
 *
 * @throws UsageError for an unreadable CA bundle or an invalid `location`.
 */
export async function setUpRegistry(
  flags: RegistryFlags,
  config: ResolvedConfig | undefined,
  configDir: string,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<RegistrySetup> {
  const locations = parseLocations(config);
  const settings = await hostSettings(flags, config, configDir, locations);
  const transport = new Transport({
    hostSettings: settings,
    timeoutMs: registryTimeout(env),
    proxy: {
      ...definedAs("httpProxy", env["HTTP_PROXY"] ?? env["http_proxy"]),
      ...definedAs("httpsProxy", env["HTTPS_PROXY"] ?? env["https_proxy"]),
      ...definedAs("noProxy", env["NO_PROXY"] ?? env["no_proxy"]),
    },
  });
  const credentials = await loadCredentialStore({
    env,
    homeDir: env["HOME"] ?? homedir(),
    ...(flags.authFile === undefined ? {} : { authFile: flags.authFile }),
  });
  const client = new RegistryClient({ transport, credentials, hostSettings: settings });
  const open = (name: string | RepositoryName): OpenedRepository =>
    openRepository(name, {
      remote: (ref) => client.repository(ref),
      cwd: path.resolve(cwd),
      registries: config?.registries ?? {},
      configDir: path.resolve(cwd, configDir),
    });
  return { client, transport, credentials, open };
}

/**
 * ISG_REGISTRY_TIMEOUT (a duration: `30s`, `500ms`, `2m`): how long a
 * registry may leave a request without response headers, or a body
 * without a chunk, before the attempt fails and is retried. Default 30 s.
 *
 * @throws UsageError when it is not a positive duration.
 */
export function registryTimeout(env: Readonly<Record<string, string | undefined>>): number {
  const text = env["ISG_REGISTRY_TIMEOUT"];
  if (text === undefined || text === "") return defaultRegistryTimeoutMs;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new UsageError(
      `ISG_REGISTRY_TIMEOUT: "${text}" is not a positive duration (e.g. 30s, 500ms, 2m)`,
    );
  }
  return ms;
}

/** Every configured `location`, checked once so a bad one is a usage error, not a failed image. */
function parseLocations(config: ResolvedConfig | undefined): Map<string, RegistryLocation> {
  const locations = new Map<string, RegistryLocation>();
  for (const [host, entry] of Object.entries(config?.registries ?? {})) {
    if (entry?.location === undefined) continue;
    try {
      locations.set(host, parseLocation(entry.location));
    } catch (err) {
      if (!(err instanceof ReconcilerError)) throw err;
      throw new UsageError(`registries.${host}.location: ${err.message}`);
    }
  }
  return locations;
}

async function hostSettings(
  flags: RegistryFlags,
  config: ResolvedConfig | undefined,
  configDir: string,
  locations: ReadonlyMap<string, RegistryLocation>,
): Promise<(host: string) => ClientHostSettings> {
  const cas = new Map<string, string>();
  for (const [host, entry] of Object.entries(config?.registries ?? {})) {
    if (entry?.ca === undefined) continue;
    const file = path.resolve(configDir, entry.ca);
    try {
      cas.set(host, await readFile(file, "utf8"));
    } catch {
      throw new UsageError(`registries.${host}.ca: cannot read CA bundle "${file}"`);
    }
  }
  const entryHost = settingsHost(config, locations);
  return (host) => {
    const key = entryHost(host);
    const entry = config?.registries[key];
    const ca = cas.get(key);
    return {
      insecure: flags.insecure || entry?.insecure === true,
      concurrency: entry?.concurrency ?? flags.concurrency,
      ...(ca === undefined ? {} : { ca }),
    };
  };
}

/**
 * Which `registries` entry holds the settings of the API host `host`: its
 * own; Docker Hub's under `docker.io`, the name users write; else, for a
 * host only named as another entry's `location`, that entry's, as
 * registries.conf applies a [[registry]]'s `insecure` to its location.
 */
function settingsHost(
  config: ResolvedConfig | undefined,
  locations: ReadonlyMap<string, RegistryLocation>,
): (host: string) => string {
  const registries = config?.registries ?? {};
  const servedBy = new Map<string, string>();
  for (const [source, location] of locations) {
    if (location.kind === "registry" && !servedBy.has(location.host))
      servedBy.set(location.host, source);
  }
  return (host) => {
    if (registries[host] !== undefined) return host;
    const domain = host === DOCKER_HUB_API_HOST ? DOCKER_HUB_DOMAIN : host;
    if (registries[domain] !== undefined) return domain;
    return servedBy.get(domain) ?? servedBy.get(host) ?? host;
  };
}

function definedAs<K extends string>(
  key: K,
  value: string | undefined,
): Partial<Record<K, string>> {
  return value === undefined || value === "" ? {} : ({ [key]: value } as Record<K, string>);
}
