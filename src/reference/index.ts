/**
 * Image references: parse, normalise and format pull specs, digests and
 * image stream names. A leaf module: it imports nothing of ours but
 * errors.ts.
 *
 * Error convention: `parse*` and `with*` functions throw a
 * {@link ReferenceParseError}; `validate*` functions return one (or
 * undefined) so callers can collect diagnostics without try/catch. Either
 * way the error carries a stable `reason` and the `index` of the offending
 * character in its `input`.
 */
export { DIGEST_ALGORITHMS, isDigestAlgorithm, parseDigest } from "./digest.ts";
export type { DigestAlgorithm, ParsedDigest } from "./digest.ts";
export {
  DEFAULT_TAG,
  DOCKER_HUB_API_HOST,
  DOCKER_HUB_DOMAIN,
  DOCKER_HUB_LEGACY_DOMAIN,
  OFFICIAL_REPOSITORY_PREFIX,
  isDockerHubDomain,
  registryApiHost,
} from "./docker-hub.ts";
export { formatReference, formatTagAndDigest, repositoryName } from "./format.ts";
export * as grammar from "./grammar.ts";
export type { ImageId } from "./image-id.ts";
export { parseImageStreamImageName, parseImageStreamTagName } from "./image-stream-name.ts";
export type { ImageStreamImageName, ImageStreamTagName } from "./image-stream-name.ts";
export {
  familiarName,
  familiarString,
  parseNormalizedReference,
  withDefaultTag,
} from "./normalize.ts";
export { REFERENCE_PARSE_REASONS, ReferenceParseError } from "./parse-error.ts";
export type { ReferenceParseErrorInit, ReferenceParseReason } from "./parse-error.ts";
export { parseDockerImageReference } from "./pull-spec.ts";
export type { PullSpec } from "./pull-spec.ts";
export { parseReference } from "./reference.ts";
export type { Reference } from "./reference.ts";
export { parseSourceName } from "./source-name.ts";
export type {
  ImageStreamImageSource,
  ImageStreamTagSource,
  SourceName,
  StreamSourceKind,
} from "./source-name.ts";
export { validateNamespace, validateStreamName, validateTagName } from "./stream-name.ts";
export { withDigest } from "./with-digest.ts";
export {
  formatOciReference,
  isLayoutDigest,
  isLayoutTag,
  isOciName,
  OciReferenceError,
  ociPrefix,
  parseOciReference,
} from "./oci-reference.ts";
export type { OciReference } from "./oci-reference.ts";
export { LocationError, parseLocation } from "./registry-location.ts";
export type { RegistryLocation } from "./registry-location.ts";
