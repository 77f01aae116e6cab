/**
 * `imagestream-gitops inspect REF...`: what an ImageStreamImage shows of
 * each reference, like `skopeo inspect` and `oc image info`: the manifest's
 * digest and media type, an index's platforms, and the image's metadata
 * (for an index, of the platform a Legacy import records, or of
 * `--platform`'s), with its referrers on request.
 */
import { parseArgs } from "node:util";
import type { ResolvedConfig } from "../model/config.ts";
import {
  fetchImageMetadata,
  legacyFallbackPlatform,
  pickLegacyManifest,
  type ImageSource,
} from "../registry/fetch-image-metadata.ts";
import type { ImageMetadata } from "../registry/image-metadata.ts";
import {
  indexManifests,
  parsePlatform,
  selectPlatform,
  type Descriptor,
  type Manifest,
  type Platform,
} from "../registry/manifest.ts";
import { isImageConfig, isIndex } from "../registry/media-types.ts";
import type { OpenedRepository } from "../registry/open-repository.ts";
import { PlatformNotFoundError } from "../registry/platform-manifest.ts";
import type { Referrer } from "../registry/referrers.ts";
import { RemoteRepository } from "../registry/remote-repository.ts";
import { listReferrersByTag } from "../registry/tag-referrers.ts";
import { renderInspectResult } from "./inspect-render.ts";
import { exitCodes, type Output } from "./output.ts";
import {
  openRegistryCommand,
  referenceError,
  registryCommandOptions,
  type ReferenceError,
} from "./registry-command.ts";
import { masker } from "../reconcile/mask.ts";

/** The command's help text. */
export const inspectHelp = `Usage: imagestream-gitops inspect REF... [options]

Show what an ImageStreamImage shows of each image reference: its digest and media type;
for an index, the platforms it holds; for an image, its created time, platform, author,
user, working directory, entrypoint and command, environment, exposed ports, labels and
layers. For an index, the image shown is the platform a Legacy import records (the
config's platform, else linux/amd64, else the first), or --platform's. REF is an image
reference or an OCI image layout, oci:PATH[:TAG], as for 'digest'.

Options:
  --platform OS/ARCH[/VARIANT]  from a multi-platform index, show that platform's image
  --referrers                   also list the manifests whose subject is the reference's digest
                                (signatures, SBOMs): the Referrers API, else the referrers tag
                                schema's sha256-<hex> tag, which is also how oci: layouts are read
  --insecure                    skip TLS verification and fall back to plain HTTP, for every registry
  --authfile FILE               credentials file (default: REGISTRY_AUTH_FILE, DOCKER_CONFIG/config.json,
                                ~/.docker/config.json, ~/.dockercfg)
  --config FILE                 read per-registry settings (insecure, ca, concurrency, location)
                                and the Legacy import platform from this config
  --concurrency N               requests in flight per registry (default 8)
  --json                        one JSON document on stdout: {"results": [...]}
  --verbose                     requests, retries and bytes per registry on stderr
  -h, --help                    show this help

Exit status: 0 all shown, 1 a reference could not be read (the others are still shown),
2 bad usage or reference.
`;

/** What `inspect` found out about one reference; `--json` prints these as they are. */
export interface InspectResult {
  readonly reference: string;
  /** The repository read: `oci:/abs/dir`, or the registry repository after any location rewrite. */
  readonly repository?: string;
  /** The manifest the reference names. */
  readonly descriptor?: Descriptor;
  /** An artifact's type (the manifest's artifactType, else its config's media type). */
  readonly artifactType?: string;
  /** An index's entries, in its order. */
  readonly platforms?: readonly Descriptor[];
  /** How the image was picked from an index: `--platform`, or as a Legacy import picks it. */
  readonly picked?: "platform-flag" | "legacy";
  /** The image's metadata; for an index, the picked platform's. */
  readonly image?: ImageMetadata;
  readonly referrers?: readonly Referrer[];
  readonly error?: ReferenceError;
}

/** Runs `inspect`; returns the exit code. */
export async function runInspect(
  args: readonly string[],
  out: Output,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { ...registryCommandOptions, referrers: { type: "boolean", default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.stdout(inspectHelp);
    return exitCodes.ok;
  }
  const command = await openRegistryCommand(values, positionals, env);
  const { setup } = command;
  const options: InspectOptions = {
    platform: command.platform,
    legacyPlatform: legacyPlatformOf(command.config),
    referrers: values.referrers,
  };
  try {
    const results = await Promise.all(
      command.references.map(async ({ text, name }) =>
        inOrder(await inspectOne(text, setup.open(name), options)),
      ),
    );
    const mask = masker(setup.credentials.secrets());
    if (values.json) {
      out.stdout(mask(JSON.stringify({ results }, null, 2)) + "\n");
    } else {
      out.stdout(mask(results.map(renderInspectResult).join("\n")));
      for (const r of results) {
        if (r.error !== undefined)
          out.stderr(mask(`imagestream-gitops inspect: ${r.reference}: ${r.error.message}\n`));
      }
    }
    if (values.verbose)
      out.stderr(`registries: ${JSON.stringify(setup.transport.stats.snapshot())}\n`);
    return results.some((r) => r.error !== undefined) ? exitCodes.failure : exitCodes.ok;
  } finally {
    await setup.client.close();
  }
}

interface InspectOptions {
  readonly platform: Platform | undefined;
  readonly legacyPlatform: Platform;
  readonly referrers: boolean;
}

/** The config's `platform` (what its Legacy imports pick), else OpenShift's default. */
function legacyPlatformOf(config: ResolvedConfig | undefined): Platform {
  return (
    (config === undefined ? undefined : parsePlatform(config.platform)) ?? legacyFallbackPlatform
  );
}

/** Everything about one reference; what was read before a failure is kept beside the error. */
async function inspectOne(
  text: string,
  { repository, reference }: OpenedRepository,
  options: InspectOptions,
): Promise<InspectResult> {
  let result: InspectResult = { reference: text, repository: repository.name };
  try {
    const manifest = await repository.getManifest(reference);
    const { descriptor } = manifest;
    result = { ...result, descriptor: plainDescriptor(descriptor) };
    if (options.referrers) {
      // A registry's Referrers API first; the tag schema is all a layout can hold.
      const referrers =
        repository instanceof RemoteRepository
          ? await repository.listReferrers(descriptor.digest)
          : await listReferrersByTag(repository, descriptor.digest);
      result = { ...result, referrers };
    }
    const source = withManifest(repository, manifest);
    if (isIndex(descriptor.mediaType)) {
      const platforms = indexManifests(descriptor.mediaType, manifest.json);
      result = { ...result, platforms };
      const chosen =
        options.platform === undefined
          ? pickLegacyManifest(platforms, options.legacyPlatform)
          : selectPlatform(platforms, options.platform);
      if (chosen === undefined) {
        const where = `${repository.name}@${descriptor.digest}`;
        throw new PlatformNotFoundError(
          where,
          options.platform ?? options.legacyPlatform,
          platforms,
        );
      }
      result = { ...result, picked: options.platform === undefined ? "legacy" : "platform-flag" };
      return { ...result, image: await fetchImageMetadata(source, chosen.digest) };
    }
    const artifactType = artifactTypeOf(manifest);
    if (artifactType !== undefined) return { ...result, artifactType };
    return { ...result, image: await fetchImageMetadata(source, descriptor.digest) };
  } catch (err) {
    return { ...result, error: referenceError(err) };
  }
}

/**
 * `repository` as an image source that serves `manifest`, already read, for
 * its own digest again instead of fetching it twice.
 */
export function withManifest(repository: ImageSource, manifest: Manifest): ImageSource {
  const { digest } = manifest.descriptor;
  return {
    name: repository.name,
    getManifest: (ref) =>
      ref === digest ? Promise.resolve(manifest) : repository.getManifest(ref),
    openBlob: (blob) => repository.openBlob(blob),
  };
}

/** The result with its keys in the documented order, whatever order they were found in. */
function inOrder(r: InspectResult): InspectResult {
  const keys = [
    "reference",
    "repository",
    "descriptor",
    "artifactType",
    "platforms",
    "picked",
    "image",
    "referrers",
    "error",
  ] as const;
  return Object.fromEntries(
    keys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]),
  ) as unknown as InspectResult;
}

/** The manifest's artifact type when it is not an image (an SBOM, a signature). */
function artifactTypeOf(manifest: Manifest): string | undefined {
  const json = manifest.json as { artifactType?: unknown; config?: { mediaType?: unknown } } | null;
  if (typeof json?.artifactType === "string" && json.artifactType !== "") return json.artifactType;
  const configType = json?.config?.mediaType;
  return typeof configType === "string" && !isImageConfig(configType) ? configType : undefined;
}

/** The descriptor without anything a transport may have added. */
function plainDescriptor({ mediaType, digest, size }: Descriptor): Descriptor {
  return { mediaType, digest, size };
}
