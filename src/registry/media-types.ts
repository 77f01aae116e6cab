/**
 * Manifest media types. A registry serves a manifest in a type the client
 * accepts, converting or refusing otherwise, so every manifest request lists
 * all four current types (go-containerregistry remote/descriptor.go does the same).
 */

export const ociIndex = "application/vnd.oci.image.index.v1+json";
export const ociManifest = "application/vnd.oci.image.manifest.v1+json";
export const dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
export const dockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
export const dockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json";
export const dockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";

export const ociImageConfig = "application/vnd.oci.image.config.v1+json";
export const dockerImageConfig = "application/vnd.docker.container.image.v1+json";

/** The Accept header of every manifest request. */
export const manifestAccept = [ociIndex, ociManifest, dockerManifestList, dockerManifest].join(
  ", ",
);

/** True for an index (OCI) or a manifest list (Docker). */
export function isIndex(mediaType: string): boolean {
  return mediaType === ociIndex || mediaType === dockerManifestList;
}

/** True for Docker's retired schema 1, which this tool does not read. */
export function isSchema1(mediaType: string): boolean {
  return mediaType === dockerSchema1 || mediaType === dockerSchema1Signed;
}

/** The media type a response's Content-Type names, without parameters; "" when none. */
export function contentMediaType(headers: Readonly<Record<string, string | undefined>>): string {
  return headers["content-type"]?.split(";")[0]?.trim() ?? "";
}

/** True for an image's config (OCI or Docker); an artifact's config is something else. */
export function isImageConfig(mediaType: string): boolean {
  return mediaType === ociImageConfig || mediaType === dockerImageConfig;
}
