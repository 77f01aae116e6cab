/**
 * `imagestream-gitops plan`: what a reconcile would change, without writing
 * anything. Reads the repository, asks the registries only what the plan
 * needs, and prints every tag's decision with its reason.
 */
import { parseArgs } from "node:util";
import { hasErrors } from "../model/diagnostic.ts";
import { exitCodes, type Output } from "./output.ts";
import { planExitCode } from "../reconcile/exit-codes.ts";
import { planDocument } from "../model/plan-document.ts";
import { renderPlanTable } from "./plan-render.ts";
import { reconcile } from "../reconcile/plan-run.ts";
import { cliLog } from "./cli-log.ts";
import { planRequest, reconcileOptions, reconcileOptionsHelp } from "./reconcile-command.ts";

/** The command's help text. */
export const planHelp = `Usage: imagestream-gitops plan [--repo DIR] [--json] [--detailed-exitcode] [options]

Show what 'apply' would change: for every tag of every ImageStream, the action
(import, follow, resolve, reference, unchanged, skip, fail, status-only), the
current and new image, and the reason; then, for every container an
image.openshift.io/triggers annotation or a DeploymentConfig ImageChange
trigger names, the image it holds and the one it gets (patch, unchanged,
paused, skip). Registries are asked only what the plan needs: one manifest
HEAD per tag due for import (the index too for a Legacy import of a
multi-platform image; the image config when minimumAge or requirePlatforms
apply), a tag listing per spec.dockerImageRepository not yet imported, and,
for a trigger to a Local tag, whether the local registry holds the image.
Nothing is written.

Options:
${reconcileOptionsHelp}
  --detailed-exitcode exit 3 when changes are pending (as terraform plan does)

Exit status: 0 nothing to change (or changes pending, without --detailed-exitcode),
1 an import failed or the local registry could not be asked, 2 invalid input or
usage, 3 changes pending (--detailed-exitcode).
`;

/** Runs `plan`; returns the exit code. */
export async function runPlan(
  args: readonly string[],
  out: Output,
  env: Readonly<Record<string, string | undefined>>,
  now: () => Date,
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { ...reconcileOptions, "detailed-exitcode": { type: "boolean", default: false } },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    out.stdout(planHelp);
    return exitCodes.ok;
  }
  const { plan, diagnostics, registries, mask } = await reconcile(
    planRequest(values),
    cliLog(out, values.json),
    env,
    now,
  );
  if (values.json)
    out.stdout(mask(JSON.stringify(planDocument(plan, diagnostics, registries), null, 2)) + "\n");
  else out.stdout(mask(renderPlanTable(plan)));
  return planExitCode(plan, hasErrors(diagnostics), values["detailed-exitcode"]);
}
