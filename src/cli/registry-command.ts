/**
 * What the commands that read images (`digest`, `inspect`) share: their
 * registry flags, turning those into a registry client, reference and
 * platform arguments, and the per-reference error they report.
 */
import { ReconcilerError, UsageError, errorSummary, type ErrorSummary } from "../errors.ts";
import type { ResolvedConfig } from "../model/config.ts";
import { parsePlatform, type Platform } from "../registry/manifest.ts";
import { parseRepositoryName, type RepositoryName } from "../registry/registry-location.ts";
import { positiveArgument } from "../reconcile/reconcile-flags.ts";
import { setUpRegistry, type RegistrySetup } from "../reconcile/registry-setup.ts";

/** The parseArgs options every image-reading command takes. */
export const registryCommandOptions = {
  platform: { type: "string" },
  insecure: { type: "boolean", default: false },
  authfile: { type: "string" },
  config: { type: "string" },
  concurrency: { type: "string", default: "8" },
  json: { type: "boolean", default: false },
  verbose: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The parsed values of {@link registryCommandOptions}. */
export interface RegistryCommandValues {
  readonly platform?: string | undefined;
  readonly insecure: boolean;
  readonly authfile?: string | undefined;
  readonly config?: string | undefined;
  readonly concurrency: string;
}

/** A command's references and registry client, checked before any request. */
export interface RegistryCommand {
  readonly references: readonly { readonly text: string; readonly name: RepositoryName }[];
  readonly platform: Platform | undefined;
  readonly config: ResolvedConfig | undefined;
  readonly setup: RegistrySetup;
}

/**
 * Checks the references and flags, then builds the client. Bad input throws
 * UsageError before the config file is read or any client is built.
 */
export async function openRegistryCommand(
  values: RegistryCommandValues,
  positionals: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<RegistryCommand> {
  if (positionals.length === 0) throw new UsageError("give at least one image reference");
  const references = positionals.map((text) => ({ text, name: parseNameArgument(text) }));
  const platform = values.platform === undefined ? undefined : platformArgument(values.platform);
  const { config, setup } = await registryFromFlags(values, env);
  return { references, platform, config, setup };
}

/** The config file `--config` names, if any, and a registry client built from it and the flags. */
export async function registryFromFlags(
  values: Omit<RegistryCommandValues, "platform">,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ config: ResolvedConfig | undefined; setup: RegistrySetup }> {
  const concurrency = concurrencyArgument(values.concurrency);
  // Loaded only when asked for: the config loader brings the YAML and schema machinery.
  const config =
    values.config === undefined
      ? undefined
      : await (await import("./config-file.ts")).loadConfigFile(values.config);
  const setup = await setUpRegistry(
    {
      insecure: values.insecure,
      concurrency,
      ...(values.authfile === undefined ? {} : { authFile: values.authfile }),
    },
    config?.config,
    config?.dir ?? ".",
    env,
    process.cwd(),
  );
  return { config: config?.config, setup };
}

/** A failure of one reference, as results report it. */
export type ReferenceError = ErrorSummary;

/** The stable code and message of `err`. */
export const referenceError = errorSummary;

/** The value of `--concurrency`: requests in flight per registry. */
export function concurrencyArgument(text: string): number {
  return positiveArgument("--concurrency", text);
}

function parseNameArgument(text: string): RepositoryName {
  try {
    return parseRepositoryName(text);
  } catch (err) {
    if (err instanceof ReconcilerError && err.code === "REFERENCE_INVALID")
      throw new UsageError(`invalid reference "${text}": ${err.message}`);
    throw err;
  }
}

function platformArgument(text: string): Platform {
  const platform = parsePlatform(text);
  if (platform === undefined)
    throw new UsageError(
      `--platform must be OS/ARCH[/VARIANT], such as linux/arm64, got "${text}"`,
    );
  return platform;
}
