/**
 * The registry clients a repository's run uses: one for everything, with
 * the config's TLS settings, and, when some tag imports insecurely (D1), a
 * second one that skips verification, so a secure tag on the same host
 * never loses it or falls back to HTTP. Planning and apply's copies share
 * this; both close the clients when done.
 */
import path from "node:path";
import type { LoadResult } from "../load/load-repository.ts";
import type { OpenedRepository } from "../registry/open-repository.ts";
import type { HostStats } from "../registry/stats.ts";
import { setUpRegistry, type RegistrySetup } from "./registry-setup.ts";

/** How the repository's registries are reached: the flags of plan, apply, tag and import-image. */
export interface ClientValues {
  /** The config file, when not the repository's own. */
  readonly config?: string | undefined;
  /** Registry credentials, when not the default Docker config. */
  readonly authfile?: string | undefined;
  /** Every registry insecure (TLS unverified, plain HTTP fallback). */
  readonly insecure: boolean;
  /** Requests in flight per registry, unless the config says otherwise. */
  readonly concurrency: number;
}

/** The secure client and, when asked for, the insecure one. */
export interface RepositoryClients {
  /** Opens a name with the insecure client when `insecure` and there is one. */
  readonly open: (name: string, insecure: boolean) => OpenedRepository;
  /** Credentials to mask, read after the run: a credential helper may have answered during it. */
  readonly secrets: () => string[];
  /** Counters per host; the insecure client's under `HOST (insecure)` when both used a host. */
  readonly stats: () => Record<string, HostStats>;
  readonly close: () => Promise<void>;
}

/** Builds the clients; the insecure one only when `needsInsecure` and not every registry is. */
export async function repositoryClients(
  loaded: LoadResult,
  values: ClientValues,
  env: Readonly<Record<string, string | undefined>>,
  needsInsecure: boolean,
): Promise<RepositoryClients> {
  const { model } = loaded;
  const { root } = model;
  const configDir = values.config === undefined ? root : path.dirname(path.resolve(values.config));
  const flags = {
    concurrency: values.concurrency,
    ...(values.authfile === undefined ? {} : { authFile: values.authfile }),
  };
  const build = (insecure: boolean): Promise<RegistrySetup> =>
    setUpRegistry({ ...flags, insecure }, model.config, configDir, env, root);
  const secure = await build(values.insecure);
  const insecure = values.insecure || !needsInsecure ? undefined : await build(true);
  return {
    open: (name, tls) => (tls && insecure !== undefined ? insecure : secure).open(name),
    secrets: () => [...secure.credentials.secrets(), ...(insecure?.credentials.secrets() ?? [])],
    stats: () =>
      mergeStats(secure.transport.stats.snapshot(), insecure?.transport.stats.snapshot() ?? {}),
    close: async () => {
      await secure.client.close();
      await insecure?.client.close();
    },
  };
}

/** Counters of the secure and the insecure client, one entry per host and client. */
function mergeStats(
  secure: Record<string, HostStats>,
  insecure: Record<string, HostStats>,
): Record<string, HostStats> {
  const merged = { ...secure };
  for (const [host, stats] of Object.entries(insecure))
    merged[host in merged ? `${host} (insecure)` : host] = stats;
  return merged;
}
