/** "No such manifest, tag or blob", however the repository says it. */
import { RegistryError } from "./errors.ts";
import { isLayoutNotFound } from "./oci-layout/layout-error.ts";

/** True for a registry's 404 and a layout's missing tag, digest or blob. */
export function isNotFound(err: unknown): boolean {
  return (err instanceof RegistryError && err.status === 404) || isLayoutNotFound(err);
}
