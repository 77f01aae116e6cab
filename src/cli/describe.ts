/**
 * `imagestream-gitops describe STREAM[:TAG]`: what `oc describe is` shows of
 * an image stream, read from the repository's YAML; with a tag, only that
 * tag and the registry's metadata of its current image.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import type { LoadResult } from "../load/load-repository.ts";
import { closest } from "../load/suggest.ts";
import type { ResolvedConfig } from "../model/config.ts";
import { hasErrors } from "../model/diagnostic.ts";
import { formatPlatform } from "../model/platform.ts";
import type { StreamEntry } from "../model/repository.ts";
import type { TagEvent, TagReference } from "../model/generated/imagestream.ts";
import { legacyPlatform } from "../plan/import-settings.ts";
import { fetchImageMetadata } from "../registry/fetch-image-metadata.ts";
import { indexManifests } from "../registry/manifest.ts";
import { isIndex } from "../registry/media-types.ts";
import { renderDescription } from "./describe-render.ts";
import { withManifest } from "./inspect.ts";
import { exitCodes, type Output } from "./output.ts";
import { masker } from "../reconcile/mask.ts";
import { concurrencyArgument, referenceError } from "./registry-command.ts";
import { setUpRegistry, type RegistrySetup } from "../reconcile/registry-setup.ts";
import { renderDiagnostic } from "./render-diagnostics.ts";
import { loadRepositoryAt } from "../reconcile/repository-dir.ts";
import {
  describeStream,
  type DescribedImage,
  type DescribedTag,
  type StreamDescription,
} from "./stream-description.ts";

/** The command's help text. */
export const describeHelp = `Usage: imagestream-gitops describe STREAM[:TAG] [options]

Show an image stream as 'oc describe is' shows it, from the repository's YAML: its
file and line, labels, annotations, image repository, lookup policy, and per tag where
its image comes from (tagged from a registry, tracking a tag of the stream, tagged from
another stream, pinned to an image, a reference, status only), how it is imported
(insecure, scheduled, import mode, Local reference policy) and its status history,
newest first, with each item's age (as kubectl prints ages: 45s, 12m, 5h, 3d, 2y40d).
Tags come in oc's order: latest, then versions newest first, then the rest by name.
STREAM is NAME or NAMESPACE/NAME.

Without :TAG, every tag is shown and no registry is contacted. With :TAG, only that
tag is shown, followed by the registry's metadata of its current image (the first
status item): digest, media type, platforms, created time, size, layers and labels;
reference tags and items without an image digest are never read.

Options:
  --repo DIR            the repository root (default: the current directory)
  --config FILE         the config file (default: DIR/imagestream-gitops.yaml, optional);
                        its registries (insecure, ca, concurrency, location) are used
  --namespace NS        the stream's namespace, when several namespaces have one so named
  --json                one JSON document on stdout: {"stream": {...}, "tags": [...]},
                        times as the files hold them (RFC 3339)
  --no-registry         with :TAG, do not read the image from the registry
  --insecure            skip TLS verification and fall back to plain HTTP, for every registry
  --authfile FILE       credentials file (default: REGISTRY_AUTH_FILE, DOCKER_CONFIG/config.json,
                        ~/.docker/config.json, ~/.dockercfg)
  --concurrency N       requests in flight per registry (default 8)
  --verbose             requests, retries and bytes per registry on stderr
  -h, --help            show this help

Exit status: 0 shown, 1 the registry could not be read (the description is still shown,
with an error line for the tag), 2 bad usage, an unknown or ambiguous stream or tag, or
a repository with errors (printed as 'validate' prints them).
`;

/** Runs `describe`; returns the exit code. `now` is the clock ages are measured from. */
export async function runDescribe(
  args: readonly string[],
  out: Output,
  env: Readonly<Record<string, string | undefined>>,
  now: () => Date = () => new Date(),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      repo: { type: "string", default: "." },
      config: { type: "string" },
      namespace: { type: "string" },
      json: { type: "boolean", default: false },
      "no-registry": { type: "boolean", default: false },
      insecure: { type: "boolean", default: false },
      authfile: { type: "string" },
      concurrency: { type: "string", default: "8" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.stdout(describeHelp);
    return exitCodes.ok;
  }
  const target = targetArgument(positionals, values.namespace);
  const concurrency = concurrencyArgument(values.concurrency);
  const loaded = await loadRepositoryAt(values);
  if (hasErrors(loaded.diagnostics)) {
    reportDiagnostics(loaded, out);
    return exitCodes.invalid;
  }
  const { model } = loaded;
  const entry = selectStream(model.streams, target);
  if (target.tag !== undefined) checkTag(entry, target.tag);
  let description = describeStream(
    entry,
    model.config,
    { file: entry.at.file.path, line: entry.at.line },
    target.tag,
  );

  const read = target.tag !== undefined && !values["no-registry"];
  const setup = read
    ? await setUpRegistry(
        {
          insecure: values.insecure,
          concurrency,
          ...(values.authfile === undefined ? {} : { authFile: values.authfile }),
        },
        model.config,
        values.config === undefined ? model.root : path.dirname(path.resolve(values.config)),
        env,
        process.cwd(),
      )
    : undefined;
  try {
    if (setup !== undefined) {
      const specs = new Map((entry.stream.spec?.tags ?? []).map((t) => [t.name, t]));
      const tags = await Promise.all(
        description.tags.map((tag) =>
          readCurrentImage(setup, tag, specs.get(tag.name) ?? { name: tag.name }, model.config),
        ),
      );
      description = { ...description, tags };
    }
    report(description, values, out, now(), setup);
  } finally {
    await setup?.client.close();
  }
  return description.tags.some((t) => t.error !== undefined) ? exitCodes.failure : exitCodes.ok;
}

/** The stream (and tag) the command line names. */
interface Target {
  readonly namespace?: string;
  readonly name: string;
  readonly tag?: string;
}

/** Parses `[NAMESPACE/]NAME[:TAG]`, reconciled with --namespace. */
function targetArgument(positionals: readonly string[], namespaceFlag: string | undefined): Target {
  const [text, extra] = positionals;
  if (text === undefined) throw new UsageError("name the image stream to describe: STREAM[:TAG]");
  if (extra !== undefined)
    throw new UsageError(`describe takes one image stream, got "${text}" and "${extra}"`);
  const colon = text.indexOf(":");
  const stream = colon === -1 ? text : text.slice(0, colon);
  const tag = colon === -1 ? undefined : text.slice(colon + 1);
  const parts = stream.split("/");
  const name = parts.at(-1) ?? "";
  const namespace = parts.length === 2 ? parts[0] : undefined;
  if (
    text.includes("@") ||
    parts.length > 2 ||
    parts.includes("") ||
    tag === "" ||
    tag?.includes(":") === true
  ) {
    throw new UsageError(
      `"${text}" is not STREAM[:TAG] (STREAM is NAME or NAMESPACE/NAME); to look at an image, use 'inspect'`,
    );
  }
  if (namespace !== undefined && namespaceFlag !== undefined && namespace !== namespaceFlag)
    throw new UsageError(
      `"${text}" is in namespace "${namespace}", not --namespace "${namespaceFlag}"`,
    );
  const ns = namespace ?? namespaceFlag;
  return {
    name,
    ...(ns === undefined ? {} : { namespace: ns }),
    ...(tag === undefined ? {} : { tag }),
  };
}

/** The one stream `target` names; a usage error listing the choices otherwise. */
function selectStream(streams: readonly StreamEntry[], target: Target): StreamEntry {
  const key = (e: StreamEntry): string => `${e.namespace}/${e.stream.metadata.name}`;
  const named = streams.filter((e) => e.stream.metadata.name === target.name);
  const matching =
    target.namespace === undefined ? named : named.filter((e) => e.namespace === target.namespace);
  const [only, second] = matching;
  if (only !== undefined && second === undefined) return only;
  if (only !== undefined) {
    const choices = matching.map(key).sort().join(", ");
    throw new UsageError(
      `image stream "${target.name}" is in several namespaces (${choices}); name one as NAMESPACE/${target.name} or with --namespace`,
    );
  }
  const wanted =
    target.namespace === undefined ? target.name : `${target.namespace}/${target.name}`;
  const known = [...new Set(streams.map(key))].sort();
  const candidates =
    target.namespace === undefined ? streams.map((e) => e.stream.metadata.name) : known;
  const suggestion = closest(wanted, [...new Set(candidates)]);
  throw new UsageError(
    `no image stream named "${wanted}" (known: ${known.length === 0 ? "none" : known.join(", ")})` +
      (suggestion === undefined ? "" : `; did you mean "${suggestion}"?`),
  );
}

/** A usage error unless the stream has `tag` in spec or status. */
function checkTag(entry: StreamEntry, tag: string): void {
  const tags = [
    ...new Set([
      ...(entry.stream.spec?.tags ?? []).map((t) => t.name),
      ...(entry.stream.status?.tags ?? []).map((t) => t.tag),
    ]),
  ];
  if (tags.includes(tag)) return;
  const suggestion = closest(tag, tags);
  throw new UsageError(
    `image stream "${entry.namespace}/${entry.stream.metadata.name}" has no tag "${tag}" (tags: ${tags.length === 0 ? "none" : tags.join(", ")})` +
      (suggestion === undefined ? "" : `; did you mean "${suggestion}"?`),
  );
}

/**
 * The tag with the registry's metadata of its current image, or the error
 * reading it; unchanged when there is nothing to read (a reference tag, no
 * status, no image digest).
 */
async function readCurrentImage(
  setup: RegistrySetup,
  tag: DescribedTag,
  spec: TagReference,
  config: ResolvedConfig,
): Promise<DescribedTag> {
  const current: TagEvent | undefined = tag.items[0];
  if (tag.kind === "reference" || current === undefined || current.image === "") return tag;
  try {
    const { repository } = setup.open(current.dockerImageReference);
    const manifest = await repository.getManifest(current.image);
    const { mediaType, digest } = manifest.descriptor;
    const entries = isIndex(mediaType) ? indexManifests(mediaType, manifest.json) : [];
    const metadata = await fetchImageMetadata(
      withManifest(repository, manifest),
      digest,
      legacyPlatform(spec, config),
    );
    const image: DescribedImage = {
      digest,
      mediaType,
      ...(metadata.created === undefined ? {} : { created: metadata.created }),
      platform: formatPlatform({
        os: metadata.os,
        architecture: metadata.architecture,
        ...(metadata.variant === undefined ? {} : { variant: metadata.variant }),
      }),
      platforms: entries.map((e) => ({
        platform: e.platform === undefined ? "unknown" : formatPlatform(e.platform),
        digest: e.digest,
      })),
      size: metadata.size,
      layers: metadata.layers.length,
      labels: metadata.labels,
    };
    return { ...tag, image };
  } catch (err) {
    return { ...tag, error: referenceError(err) };
  }
}

function report(
  description: StreamDescription,
  flags: { json: boolean; verbose: boolean },
  out: Output,
  now: Date,
  setup: RegistrySetup | undefined,
): void {
  const mask = masker(setup?.credentials.secrets() ?? []);
  if (flags.json) {
    out.stdout(mask(JSON.stringify(description, null, 2)) + "\n");
  } else {
    out.stdout(mask(renderDescription(description, now)));
    const { name, namespace } = description.stream;
    for (const tag of description.tags) {
      if (tag.error !== undefined)
        out.stderr(
          mask(
            `imagestream-gitops describe: ${namespace}/${name}:${tag.name}: ${tag.error.message}\n`,
          ),
        );
    }
  }
  if (flags.verbose && setup !== undefined)
    out.stderr(`registries: ${JSON.stringify(setup.transport.stats.snapshot())}\n`);
}

/** The repository's diagnostics, as `validate` prints them, then why nothing is described. */
function reportDiagnostics({ model, diagnostics, configFile }: LoadResult, out: Output): void {
  const files = configFile === undefined ? model.files : [configFile, ...model.files];
  const sources = new Map(files.map((f) => [f.path, f]));
  for (const d of diagnostics) out.stderr(renderDiagnostic(d, sources.get(d.file)) + "\n");
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  out.stderr(
    `imagestream-gitops describe: the repository has ${String(errors)} error${errors === 1 ? "" : "s"}; fix them first (see 'imagestream-gitops validate')\n`,
  );
}
