/** Whether a failure means "not there", for a copy's source or destination. */
import { isNotFound as isMissing } from "../../registry/not-found.ts";
import { OciLayoutError } from "../../registry/oci-layout/layout-error.ts";

/**
 * True for a registry's 404, a missing tag or digest in a layout, and a
 * layout not created yet: a destination layout is written on first use.
 */
export function isNotFound(err: unknown): boolean {
  return isMissing(err) || (err instanceof OciLayoutError && err.reason === "LAYOUT_MISSING");
}
