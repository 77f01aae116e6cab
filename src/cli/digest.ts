/**
 * `imagestream-gitops digest REF...`: the digest of each reference, like
 * `crane digest`, resolving them concurrently in one process (within each
 * registry's concurrency limit). A reference is an image on a registry
 * (through its host's `location` when the config gives one) or an OCI
 * layout, `oci:PATH[:TAG]`.
 */
import { parseArgs } from "node:util";
import type { Descriptor, Platform } from "../registry/manifest.ts";
import type { OpenedRepository } from "../registry/open-repository.ts";
import { exitCodes, type Output } from "./output.ts";
import {
  openRegistryCommand,
  referenceError,
  registryCommandOptions,
  type ReferenceError,
} from "./registry-command.ts";
import { masker } from "../reconcile/mask.ts";

/** The command's help text. */
export const digestHelp = `Usage: imagestream-gitops digest REF... [options]

Print the digest of each image reference, as the registry serves it. REF is an image
reference (quay.io/org/app:1.0, nginx, host:5000/app@sha256:...) or an OCI image layout
directory, oci:PATH[:TAG] (PATH ends at the first colon; TAG may be a tag or a digest;
without one, the layout must hold exactly one image). A registry whose config entry has
a location is read there instead: another registry (host[:port][/prefix]) or one OCI
layout per repository under a directory (oci:DIR, DIR/<repository path>).

Options:
  --platform OS/ARCH[/VARIANT]  from a multi-platform index, the digest of that platform's manifest
  --insecure                    skip TLS verification and fall back to plain HTTP, for every registry
  --authfile FILE               credentials file (default: REGISTRY_AUTH_FILE, DOCKER_CONFIG/config.json,
                                ~/.docker/config.json, ~/.dockercfg)
  --config FILE                 read per-registry settings (insecure, ca, concurrency, location)
                                from this config
  --concurrency N               requests in flight per registry (default 8)
  --json                        one JSON document on stdout, with request counts per registry
  --verbose                     requests, retries and bytes per registry on stderr
  -h, --help                    show this help

With one reference the output is its digest; with several, "DIGEST  REF" per line.
Exit status: 0 all resolved, 1 a reference could not be resolved, 2 bad usage or reference.
`;

interface Result {
  readonly reference: string;
  /** The repository read: `oci:/abs/dir`, or the registry repository after any location rewrite. */
  readonly repository?: string;
  readonly descriptor?: Descriptor;
  readonly error?: ReferenceError;
}

/** Runs `digest`; returns the exit code. */
export async function runDigest(
  args: readonly string[],
  out: Output,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: registryCommandOptions,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.stdout(digestHelp);
    return exitCodes.ok;
  }
  const { references, platform, setup } = await openRegistryCommand(values, positionals, env);
  try {
    const repositories = references.map(({ text, name }) => ({ text, opened: setup.open(name) }));
    const results = await Promise.all(
      repositories.map(({ text, opened }) => resolveOne(text, opened, platform)),
    );
    report(results, setup.transport.stats.snapshot(), values, out, setup.credentials.secrets());
    return results.some((r) => r.error !== undefined) ? exitCodes.failure : exitCodes.ok;
  } finally {
    await setup.client.close();
  }
}

async function resolveOne(
  text: string,
  { repository, reference }: OpenedRepository,
  platform: Platform | undefined,
): Promise<Result> {
  const base = { reference: text, repository: repository.name };
  try {
    return { ...base, descriptor: await repository.resolve(reference, platform) };
  } catch (err) {
    return { ...base, error: referenceError(err) };
  }
}

function report(
  results: readonly Result[],
  stats: Record<string, unknown>,
  flags: { json: boolean; verbose: boolean },
  out: Output,
  secrets: readonly string[],
): void {
  const mask = masker(secrets);
  if (flags.json) {
    out.stdout(mask(JSON.stringify({ results, registries: stats }, null, 2)) + "\n");
    return;
  }
  for (const r of results) {
    if (r.descriptor !== undefined) {
      out.stdout(
        results.length === 1
          ? `${r.descriptor.digest}\n`
          : `${r.descriptor.digest}  ${r.reference}\n`,
      );
    } else {
      out.stderr(
        mask(`imagestream-gitops digest: ${r.reference}: ${r.error?.message ?? "failed"}\n`),
      );
    }
  }
  if (flags.verbose) out.stderr(`registries: ${JSON.stringify(stats)}\n`);
}
