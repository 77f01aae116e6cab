/**
 * What `reconcile` tells people after the plan table: what happened to the
 * branch and the pull request, why, and (for the local forge or a dry run)
 * the pull request's title and body.
 */
import { writeFile } from "node:fs/promises";
import type { ForgeKind } from "../publish/forge/forge.ts";
import type { PublishResult } from "../publish/publish.ts";
import type { Output } from "./output.ts";

/** How the result is shown. */
export interface PublishView {
  readonly kind: ForgeKind;
  readonly dryRun: boolean;
  /** With the local forge, where the body goes instead of stdout. */
  readonly bodyFile: string | undefined;
}

/** Prints `result`; writes the body to `view.bodyFile` when one is named. */
export async function renderPublishResult(
  result: PublishResult,
  view: PublishView,
  out: Output,
  mask: (text: string) => string,
): Promise<void> {
  const lines = [branchLine(result, view.dryRun), ...pullRequestLines(result, view)];
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  if (result.decision.held !== undefined)
    out.stderr(mask(`held: ${result.decision.held.reason}\n`));
  out.stdout(mask(lines.join("\n") + "\n"));
  if (result.title === "" || (!view.dryRun && view.kind !== "local")) return;
  if (view.bodyFile !== undefined && !view.dryRun) {
    await writeFile(view.bodyFile, mask(result.body) + "\n");
    out.stdout(`Pull request body written to ${view.bodyFile}\n`);
    return;
  }
  out.stdout(`\nTitle: ${mask(result.title)}\n\n${mask(result.body)}\n`);
}

function branchLine(result: PublishResult, dryRun: boolean): string {
  const step = result.decision.branch;
  const name = `Branch ${result.branch} (into ${result.base})`;
  switch (step.kind) {
    case "keep":
      return `${name}: unchanged: ${step.reason}.`;
    case "delete":
      return `${name}: ${dryRun ? "would delete" : "deleted"}: ${step.reason}.`;
    case "push":
      return dryRun
        ? `${name}: would push: ${step.reason}.`
        : result.commit === undefined
          ? `${name}: nothing to commit.`
          : `${name}: pushed ${result.commit.slice(0, 12)}: ${step.reason}.`;
  }
}

function pullRequestLines(result: PublishResult, view: PublishView): string[] {
  const step = result.decision.pullRequest;
  if (view.kind === "local") {
    return result.title === "" ? [] : ["Pull request: none (forge local); its text follows."];
  }
  if (view.dryRun) {
    if (step.kind === "none") return [];
    const what =
      step.kind === "create" ? "open a pull request" : `${step.kind} #${String(step.number)}`;
    return [`Pull request: would ${what}.`];
  }
  const pr = result.pullRequest;
  if (pr === undefined) return [];
  const url = pr.url === "" ? "" : `: ${pr.url}`;
  return [`Pull request #${String(pr.number)} ${pr.action}${url}`];
}
