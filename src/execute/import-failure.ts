/**
 * An import error as OpenShift reports it in an ImportSuccess=False
 * condition (SEMANTICS §1.6): a reason and a message naming the normalised
 * reference. Registry errors carry no credentials, so neither does this.
 */
import { ReconcilerError } from "../errors.ts";
import type { ImportFailure } from "../model/plan.ts";
import { formatReference, parseNormalizedReference } from "../reference/index.ts";
import { RegistryError } from "../registry/errors.ts";
import { isNotFound } from "../registry/not-found.ts";
import { OciLayoutError } from "../registry/oci-layout/layout-error.ts";

/** The condition reason and message of `err`, met importing `from` (a pull spec as written). */
export function importFailure(from: string, err: unknown): ImportFailure {
  const ref = normalized(from);
  const message = err instanceof Error ? err.message : String(err);
  if (/is HTTP only and requires the insecure flag/.test(message)) {
    return {
      reason: "BadRequest",
      message: `the repository ${repositoryOf(ref)} is HTTP only and requires the insecure flag to import`,
    };
  }
  // A registry served from layouts (`location: oci:DIR`) keeps one layout per
  // repository: no layout there is the registry's NAME_UNKNOWN, not a fault.
  if (isNotFound(err) || (err instanceof OciLayoutError && err.reason === "LAYOUT_MISSING"))
    return { reason: "NotFound", message: `dockerimage.image.openshift.io "${ref}" not found` };
  if (err instanceof RegistryError) {
    const codes = new Set(err.ociErrors.map((e) => e.code));
    if (err.status === 404 || codes.has("MANIFEST_UNKNOWN") || codes.has("NAME_UNKNOWN"))
      return { reason: "NotFound", message: `dockerimage.image.openshift.io "${ref}" not found` };
    if (
      err.status === 401 ||
      err.status === 403 ||
      codes.has("UNAUTHORIZED") ||
      codes.has("DENIED")
    )
      return {
        reason: "Unauthorized",
        message: `you may not have access to the container image "${ref}"`,
      };
  }
  if (err instanceof ReconcilerError && err.code === "CREDENTIALS")
    return { reason: "Unauthorized", message: `${message} (image "${ref}")` };
  return { reason: "InternalError", message: `Internal error occurred: ${ref}: ${message}` };
}

function normalized(from: string): string {
  try {
    return formatReference(parseNormalizedReference(from));
  } catch {
    return from;
  }
}

function repositoryOf(ref: string): string {
  return ref.replace(/@.*$/, "").replace(/:[^:/]+$/, "");
}
