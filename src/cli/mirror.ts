/**
 * `imagestream-gitops mirror SRC DST [DST...]`, `mirror SRC=DST...` and
 * `mirror -f FILE`: copies images between registries and OCI layouts as
 * `oc image mirror` does (SEMANTICS §10), every platform by default (D13),
 * with referrers, streaming blobs from source to destination.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import { endpointOf } from "../execute/mirror/endpoint.ts";
import type { ImageCopy, ImageResult, MirrorDestination } from "../execute/mirror/copy-image.ts";
import {
  defaultMaxPerRegistry,
  imageSucceeded,
  mirrorImages,
} from "../execute/mirror/mirror-images.ts";
import type { RegistrySetup } from "../reconcile/registry-setup.ts";
import {
  expandMapping,
  finishMappings,
  mappingsFromArguments,
  mappingsFromFile,
  parseMapping,
  requireMappings,
  type MirrorEndpoint,
  type MirrorMapping,
  type ParsedMapping,
} from "./mirror-mappings.ts";
import { everyInterval, formatSummary, startProgress } from "../reconcile/mirror-progress.ts";
import { exitCodes, type Output } from "./output.ts";
import { masker } from "../reconcile/mask.ts";
import { positiveArgument } from "../reconcile/reconcile-flags.ts";
import { referenceError, registryFromFlags } from "./registry-command.ts";
import { isNotFound } from "../execute/mirror/not-found.ts";
import type { RepositoryName } from "../registry/registry-location.ts";
import { endpointKey } from "./mirror-endpoint.ts";

/** The command's help text. */
export const mirrorHelp = `Usage: imagestream-gitops mirror SRC DST [DST...] [options]
       imagestream-gitops mirror SRC=DST [SRC=DST...] [options]
       imagestream-gitops mirror -f MAPPING_FILE [options]

Copy images from one repository to others, as 'oc image mirror' does: blobs stream
from the source into each destination without being stored locally, each verified
against its digest; a blob the destination holds is skipped, one in another of its
repositories is mounted. Manifests are pushed after their blobs and the tag last, so
a tag never points at an incomplete image. Multi-platform images are copied whole, so
the destination digest equals the source digest. Signatures, SBOMs and attestations
(referrers of the image) are copied with it.

SRC and DST are image references with the registry written out (docker.io and
library/ are not assumed: docker.io/library/busybox:1.36), OCI image layouts
(oci:PATH[:TAG]) or file://PATH[:TAG] (an OCI layout under --dir, for disconnected
transfer; it can be the SRC of a later mirror). A SRC without a tag mirrors every
tag (a tag with * mirrors the tags it matches); DST then names a repository. A DST
without a tag gets the SRC's tag; a SRC by digest and a DST without a tag push by
digest only.

Options:
  -f, --filename FILE      read SRC=DST (or SRC DST...) lines from FILE ('#' comments); repeatable
  --dir DIR                base directory of file:// paths (default: the working directory)
  --filter-by-os REGEX     copy only the platforms whose os/arch[/variant] matches REGEX
                           (unanchored); the destination digest then differs from the source's
  --keep-manifest-list     accepted for oc compatibility: the source index is kept by default
  --skip-referrers         do not copy signatures, SBOMs and attestations
  --skip-mount             never mount blobs across repositories; send them
  --skip-missing           a source that does not exist is a warning, not a failure
  --force                  push the manifests and tag even when the destination holds the image
                           (blobs it holds are still skipped)
  --max-per-registry N     blob transfers in flight per destination registry (default ${String(defaultMaxPerRegistry)})
  --dry-run                read the sources, ask the destinations what they hold, write nothing
  --insecure               skip TLS verification and fall back to plain HTTP, for every registry
  --authfile FILE          credentials file (default: REGISTRY_AUTH_FILE, DOCKER_CONFIG/config.json,
                           ~/.docker/config.json, ~/.dockercfg)
  --config FILE            per-registry settings (insecure, ca, concurrency, location) from this config
  --concurrency N          requests in flight per registry (default 8)
  --json                   one JSON document on stdout: every image's result and the counters
  -h, --help               show this help

Output: one "DIGEST DESTINATION" line per pushed tag on stdout; progress (a live line on
a terminal, a line every 10 s otherwise) and the summary on stderr.
Exit status: 0 all mirrored, 1 an image could not be mirrored, 2 bad usage.
`;

const options = {
  filename: { type: "string", short: "f", multiple: true },
  dir: { type: "string", default: "." },
  "filter-by-os": { type: "string" },
  "keep-manifest-list": { type: "boolean", default: false },
  "skip-referrers": { type: "boolean", default: false },
  "skip-mount": { type: "boolean", default: false },
  "skip-missing": { type: "boolean", default: false },
  force: { type: "boolean", default: false },
  "max-per-registry": { type: "string", default: String(defaultMaxPerRegistry) },
  "dry-run": { type: "boolean", default: false },
  insecure: { type: "boolean", default: false },
  authfile: { type: "string" },
  config: { type: "string" },
  concurrency: { type: "string", default: "8" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** What the command needs of the terminal (the entry point knows). */
export interface TerminalInfo {
  readonly isTTY: boolean;
  readonly columns?: number;
}

/** Runs `mirror`; returns the exit code. */
export async function runMirror(
  args: readonly string[],
  out: Output,
  env: Readonly<Record<string, string | undefined>>,
  terminal: TerminalInfo = { isTTY: false },
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.stdout(mirrorHelp);
    return exitCodes.ok;
  }
  const mappings = await readMappings(positionals, values.filename ?? []);
  const parsed = mappings.map((m) => parseMapping(m, { dir: values.dir }));
  const filter = filterArgument(values["filter-by-os"]);
  if (filter !== undefined && values["keep-manifest-list"]) {
    // oc pushes the source index with only the matching manifests: registries that check an
    // index's manifests refuse it, and those that do not tag an incomplete image.
    throw new UsageError(
      "--keep-manifest-list keeps the source index, which needs every platform it lists: drop --filter-by-os to copy them all, or --keep-manifest-list to copy only the matching ones",
    );
  }
  const maxPerRegistry = positiveArgument("--max-per-registry", values["max-per-registry"]);
  const { setup } = await registryFromFlags(values, env);
  const mask = masker(setup.credentials.secrets());
  const progress = startProgress({
    write: (text) => {
      out.stderr(mask(text));
    },
    isTTY: terminal.isTTY && !values.json,
    now: Date.now,
    every: everyInterval,
    ...(terminal.columns === undefined ? {} : { columns: terminal.columns }),
  });
  const started = Date.now();
  try {
    const { expanded, failed: unlisted } = await expandAll(
      parsed,
      setup,
      values["skip-missing"],
      (message) => {
        progress.onEvent({ type: "warning", message });
      },
    );
    const images = groupBySource(finishMappings(expanded), setup);
    const results = await mirrorImages(images, {
      filter: {
        ...(filter === undefined ? {} : { pattern: filter }),
        keepManifestList: values["keep-manifest-list"],
      },
      referrers: !values["skip-referrers"],
      force: values.force,
      dryRun: values["dry-run"],
      skipMissing: values["skip-missing"],
      maxPerRegistry,
      skipMount: values["skip-mount"],
      emit: progress.onEvent,
      done: (result) => {
        progress.imageDone(imageSucceeded(result));
      },
    });
    progress.stop();
    results.unshift(...unlisted);
    const failed = results.filter((r) => !imageSucceeded(r));
    const stats = setup.transport.stats.snapshot();
    const requests = Object.values(stats).reduce((sum, s) => sum + s.requests, 0);
    const counters = progress.counters();
    const elapsed = Date.now() - started;
    if (values.json) {
      const document = {
        dryRun: values["dry-run"],
        images: results,
        summary: { ...counters, seconds: elapsed / 1000, requests },
        registries: stats,
      };
      out.stdout(mask(JSON.stringify(document, null, 2)) + "\n");
    } else {
      out.stdout(results.flatMap(resultLines).join(""));
      out.stderr(mask(formatSummary(counters, elapsed, requests)) + "\n");
      if (filter !== undefined && results.some((r) => r.filtering !== "none")) {
        out.stderr(
          "note: --filter-by-os left platforms out, so destination digests differ from the source's\n",
        );
      }
    }
    return failed.length > 0 ? exitCodes.failure : exitCodes.ok;
  } finally {
    progress.stop();
    await setup.client.close();
  }
}

/** oc's stdout: `<digest> <destination>` per pushed tag; a dry run says what it would do. */
function resultLines(result: ImageResult): string[] {
  return result.destinations.flatMap((d) => {
    if (d.digest === undefined) return [];
    if (d.status === "planned") return [`would copy ${result.source} -> ${d.destination}\n`];
    if (d.status === "failed") return [];
    return [`${d.digest} ${d.destination}\n`];
  });
}

async function readMappings(
  positionals: readonly string[],
  files: readonly string[],
): Promise<MirrorMapping[]> {
  const mappings: MirrorMapping[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file === "-" ? "/dev/stdin" : file, "utf8");
    } catch (err) {
      throw new UsageError(`cannot read mapping file "${file}": ${(err as Error).message}`);
    }
    mappings.push(...mappingsFromFile(text, file));
  }
  if (positionals.length > 0 || files.length === 0) {
    mappings.push(...mappingsFromArguments(positionals));
  }
  requireMappings(mappings);
  return mappings;
}

/** Mappings whose source names no tag, or a pattern, expanded against the source's tags (X3). */
async function expandAll(
  mappings: readonly ParsedMapping[],
  setup: RegistrySetup,
  skipMissing: boolean,
  warn: (message: string) => void,
): Promise<{ expanded: ParsedMapping[]; failed: ImageResult[] }> {
  const expanded: ParsedMapping[] = [];
  const failed: ImageResult[] = [];
  for (const mapping of mappings) {
    if (mapping.tagPattern === undefined) {
      expanded.push(mapping);
      continue;
    }
    const { repository } = setup.open(repositoryName(mapping.source));
    let tags: string[];
    try {
      tags = await repository.listTags();
    } catch (err) {
      if (skipMissing && isNotFound(err)) {
        warn(`Image ${mapping.source.text} does not exist and will not be mirrored`);
        continue;
      }
      // One source that cannot be listed fails its mappings, not the others.
      const error = referenceError(err);
      warn(`${mapping.source.text}: cannot list its tags: ${error.message}`);
      failed.push({
        source: mapping.source.text,
        filtering: "none",
        destinations: [
          { destination: mapping.destination.text, status: "failed", referrers: 0, error },
        ],
        error,
      });
      continue;
    }
    const found = expandMapping(mapping, tags);
    if (found.length === 0)
      warn(`no tag of ${mapping.source.text} matches "${mapping.tagPattern}"`);
    expanded.push(...found);
  }
  return { expanded, failed };
}

/** One ImageCopy per source image, with every destination it goes to: the source is read once. */
function groupBySource(mappings: readonly ParsedMapping[], setup: RegistrySetup): ImageCopy[] {
  const bySource = new Map<string, { source: MirrorEndpoint; destinations: MirrorEndpoint[] }>();
  for (const { source, destination } of mappings) {
    const key = endpointKey(source);
    const entry = bySource.get(key) ?? { source, destinations: [] };
    entry.destinations.push(destination);
    bySource.set(key, entry);
  }
  return [...bySource.values()].map(({ source, destinations }) => {
    const opened = setup.open(repositoryName(source));
    return {
      source: endpointOf(opened.repository),
      reference: opened.reference,
      display: source.text,
      destinations: destinations.map((d): MirrorDestination => {
        const target = setup.open(repositoryName(d, true));
        return {
          endpoint: endpointOf(target.repository),
          display: d.text,
          ...(d.tag === undefined ? {} : { tag: d.tag }),
        };
      }),
    };
  });
}

/** The repository name `setup.open` takes for an endpoint; `bare` leaves out its tag and digest. */
function repositoryName(endpoint: MirrorEndpoint, bare = false): RepositoryName {
  const tag = bare ? undefined : endpoint.tag;
  const digest = bare ? undefined : endpoint.digest;
  const reference = digest ?? tag ?? "";
  if (endpoint.kind === "layout") return { kind: "layout", path: endpoint.dir, reference };
  return {
    kind: "registry",
    ref: {
      domain: endpoint.domain,
      path: endpoint.path,
      ...(tag === undefined ? {} : { tag }),
      ...(digest === undefined ? {} : { digest }),
    },
  };
}

function filterArgument(text: string | undefined): RegExp | undefined {
  if (text === undefined) return undefined;
  try {
    return new RegExp(text);
  } catch (err) {
    throw new UsageError(`--filter-by-os: ${(err as Error).message}`);
  }
}
