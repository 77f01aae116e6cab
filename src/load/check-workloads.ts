/**
 * Finds the workloads with triggers, checks them and builds their entries:
 * the annotation on every supported kind, plus a DeploymentConfig's own
 * ImageChange triggers. An annotation on a kind without a pod template is
 * reported rather than ignored. Pure.
 */
import type { Diagnostic } from "../model/diagnostic.ts";
import type { Trigger, WorkloadEntry } from "../model/repository.ts";
import { workloadKind, workloadKindNames } from "../model/workload-kinds.ts";
import { checkDeploymentConfig } from "./check-deployment-config.ts";
import { checkTriggerAnnotation, triggersAnnotation, triggersPointer } from "./check-triggers.ts";
import { diagnoseAt } from "./diagnose.ts";
import { metadataOf, type KubeObject } from "./objects.ts";
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
    const { name = "", namespace = defaultNamespace, annotations } = metadataOf(object.value);
    const raw = annotations[triggersAnnotation];
    const kind = workloadKind(object.kind);
    const triggers: Trigger[] = [];
    if (raw !== undefined && kind === undefined) {
      diagnostics.push(unsupportedKind(object));
    } else if (raw !== undefined && kind !== undefined) {
      const result = checkTriggerAnnotation(object, kind, namespace, raw, scope);
      triggers.push(...result.triggers);
      diagnostics.push(...result.diagnostics);
    }
    if (object.kind === "DeploymentConfig") {
      const result = checkDeploymentConfig(object, namespace, scope);
      triggers.push(...result.triggers);
      diagnostics.push(...result.diagnostics);
    }
    if (triggers.length > 0)
      workloads.push({ kind: object.kind, name, namespace, at: object.at, triggers });
  }
  return { workloads, diagnostics };
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
