/**
 * Typed failures of an OCI image layout directory. Each names the layout
 * (`oci:/abs/dir`) and carries a stable `reason`, so callers can tell a
 * missing tag (the registry's 404) from a broken layout without reading
 * prose, and a user never sees a raw ENOENT or SyntaxError.
 */
import { ReconcilerError } from "../../errors.ts";

/** Why a layout operation failed. */
export type OciLayoutErrorReason =
  /** The directory, or its `oci-layout` file, does not exist. */
  | "LAYOUT_MISSING"
  /** `oci-layout` or `index.json` is not what the image-layout spec requires. */
  | "LAYOUT_INVALID"
  /** No manifest has the tag or digest asked for (a registry's MANIFEST_UNKNOWN). */
  | "MANIFEST_UNKNOWN"
  /** A blob named by a descriptor is not in `blobs/` (a registry's BLOB_UNKNOWN). */
  | "BLOB_UNKNOWN"
  /** A digest this layout cannot store or look up (not sha256 or sha512, or malformed). */
  | "DIGEST_INVALID"
  /** A tag that is not a valid `org.opencontainers.image.ref.name`. */
  | "TAG_INVALID"
  /** No tag given and the layout holds more or fewer than one image. */
  | "AMBIGUOUS"
  /** The file system refused (permissions, disk full, ...). */
  | "IO";

/**
 * A layout operation that failed. The code is `REGISTRY`: a layout stands in
 * for a registry, and callers handle both alike.
 */
export class OciLayoutError extends ReconcilerError {
  readonly reason: OciLayoutErrorReason;
  /** The layout's directory (absolute). */
  readonly path: string;

  constructor(reason: OciLayoutErrorReason, path: string, message: string, options?: ErrorOptions) {
    super("OCI_LAYOUT", `oci:${path}: ${message}`, options);
    this.reason = reason;
    this.path = path;
  }
}

/** True when `err` says the tag, digest or blob is not in the layout (a registry's 404). */
export function isLayoutNotFound(err: unknown): boolean {
  return (
    err instanceof OciLayoutError &&
    (err.reason === "MANIFEST_UNKNOWN" || err.reason === "BLOB_UNKNOWN")
  );
}
