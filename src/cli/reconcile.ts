/**
 * `imagestream-gitops reconcile`: the main job. In a temporary work tree at
 * the tip of the remote's base branch it loads, plans, mirrors and writes
 * as `apply` does, then publishes: one commit on a deterministic branch,
 * pushed with a lease, and a pull request opened or updated on the forge
 * (or, with `--forge local`, the branch pushed and the pull request's text
 * printed). The user's checkout is never modified.
 */
import { parseArgs } from "node:util";
import {
  reconcileRepository,
  type ReconcileOutcome,
  type RunIo,
} from "../reconcile/reconcile-repository.ts";
import { reconcileRequestFrom } from "../reconcile/reconcile-flags.ts";
import { patch } from "../reconcile/write-files.ts";
import { cliLog } from "./cli-log.ts";
import type { Output } from "./output.ts";
import { planDocument } from "../model/plan-document.ts";
import { renderPlanTable } from "./plan-render.ts";
import { reconcileOptions, reconcileOptionsHelp } from "./reconcile-command.ts";
import { renderPublishResult } from "./reconcile-render.ts";

/** The command's help text. */
export const reconcileHelp = `Usage: imagestream-gitops reconcile [--repo DIR|URL] [--forge github|gitlab|gitea|local] [--dry-run] [options]

The whole job: in a temporary work tree at the tip of the remote's base
branch, plan as 'plan' does, copy what Local tags and the config's mirrors
need, write the status and trigger patches as 'apply' does, commit them on
one branch (pullRequest.branch, default imagestream-gitops/update), push it
with a lease, and open or update the pull request. Your checkout is never
modified. A run that finds the branch already holding the same change pushes
nothing; a change that is no longer needed closes its pull request; a branch
with someone else's commit on it is never force-pushed over; a pull request
closed without merging is not proposed again with the same images.

Options:
  --repo DIR|URL      a local checkout (its remote is fetched and pushed to) or a
                      repository URL to clone (default: the current directory)
  --remote NAME       the checkout's remote (default origin)
  --base BRANCH       the branch to propose against (default: pullRequest.base, main)
  --forge KIND        github, gitlab, gitea or local (default: pullRequest.forge);
                      local opens no pull request: it pushes the branch and prints
                      the pull request's title and body
  --body-file FILE    with --forge local, write the body to FILE instead of stdout
  --dry-run           print the pull request it would open (branch, title, body,
                      diff); change nothing anywhere, copy nothing
${reconcileOptionsHelp
  .split("\n")
  .filter((line) => !line.startsWith("  --repo "))
  .join("\n")}

Tokens: ISG_FORGE_TOKEN, else GITHUB_TOKEN (github), GITLAB_TOKEN (gitlab),
GITEA_TOKEN (gitea). git sends a token only with ISG_GIT_TOKEN, or to a --repo
URL with the token of the --forge named, only over https (or http to
loopback), and only to that URL's origin; a local checkout otherwise pushes
with its own credentials.

Exit status: 0 done (or nothing to do), 1 a failure (an import or a copy failed,
git or the forge refused, the branch moved during the run), 2 invalid input or usage.
`;

const options = {
  ...reconcileOptions,
  remote: { type: "string", default: "origin" },
  base: { type: "string" },
  forge: { type: "string" },
  "body-file": { type: "string" },
  "dry-run": { type: "boolean", default: false },
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** What the command gets from the process besides the environment and the clock. */
export type ProcessIo = Pick<RunIo, "cleanups" | "runProcess">;

/** Runs `reconcile`; returns the exit code. */
export async function runReconcile(
  args: readonly string[],
  out: Output,
  env: Env,
  now: () => Date,
  processIo: ProcessIo = {},
): Promise<number> {
  const { values } = parseArgs({ args: [...args], options, allowPositionals: false, strict: true });
  if (values.help) {
    out.stdout(reconcileHelp);
    return 0;
  }
  const request = reconcileRequestFrom(values);
  const outcome = await reconcileRepository(request, {
    env,
    now,
    log: cliLog(out, values.json),
    ...processIo,
  });
  await report(outcome, { json: values.json, bodyFile: values["body-file"] }, out);
  return outcome.exitCode;
}

async function report(
  outcome: ReconcileOutcome,
  how: { json: boolean; bodyFile: string | undefined },
  out: Output,
): Promise<void> {
  const { plan, registries, changes, diagnostics, mask, publish, forge, dryRun, timings } = outcome;
  if (how.json) {
    const document = {
      ...planDocument(plan, diagnostics, registries),
      dryRun,
      files: changes.map((c) => c.file.path),
      forge,
      publish,
      timings,
    };
    out.stdout(mask(JSON.stringify(document, null, 2)) + "\n");
    return;
  }
  out.stdout(mask(renderPlanTable(plan)));
  if (dryRun) for (const c of changes) out.stdout(mask(patch(c)));
  if (publish.length === 0) out.stdout("Nothing to propose: no stream changes.\n");
  for (const result of publish) {
    const bodyFile =
      how.bodyFile === undefined || publish.length === 1
        ? how.bodyFile
        : `${how.bodyFile}.${result.branch.replace(/[^A-Za-z0-9._-]+/g, "_")}`;
    await renderPublishResult(result, { kind: forge, dryRun, bodyFile }, out, mask);
  }
}
