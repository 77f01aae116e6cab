/**
 * Finds the workloads with triggers, checks them and builds their entries:
 * the annotation on every supported kind, plus a DeploymentConfig's own
 * ImageChange triggers. An annotation on a kind without a pod template is
 * reported rather than ignored. Pure.
 */
import { isAlias, isCollection, isNode, visit, type Document } from "yaml";
import type { Diagnostic } from "../model/diagnostic.ts";
import type { Trigger, WorkloadEntry } from "../model/repository.ts";
import { workloadKind, workloadKindNames } from "../model/workload-kinds.ts";
import { checkDeploymentConfig } from "./check-deployment-config.ts";
import { checkTriggerAnnotation, triggersAnnotation, triggersPointer } from "./check-triggers.ts";
import { diagnoseAt } from "./diagnose.ts";
import { namespaceProblems } from "./check-stream.ts";
import { metadataOf, type KubeObject } from "./objects.ts";
import { parsePointer } from "./pointer.ts";
import type { TriggerScope } from "./trigger-scope.ts";

/** The workloads with triggers, and every diagnostic. */
export interface WorkloadsResult {
  readonly workloads: readonly WorkloadEntry[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Checks every object of `objects` that carries triggers. */
export function checkWorkloads(
  objects: readonly KubeObject[],
  defaultNamespace: string,
  scope: TriggerScope,
): WorkloadsResult {
  const workloads: WorkloadEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const object of objects) {
    const metadata = metadataOf(object.value);
    const { name = "", annotations } = metadata;
    const where = {
      namespace: metadata.namespace ?? defaultNamespace,
      assumed: metadata.namespace === undefined,
    };
    const raw = annotations[triggersAnnotation];
    const kind = workloadKind(object.kind);
    const triggers: Trigger[] = [];
    if (raw !== undefined && kind === undefined) {
      diagnostics.push(unsupportedKind(object));
    } else if (raw !== undefined && kind !== undefined) {
      const result = checkTriggerAnnotation(object, kind, where, raw, scope);
      triggers.push(...result.triggers);
      diagnostics.push(...result.diagnostics);
    }
    if (object.kind === "DeploymentConfig") {
      const result = checkDeploymentConfig(object, where, scope);
      triggers.push(...result.triggers);
      diagnostics.push(...result.diagnostics);
    }
    if (triggers.length === 0) continue;
    const conflicts = [
      ...namespaceProblems(metadata.namespace, "/metadata/namespace", object.at),
      ...sharedTargets(object, triggers),
      ...aliasedTargets(object, triggers),
    ];
    diagnostics.push(...conflicts);
    if (conflicts.length > 0) continue;
    workloads.push({
      kind: object.kind,
      name,
      namespace: where.namespace,
      at: object.at,
      triggers,
    });
  }
  return { workloads, diagnostics };
}

/**
 * Containers written by more than one trigger (two ImageChange triggers, or
 * one and the annotation): OpenShift leaves the outcome undefined, so the
 * workload is reported and none of its triggers are used.
 */
function sharedTargets(object: KubeObject, triggers: readonly Trigger[]): Diagnostic[] {
  const claimed = new Map<string, Trigger>();
  const found: Diagnostic[] = [];
  for (const trigger of triggers) {
    for (const target of trigger.targets) {
      const id = `${target.list}/${String(target.index)}`;
      const other = claimed.get(id);
      if (other === undefined) {
        claimed.set(id, trigger);
        continue;
      }
      const message = `duplicate triggers are not allowed: container "${target.name ?? id}" is written by ${describeTrigger(other)} and by ${describeTrigger(trigger)}`;
      found.push(
        diagnoseAt(object.at, trigger.pointer, "TRIGGER_DUPLICATE", message, {
          hint: "keep one trigger per container",
        }),
      );
    }
  }
  return found;
}

/**
 * Images written as a YAML alias (`image: *img`) or carrying an anchor
 * (`image: &img ...`): rewriting the scalar would move every other use of
 * the anchor too, and an alias cannot be rewritten without breaking the
 * link. The workload is reported and none of its triggers are used.
 */
function aliasedTargets(object: KubeObject, triggers: readonly Trigger[]): Diagnostic[] {
  const { document } = object.at.doc;
  const base = parsePointer(object.at.pointer);
  return triggers.flatMap((trigger) =>
    trigger.targets.flatMap((target) => {
      const how = aliasOnPath(document, [...base, ...target.imagePath]);
      if (how === undefined) return [];
      return [
        diagnoseAt(
          object.at,
          target.imagePointer,
          "TRIGGER_ALIASED_IMAGE",
          `the image of container "${target.name ?? target.imagePointer}" ${how}: a trigger cannot rewrite it without moving every other use of the anchor`,
          { hint: "write the image out in full on each container a trigger follows" },
        ),
      ];
    }),
  );
}

/**
 * How the node at `path`, or a collection on the way to it, is an alias or
 * carries an anchor that an alias of the document uses.
 */
function aliasOnPath(document: Document, path: readonly (string | number)[]): string | undefined {
  let node: unknown = document.contents;
  for (const [i, step] of path.entries()) {
    node = isCollection(node) ? node.get(step, true) : undefined;
    const last = i + 1 === path.length;
    if (isAlias(node)) return `${last ? "is" : "is inside"} the YAML alias *${node.source}`;
    const anchor = isNode(node) ? node.anchor : undefined;
    if (anchor !== undefined && aliased(document, anchor))
      return `${last ? "carries" : "is inside"} the YAML anchor &${anchor}, which an alias reuses`;
  }
  return undefined;
}

/** Whether an alias of `document` refers to `anchor`. */
function aliased(document: Document, anchor: string): boolean {
  let found = false;
  visit(document, {
    Alias(_, alias) {
      if (alias.source !== anchor) return undefined;
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

function describeTrigger(trigger: Trigger): string {
  return trigger.origin === "annotation"
    ? `the ${triggersAnnotation} annotation`
    : trigger.fieldPath;
}

function unsupportedKind(object: KubeObject): Diagnostic {
  return diagnoseAt(
    object.at,
    triggersPointer,
    "TRIGGER_UNSUPPORTED_KIND",
    `kind "${object.kind}" has no pod template to patch; its ${triggersAnnotation} annotation is ignored`,
    { severity: "warning", hint: `triggers apply to ${workloadKindNames.join(", ")}` },
  );
}
