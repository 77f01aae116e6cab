/**
 * `imagestream-gitops apply`: plans as `plan` does, then writes the result
 * into the working tree: new status items (trimmed to the history limit),
 * imported-from records, and the spec tags and annotation of repository
 * imports. Every file's new text is computed before any is written; each is
 * then replaced atomically (a temporary file renamed over it), so a failure
 * never leaves a half-written file. Failed imports are reported, not
 * written (D6).
 */
import { parseArgs } from "node:util";
import { hasErrors } from "../model/diagnostic.ts";
import { exitCodes, type Output } from "./output.ts";
import { planExitCode } from "../reconcile/exit-codes.ts";
import { planDocument } from "../model/plan-document.ts";
import { renderPlanTable } from "./plan-render.ts";
import { cliLog } from "./cli-log.ts";
import { planRequest, reconcileOptions, reconcileOptionsHelp } from "./reconcile-command.ts";
import { patch, writeChanges } from "../reconcile/write-files.ts";
import { applyRun } from "../reconcile/apply-run.ts";

/** The command's help text. */
export const applyHelp = `Usage: imagestream-gitops apply [--repo DIR] [--dry-run] [--json] [options]

Plan as 'plan' does, then write the result into the repository's files: each
imported or followed tag's new status item (items[0] first, history cut to the
config's 'history'), the imported-from record of each imported tag, the
spec tags of a first spec.dockerImageRepository import, and the image of
every container whose trigger follows a tag that moved (a DeploymentConfig's
lastTriggeredImage too; imagePullPolicy never). Only the changed
nodes of a file change: comments, key order, quoting and indentation stay
byte for byte, and a file without changes is not rewritten. Failed imports
are reported and leave the status as it was. Images that tags with
referencePolicy Local (or the config's mirrors) need at the local registry are
copied there first, every platform, with their signatures and other referrers;
a trigger is pointed at the local copy only once it is there, and a copy that
fails leaves its triggers as they were. Nothing is committed (see the publish
step).

Options:
${reconcileOptionsHelp}
  --dry-run           print the unified diff of what would be written; write nothing

Exit status: 0 done (or nothing to do), 1 an import or a copy failed or the local
registry could not be asked (the rest is still written), 2 invalid input or usage.
`;

/** Runs `apply`; returns the exit code. */
export async function runApply(
  args: readonly string[],
  out: Output,
  env: Readonly<Record<string, string | undefined>>,
  now: () => Date,
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { ...reconcileOptions, "dry-run": { type: "boolean", default: false } },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    out.stdout(applyHelp);
    return exitCodes.ok;
  }
  const dryRun = values["dry-run"];
  const { reconciled, plan, registries, changes } = await applyRun(
    planRequest(values),
    cliLog(out, values.json),
    env,
    now,
    dryRun,
  );
  const { diagnostics, mask, loaded } = reconciled;
  if (!dryRun) await writeChanges(loaded.model.root, changes);
  if (values.json) {
    const written = changes.map((c) => c.file.path);
    const document = { ...planDocument(plan, diagnostics, registries), dryRun, files: written };
    out.stdout(mask(JSON.stringify(document, null, 2)) + "\n");
  } else {
    out.stdout(mask(renderPlanTable(plan)));
    if (dryRun) for (const c of changes) out.stdout(mask(patch(c)));
    const verb = dryRun ? "would write" : "wrote";
    out.stdout(
      changes.length === 0
        ? "No file changes.\n"
        : `${verb} ${String(changes.length)} file(s): ${changes.map((c) => c.file.path).join(", ")}\n`,
    );
  }
  return planExitCode(plan, hasErrors(diagnostics), false);
}
