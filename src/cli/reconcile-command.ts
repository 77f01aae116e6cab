/**
 * The flags `plan`, `apply` and `reconcile` share, and how they become the
 * reconcile layer's request.
 */
import type { PlanRequest } from "../reconcile/plan-run.ts";
import { concurrencyArgument } from "./registry-command.ts";

/** The parseArgs options of `plan` and `apply`. */
export const reconcileOptions = {
  repo: { type: "string", default: "." },
  config: { type: "string" },
  authfile: { type: "string" },
  insecure: { type: "boolean", default: false },
  concurrency: { type: "string", default: "8" },
  shard: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The help lines of {@link reconcileOptions}. */
export const reconcileOptionsHelp = `  --repo DIR          the repository root (default: the current directory)
  --config FILE       the config file (default: DIR/imagestream-gitops.yaml, optional)
  --authfile FILE     registry credentials (default: REGISTRY_AUTH_FILE, DOCKER_CONFIG/config.json,
                      ~/.docker/config.json, ~/.dockercfg)
  --insecure          skip TLS verification and fall back to plain HTTP for every registry
  --concurrency N     requests in flight per registry (default 8; a registry's config entry wins)
  --shard I/N         plan only shard I of N: streams split by a stable hash, streams that
                      resolve from one another kept together (a CI matrix runs one each)
  --json              one JSON document on stdout (schemas/plan.schema.json)
  -h, --help          show this help`;

/** The parsed values of {@link reconcileOptions}. */
export interface ReconcileValues {
  readonly repo: string;
  readonly config?: string | undefined;
  readonly authfile?: string | undefined;
  readonly insecure: boolean;
  readonly concurrency: string;
  readonly shard?: string | undefined;
  readonly json: boolean;
}

/** The values of {@link reconcileOptions} as the reconcile layer's request. */
export function planRequest(values: ReconcileValues): PlanRequest {
  return {
    repo: values.repo,
    config: values.config,
    authfile: values.authfile,
    insecure: values.insecure,
    concurrency: concurrencyArgument(values.concurrency),
    shard: values.shard,
  };
}
