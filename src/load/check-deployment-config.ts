/**
 * Checks a DeploymentConfig's own `spec.triggers` ImageChange entries
 * (SEMANTICS.md §6.6) and builds their triggers: one per entry, targeting
 * every named container. Only `automatic: true` entries update the object
 * (DC1); the others become paused triggers. Pure.
 */
import type { Diagnostic } from "../model/diagnostic.ts";
import type { ContainerTarget, Trigger } from "../model/repository.ts";
import { findContainerByName, podContainers } from "./containers.ts";
import { diagnoseAt } from "./diagnose.ts";
import { isObject, type KubeObject } from "./objects.ts";
import {
  missingStreamTag,
  sourceNamespace,
  type NamespaceChoice,
  type TriggerCheckResult,
  type TriggerScope,
} from "./trigger-scope.ts";

/** Checks the ImageChange triggers of the DeploymentConfig `object`, whose namespace is `where`. */
export function checkDeploymentConfig(
  object: KubeObject,
  where: NamespaceChoice,
  scope: TriggerScope,
): TriggerCheckResult {
  const spec = object.value["spec"];
  const entries = isObject(spec) && Array.isArray(spec["triggers"]) ? spec["triggers"] : [];
  const triggers: Trigger[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [i, entry] of entries.entries()) {
    if (!isObject(entry) || entry["type"] !== "ImageChange") continue;
    const result = checkEntry(object, where, scope, entry["imageChangeParams"], i);
    diagnostics.push(...result.diagnostics);
    if (result.trigger !== undefined) triggers.push(result.trigger);
  }
  return { triggers, diagnostics };
}

function checkEntry(
  object: KubeObject,
  where: NamespaceChoice,
  scope: TriggerScope,
  params: unknown,
  i: number,
): { trigger?: Trigger; diagnostics: Diagnostic[] } {
  const pointer = `/spec/triggers/${i}/imageChangeParams`;
  const problem = (
    p: string,
    code: Diagnostic["code"],
    message: string,
    hint?: string,
  ): Diagnostic => diagnoseAt(object.at, pointer + p, code, message, { hint });
  if (!isObject(params) || !isObject(params["from"])) {
    return {
      diagnostics: [
        problem("", "TRIGGER_INVALID", "an ImageChange trigger needs imageChangeParams.from"),
      ],
    };
  }
  const from = params["from"];
  const name = typeof from["name"] === "string" ? from["name"] : "";
  if (from["kind"] !== "ImageStreamTag" || !/^[^:@/]+:[^:@/]+$/.test(name)) {
    return {
      diagnostics: [
        problem(
          "/from",
          "TRIGGER_INVALID",
          `from must be an ImageStreamTag named <stream>:<tag>, not ${JSON.stringify(from["kind"])} ${JSON.stringify(name)}`,
        ),
      ],
    };
  }
  const [stream = "", tag = ""] = name.split(":");
  const { namespace, assumed } = sourceNamespace(from["namespace"], where);
  const source = { namespace, stream, tag };
  const diagnostics: Diagnostic[] = [];
  const missing = missingStreamTag(scope, source, assumed);
  if (missing !== undefined)
    diagnostics.push(problem("/from/name", "TRIGGER_MISSING_TAG", missing.message, missing.hint));
  const targets = containerTargets(object, params["containerNames"], pointer, diagnostics);
  if (diagnostics.length > 0) return { diagnostics };
  const last = params["lastTriggeredImage"];
  const trigger: Trigger = {
    source,
    origin: "deploymentConfig",
    pointer,
    fieldPath: `spec.triggers[${i}]`,
    form: "canonical",
    paused: params["automatic"] !== true,
    targets,
    lastTriggeredImage: {
      path: ["spec", "triggers", i, "imageChangeParams", "lastTriggeredImage"],
      ...(typeof last === "string" && last !== "" ? { value: last } : {}),
    },
  };
  return { trigger, diagnostics };
}

function containerTargets(
  object: KubeObject,
  names: unknown,
  pointer: string,
  diagnostics: Diagnostic[],
): ContainerTarget[] {
  const list = Array.isArray(names) ? names.filter((n): n is string => typeof n === "string") : [];
  if (list.length === 0) {
    diagnostics.push(
      diagnoseAt(
        object.at,
        pointer,
        "TRIGGER_INVALID",
        "an ImageChange trigger needs containerNames",
      ),
    );
    return [];
  }
  const pod = podContainers(object.value, "spec.template.spec");
  const targets = list.map((n) => (pod === undefined ? undefined : findContainerByName(pod, n)));
  const absent = list.filter((_, k) => targets[k] === undefined);
  if (absent.length > 0) {
    const all =
      pod === undefined
        ? []
        : [...pod.lists.initContainers, ...pod.lists.containers].map((c) =>
            isObject(c) ? String(c["name"]) : "?",
          );
    diagnostics.push(
      diagnoseAt(
        object.at,
        `${pointer}/containerNames`,
        "TRIGGER_NO_CONTAINER",
        `not all container names exist: ${absent.join(", ")} (accepts: ${all.join(", ")})`,
      ),
    );
  }
  return targets.filter((t): t is ContainerTarget => t !== undefined);
}
