/**
 * Checks a workload's image.openshift.io/triggers annotation (SEMANTICS.md §6,
 * D2–D4) and builds its triggers. As in OpenShift, one bad entry rejects the
 * whole annotation: a workload whose annotation has an error gets no
 * annotation triggers, so nothing of it is patched. Pure.
 */
import type { Diagnostic } from "../model/diagnostic.ts";
import { isFieldPathProblem, parseFieldPath } from "../model/field-path.ts";
import type { ObjectFieldTrigger } from "../model/generated/triggers.ts";
import type { Trigger } from "../model/repository.ts";
import type { WorkloadKind } from "../model/workload-kinds.ts";
import { findContainer, podContainers } from "./containers.ts";
import { diagnoseSpan } from "./diagnose.ts";
import { EmbeddedJson, jsonErrorOffset } from "./embedded-json.ts";
import type { KubeObject } from "./objects.ts";
import { formatPointer } from "./pointer.ts";
import { validators } from "./schemas.ts";
import { missingStreamTag, type TriggerScope } from "./trigger-scope.ts";
import { schemaIssues } from "./validate.ts";

/** The annotation key. */
export const triggersAnnotation = "image.openshift.io/triggers";

/** The annotation's pointer inside an object. */
export const triggersPointer = formatPointer(["metadata", "annotations", triggersAnnotation]);

/** Result of checking one annotation. */
export interface AnnotationResult {
  readonly triggers: readonly Trigger[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Checks the annotation `raw` of `object`, a supported `kind`, in `namespace`. */
export function checkTriggerAnnotation(
  object: KubeObject,
  kind: WorkloadKind,
  namespace: string,
  raw: unknown,
  scope: TriggerScope,
): AnnotationResult {
  const { file, doc, pointer } = object.at;
  const at = (
    span: ReturnType<EmbeddedJson["spanOfOffset"]>,
    code: Diagnostic["code"],
    message: string,
    hint?: string,
    severity: Diagnostic["severity"] = "error",
  ): Diagnostic =>
    diagnoseSpan(file.path, span, code, message, {
      hint,
      severity,
      pointer: pointer + triggersPointer,
      doc: doc.index,
    });
  const json = new EmbeddedJson(
    file,
    doc,
    pointer + triggersPointer,
    typeof raw === "string" ? raw : "",
  );
  if (typeof raw !== "string") {
    return failed([
      at(
        json.spanOfOffset(0),
        "TRIGGER_JSON",
        `the ${triggersAnnotation} annotation must be a string holding a JSON array`,
      ),
    ]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const offset = jsonErrorOffset(message, raw) ?? 0;
    return failed([
      at(
        json.spanOfOffset(offset),
        "TRIGGER_JSON",
        `the ${triggersAnnotation} annotation is not valid JSON: ${message}`,
        "OpenShift ignores the whole annotation when it does not parse",
      ),
    ]);
  }
  const validate = validators().triggers;
  if (!validate(parsed)) {
    const issues = schemaIssues(validate.errors ?? [], {
      strict: scope.strict,
      code: "TRIGGER_INVALID",
    });
    const found = issues.map((i) =>
      at(
        json.spanOfPointer(i.pointer),
        i.code,
        `trigger ${i.pointer || "annotation"}: ${i.message}`,
        i.hint,
        i.severity,
      ),
    );
    if (found.some((d) => d.severity === "error")) return failed(found);
    return checkEntries(
      parsed as readonly ObjectFieldTrigger[],
      object,
      kind,
      namespace,
      scope,
      json,
      at,
      found,
    );
  }
  return checkEntries(parsed, object, kind, namespace, scope, json, at, []);
}

type At = (
  span: ReturnType<EmbeddedJson["spanOfOffset"]>,
  code: Diagnostic["code"],
  message: string,
  hint?: string,
  severity?: Diagnostic["severity"],
) => Diagnostic;

function checkEntries(
  entries: readonly ObjectFieldTrigger[],
  object: KubeObject,
  kind: WorkloadKind,
  namespace: string,
  scope: TriggerScope,
  json: EmbeddedJson,
  at: At,
  found: Diagnostic[],
): AnnotationResult {
  const pod = podContainers(object.value, kind.podSpecPath);
  const triggers: Trigger[] = [];
  const seenPaths = new Set<string>();
  const seenTargets = new Map<string, string>();
  for (const [i, entry] of entries.entries()) {
    const span = (p: string): ReturnType<EmbeddedJson["spanOfOffset"]> =>
      json.spanOfPointer(`/${i}${p}`);
    if (typeof entry.paused === "string") {
      found.push(
        at(
          span("/paused"),
          "TRIGGER_INVALID",
          `"paused": "${entry.paused}" is a string; write the JSON boolean ${entry.paused}`,
          "OpenShift rejects the whole annotation for the string form; this tool accepts it",
          "warning",
        ),
      );
    }
    const [stream = "", tag = ""] = entry.from.name.split(":");
    const source = { namespace: entry.from.namespace ?? namespace, stream, tag };
    const missing = missingStreamTag(scope, source);
    if (missing !== undefined)
      found.push(at(span("/from/name"), "TRIGGER_MISSING_TAG", missing.message, missing.hint));
    if (seenPaths.has(entry.fieldPath)) {
      found.push(
        at(
          span("/fieldPath"),
          "TRIGGER_DUPLICATE",
          `duplicate triggers are not allowed: ${entry.fieldPath}`,
          "OpenShift rejects the whole annotation; keep one trigger per fieldPath",
        ),
      );
      continue;
    }
    seenPaths.add(entry.fieldPath);
    const path = parseFieldPath(entry.fieldPath, kind.podSpecPath);
    if (isFieldPathProblem(path)) {
      const hint =
        path.reason === "PREFIX"
          ? `a ${kind.kind}'s containers are under ${kind.podSpecPath}; OpenShift silently ignores this trigger`
          : `write ${kind.podSpecPath}.containers[?(@.name=="NAME")].image, or an index such as containers[0]`;
      found.push(at(span("/fieldPath"), "TRIGGER_FIELD_PATH", path.message, hint));
      continue;
    }
    if (path.form === "single-quoted") {
      found.push(
        at(
          span("/fieldPath"),
          "TRIGGER_FIELD_PATH",
          `field path uses [?(@.name='${path.name ?? ""}')]: OpenShift's in-cluster controller rejects this form`,
          `write [?(@.name=="${path.name ?? ""}")]; this tool accepts both`,
          "warning",
        ),
      );
    }
    const target = pod === undefined ? undefined : findContainer(pod, path);
    if (target === undefined) {
      found.push(
        at(
          span("/fieldPath"),
          "TRIGGER_NO_CONTAINER",
          `no such container: ${entry.fieldPath}`,
          "the container must exist in the pod template the fieldPath names",
        ),
      );
      continue;
    }
    const targetId = `${target.list}/${String(target.index)}`;
    const other = seenTargets.get(targetId);
    if (other !== undefined) {
      found.push(
        at(
          span("/fieldPath"),
          "TRIGGER_DUPLICATE",
          `duplicate triggers are not allowed: ${entry.fieldPath} and ${other} name the same container`,
        ),
      );
      continue;
    }
    seenTargets.set(targetId, entry.fieldPath);
    triggers.push({
      source,
      origin: "annotation",
      fieldPath: entry.fieldPath,
      form: path.form,
      paused: entry.paused === true || entry.paused === "true",
      targets: [target],
    });
  }
  return found.some((d) => d.severity === "error")
    ? failed(found)
    : { triggers, diagnostics: found };
}

function failed(diagnostics: readonly Diagnostic[]): AnnotationResult {
  return { triggers: [], diagnostics };
}
