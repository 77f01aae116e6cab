/**
 * The command-line flags `reconcile` and `serve` share, as parseArgs gives
 * them, made into a ReconcileRequest: written once for both entry points
 * (neither may import the other).
 */
import { UsageError } from "../errors.ts";
import { parseForgeKind } from "../publish/forge/forge.ts";
import { shardArgument } from "./plan-run.ts";
import type { ReconcileRequest } from "./reconcile-repository.ts";

/** The parsed values of the shared flags. */
export interface ReconcileFlags {
  readonly repo: string;
  readonly remote?: string | undefined;
  readonly base?: string | undefined;
  readonly forge?: string | undefined;
  readonly config?: string | undefined;
  readonly authfile?: string | undefined;
  readonly insecure: boolean;
  readonly concurrency: string;
  readonly shard?: string | undefined;
  readonly "dry-run": boolean;
}

/**
 * The request `values` ask for.
 *
 * @throws UsageError for a bad --forge, --concurrency or --shard, before any run starts.
 */
export function reconcileRequestFrom(values: ReconcileFlags): ReconcileRequest {
  if (values.shard !== undefined) shardArgument(values.shard);
  return {
    repo: values.repo,
    remote: values.remote,
    base: values.base,
    forge: values.forge === undefined ? undefined : parseForgeKind(values.forge),
    config: values.config,
    authfile: values.authfile,
    insecure: values.insecure,
    concurrency: positiveArgument("--concurrency", values.concurrency),
    shard: values.shard,
    dryRun: values["dry-run"],
  };
}

/** A flag's value that must be a positive integer. */
export function positiveArgument(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`${flag} must be a positive integer, got "${text}"`);
  return value;
}
