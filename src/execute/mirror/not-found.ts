/** Whether a failure means "no such manifest or tag", on a registry or in a layout. */
import { RegistryError } from "../../registry/errors.ts";
import { isLayoutNotFound, OciLayoutError } from "../../registry/oci-layout/layout-error.ts";

/**
 * True for a 404 from a registry, a missing tag or digest in a layout, and
 * a layout not created yet: a destination layout is written on first use.
 */
export function isNotFound(err: unknown): boolean {
  return (
    (err instanceof RegistryError && err.status === 404) ||
    isLayoutNotFound(err) ||
    (err instanceof OciLayoutError && err.reason === "LAYOUT_MISSING")
  );
}
