/**
 * Builds a registry client from what the command line, the config file and
 * the environment say: per-host insecure, CA and concurrency settings, proxy
 * variables, and the credential store. The only place registry code meets
 * the process.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { UsageError } from "../errors.ts";
import type { ResolvedConfig } from "../model/config.ts";
import { RegistryClient, type ClientHostSettings } from "../registry/client.ts";
import { loadCredentialStore, type CredentialStore } from "../registry/credentials/index.ts";
import { Transport } from "../registry/transport.ts";

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
}

/** Builds the client; `config` may be undefined (no config file: defaults). */
export async function setUpRegistry(
  flags: RegistryFlags,
  config: ResolvedConfig | undefined,
  configDir: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<RegistrySetup> {
  const settings = await hostSettings(flags, config, configDir);
  const transport = new Transport({
    hostSettings: settings,
    proxy: {
      ...definedAs("httpProxy", env["HTTP_PROXY"] ?? env["http_proxy"]),
      ...definedAs("httpsProxy", env["HTTPS_PROXY"] ?? env["https_proxy"]),
      ...definedAs("noProxy", env["NO_PROXY"] ?? env["no_proxy"]),
    },
  });
  const credentials = await loadCredentialStore({
    env,
    homeDir: homedir(),
    ...(flags.authFile === undefined ? {} : { authFile: flags.authFile }),
  });
  const client = new RegistryClient({ transport, credentials, hostSettings: settings });
  return { client, transport, credentials };
}

async function hostSettings(
  flags: RegistryFlags,
  config: ResolvedConfig | undefined,
  configDir: string,
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
  return (host) => {
    const entry = config?.registries[host];
    const ca = cas.get(host);
    return {
      insecure: flags.insecure || entry?.insecure === true,
      concurrency: entry?.concurrency ?? flags.concurrency,
      ...(ca === undefined ? {} : { ca }),
    };
  };
}

function definedAs<K extends string>(
  key: K,
  value: string | undefined,
): Partial<Record<K, string>> {
  return value === undefined || value === "" ? {} : ({ [key]: value } as Record<K, string>);
}
