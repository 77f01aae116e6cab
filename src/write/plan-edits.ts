/**
 * A Plan as edits of the repository's files: per file, per stream, the spec
 * tags a repository import adds, the annotations it sets, each tag's new
 * status item (trimmed to the history limit, D5) and its imported-from
 * record (D11); per workload, the image of each container a trigger
 * patches and a DeploymentConfig trigger's lastTriggeredImage (DC1).
 * Objects without changes give no edits. Pure.
 */
import {
  importedFromAnnotation,
  type Plan,
  type StreamPlan,
  type WorkloadPlan,
} from "../model/plan.ts";
import type { ObjectEdit, ObjectEdits } from "./object-edit.ts";

/** Edits by repository-relative file, in plan order. */
export function planEdits(plan: Plan, history: number): Map<string, ObjectEdits[]> {
  const byFile = new Map<string, ObjectEdits[]>();
  for (const stream of plan.streams) {
    const edits = streamEdits(stream, history);
    if (edits.length === 0) continue;
    const list = byFile.get(stream.file) ?? [];
    list.push({ document: stream.document, pointer: stream.pointer, edits });
    byFile.set(stream.file, list);
  }
  for (const workload of plan.workloads) {
    const edits = workloadEdits(workload);
    if (edits.length === 0) continue;
    const list = byFile.get(workload.file) ?? [];
    list.push({ document: workload.document, pointer: workload.pointer, edits });
    byFile.set(workload.file, list);
  }
  return byFile;
}

function workloadEdits(workload: WorkloadPlan): ObjectEdit[] {
  return workload.triggers
    .filter((t) => t.action === "patch")
    .flatMap((t): ObjectEdit[] => [
      ...t.targets.flatMap((target): ObjectEdit[] =>
        target.next === undefined
          ? []
          : [{ kind: "setString", path: target.path, value: target.next }],
      ),
      ...(t.lastTriggeredImage === undefined
        ? []
        : [
            {
              kind: "setString" as const,
              path: t.lastTriggeredImage.path,
              value: t.lastTriggeredImage.next,
            },
          ]),
    ]);
}

function streamEdits(stream: StreamPlan, history: number): ObjectEdit[] {
  const edits: ObjectEdit[] = stream.addSpecTags.map((tag) => ({ kind: "addSpecTag", tag }));
  for (const [key, value] of Object.entries(stream.setAnnotations))
    edits.push({ kind: "setAnnotation", key, value });
  for (const tag of stream.tags) {
    if (tag.record !== undefined)
      edits.push({
        kind: "setTagAnnotation",
        tag: tag.tag,
        key: importedFromAnnotation,
        value: tag.record,
      });
    if (tag.next === undefined) continue;
    if (tag.history === "prepend")
      edits.push({ kind: "prependStatusItem", tag: tag.tag, item: tag.next, keep: history });
    else if (tag.history === "replace-head")
      edits.push({ kind: "replaceStatusHead", tag: tag.tag, item: tag.next });
  }
  return edits;
}
