/**
 * What a registry says of one image for reviewers: read by execute/ for
 * the images a proposal moves tags to and from, shown by publish/ in the
 * pull request. Absent fields are unknown.
 */

/** An image's created time, platforms, size and labels. */
export interface ImageFacts {
  /** RFC 3339, from the image config. */
  readonly created?: string;
  /** `os/arch[/variant]` of every platform: one for an image, each child of an index. */
  readonly platforms: readonly string[];
  /** Bytes of the layers (and config): OpenShift's dockerImageMetadata.Size; an index: the child a Legacy import picks. */
  readonly size?: number;
  /** The image config's labels; `org.opencontainers.image.*` ones give source links. */
  readonly labels: Readonly<Record<string, string>>;
}
