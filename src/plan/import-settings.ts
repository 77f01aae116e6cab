/**
 * How one spec tag is imported, from the stream, the tag and the config
 * (SEMANTICS Part A). Pure; each function is one rule and is tested under
 * its name.
 *
 * - D1 / scenario 30: insecure when the stream's
 *   `openshift.io/image.insecureRepository` annotation is "true" (a tag's
 *   `insecure: false` cannot switch it off, as `oc import-image` and
 *   validation decide; the background controller would differ, N6), when the
 *   tag asks for it, or when the config marks the registry insecure.
 * - D8 / M1: `importMode` from the tag, else the config; a Legacy import of
 *   an index records one child, preferring the tag's
 *   `importer.image.openshift.io/prefer-os` / `prefer-arch` annotations over
 *   the config's platform.
 * - D10: a status pull spec is `from.name` as written, tag removed,
 *   `@<digest>` appended, with no docker.io/library expansion.
 */
import type { ResolvedConfig } from "../model/config.ts";
import type { ImageStream, TagReference } from "../model/generated/imagestream.ts";
import { parsePlatform, type Platform } from "../model/platform.ts";
import { parseDockerImageReference } from "../reference/index.ts";

/** The stream annotation that makes every tag's import insecure. */
export const insecureRepositoryAnnotation = "openshift.io/image.insecureRepository";
/** Tag annotations that choose a Legacy import's platform. */
export const preferOsAnnotation = "importer.image.openshift.io/prefer-os";
export const preferArchAnnotation = "importer.image.openshift.io/prefer-arch";

/** D1: whether the tag's import skips TLS verification and may fall back to HTTP. */
export function importInsecure(
  stream: ImageStream,
  tag: TagReference,
  registryInsecure: boolean,
): boolean {
  return (
    stream.metadata.annotations?.[insecureRepositoryAnnotation] === "true" ||
    tag.importPolicy?.insecure === true ||
    registryInsecure
  );
}

/** D8: the tag's import mode; an empty or missing one takes the config's. */
export function importMode(
  tag: TagReference,
  config: Pick<ResolvedConfig, "importMode">,
): "Legacy" | "PreserveOriginal" {
  const mode = tag.importPolicy?.importMode;
  return mode === undefined || mode === "" ? config.importMode : mode;
}

/** The config's platform, standing in for the control plane's own (linux/amd64 when unset). */
export function configPlatform(config: Pick<ResolvedConfig, "platform">): Platform {
  return parsePlatform(config.platform) ?? { os: "linux", architecture: "amd64" };
}

/**
 * M1: the platform a Legacy import picks from an index: the tag's
 * prefer-os / prefer-arch annotations, each falling back to the config's
 * platform (which stands in for the control plane's own). A variant is kept
 * only when neither annotation changed the platform.
 */
export function legacyPlatform(
  tag: TagReference,
  config: Pick<ResolvedConfig, "platform">,
): Platform {
  const { os, architecture, variant } = configPlatform(config);
  const preferOs = tag.annotations?.[preferOsAnnotation];
  const preferArch = tag.annotations?.[preferArchAnnotation];
  const chosen = {
    os: preferOs !== undefined && preferOs !== "" ? preferOs : os,
    architecture: preferArch !== undefined && preferArch !== "" ? preferArch : architecture,
  };
  const unchanged = chosen.os === os && chosen.architecture === architecture;
  return unchanged && variant !== undefined ? { ...chosen, variant } : chosen;
}

/**
 * D10: the pull spec a status item records for `fromName` resolved to
 * `digest`: the name as written, without its tag or digest, then `@digest`.
 *
 * @throws ReferenceParseError when `fromName` is not a pull spec.
 */
export function statusPullSpec(fromName: string, digest: string): string {
  const spec = parseDockerImageReference(fromName);
  const at = fromName.indexOf("@");
  let name = at === -1 ? fromName : fromName.slice(0, at);
  if (spec.tag !== undefined && name.endsWith(`:${spec.tag}`))
    name = name.slice(0, -(spec.tag.length + 1));
  return `${name}@${digest}`;
}
