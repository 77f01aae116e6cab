/**
 * Checks a workload's image.openshift.io/triggers annotation (SEMANTICS.md §6,
 * D2–D4) and builds its triggers. As in OpenShift, one bad entry rejects the
 * whole annotation: a workload whose annotation has an error gets no
 * annotation triggers, so nothing of it is patched. Pure.
 */
import type { Diagnostic } from "../model/diagnostic.ts";
import {
  isFieldPathProblem,
  parseFieldPath,
  type FieldPath,
  type FieldPathProblem,
} from "../model/field-path.ts";
import type { ObjectFieldTrigger } from "../model/generated/triggers.ts";
import type { Trigger } from "../model/repository.ts";
import type { WorkloadKind } from "../model/workload-kinds.ts";
import { findContainer, podContainers, type PodContainers } from "./containers.ts";
import { diagnoseSpan, type DiagnoseOptions } from "./diagnose.ts";
import { EmbeddedJson } from "./embedded-json.ts";
import { parseJson } from "./json-syntax.ts";
import type { KubeObject } from "./objects.ts";
import { formatPointer } from "./pointer.ts";
import type { Span } from "./positions.ts";
import { validators } from "./schemas.ts";
import { validateNamespace } from "../reference/index.ts";
import {
  missingStreamTag,
  sourceNamespace,
  type NamespaceChoice,
  type TriggerCheckResult,
  type TriggerScope,
} from "./trigger-scope.ts";
import { schemaIssues } from "./validate.ts";

/** The annotation key. */
export const triggersAnnotation = "image.openshift.io/triggers";

/** The annotation's pointer inside an object. */
export const triggersPointer = formatPointer(["metadata", "annotations", triggersAnnotation]);

/** Builds diagnostics positioned inside the annotation's JSON. */
class AnnotationReport {
  readonly json: EmbeddedJson;
  readonly found: Diagnostic[] = [];
  readonly #object: KubeObject;

  constructor(object: KubeObject, raw: string) {
    const { file, doc, pointer } = object.at;
    this.#object = object;
    this.json = new EmbeddedJson(file, doc, pointer + triggersPointer, raw);
  }

  /** Records a problem at `span` of the file. */
  add(span: Span, code: Diagnostic["code"], message: string, options: DiagnoseOptions = {}): void {
    const { file, doc, pointer } = this.#object.at;
    this.found.push(
      diagnoseSpan(file.path, span, code, message, {
        ...options,
        pointer: pointer + triggersPointer,
        doc: doc.index,
      }),
    );
  }

  /** Records a problem at `pointer` inside the JSON (at its `key`, when options name one). */
  addAt(
    pointer: string,
    code: Diagnostic["code"],
    message: string,
    options?: DiagnoseOptions,
  ): void {
    this.add(this.json.spanOfPointer(pointer, options?.key), code, message, options);
  }

  /** The result: no triggers at all when any problem is an error. */
  result(triggers: readonly Trigger[]): TriggerCheckResult {
    const failed = this.found.some((d) => d.severity === "error");
    return { triggers: failed ? [] : triggers, diagnostics: this.found };
  }
}

/** Checks the annotation value `raw` of `object`, a supported `kind`, whose namespace is `where`. */
export function checkTriggerAnnotation(
  object: KubeObject,
  kind: WorkloadKind,
  where: NamespaceChoice,
  raw: unknown,
  scope: TriggerScope,
): TriggerCheckResult {
  const report = new AnnotationReport(object, typeof raw === "string" ? raw : "");
  const entries = parseEntries(raw, report, scope.strict);
  if (entries === undefined) return report.result([]);
  const pod = podContainers(object.value, kind.podSpecPath);
  const seen = new Map<string, string>();
  const triggers = entries.flatMap((entry, i) => {
    const trigger = checkEntry(entry, `/${String(i)}`, { kind, where, scope, pod, report });
    if (trigger === undefined) return [];
    return claimTarget(trigger, seen, `/${String(i)}`, report) ? [trigger] : [];
  });
  return report.result(triggers);
}

/** The annotation's entries, or undefined when it is not JSON of the documented shape. */
function parseEntries(
  raw: unknown,
  report: AnnotationReport,
  strict: boolean,
): readonly ObjectFieldTrigger[] | undefined {
  if (typeof raw !== "string") {
    const message = `the ${triggersAnnotation} annotation must be a string holding a JSON array`;
    report.add(report.json.spanOfOffset(0), "TRIGGER_JSON", message);
    return undefined;
  }
  const result = parseJson(raw);
  if ("error" in result) {
    const { error } = result;
    const message = `the ${triggersAnnotation} annotation is not valid JSON: ${error.message}`;
    report.add(report.json.spanOfOffset(error.offset), "TRIGGER_JSON", message, {
      hint: "OpenShift ignores the whole annotation when it does not parse",
    });
    return undefined;
  }
  const parsed = result.value;
  const validate = validators().triggers;
  if (validate(parsed)) return parsed;
  for (const issue of schemaIssues(validate.errors ?? [], { strict, code: "TRIGGER_INVALID" })) {
    const message = `trigger ${issue.pointer || "annotation"}: ${issue.message}`;
    report.addAt(issue.pointer, issue.code, message, issue);
  }
  return report.found.some((d) => d.severity === "error")
    ? undefined
    : (parsed as readonly ObjectFieldTrigger[]);
}

/** What checking one entry needs. */
interface EntryContext {
  readonly kind: WorkloadKind;
  readonly where: NamespaceChoice;
  readonly scope: TriggerScope;
  readonly pod: PodContainers | undefined;
  readonly report: AnnotationReport;
}

/** Checks one entry at `at` (its pointer in the JSON); its trigger when it targets a container. */
function checkEntry(entry: ObjectFieldTrigger, at: string, ctx: EntryContext): Trigger | undefined {
  const { report } = ctx;
  if (typeof entry.paused === "string") {
    report.addAt(
      `${at}/paused`,
      "TRIGGER_INVALID",
      `"paused": "${entry.paused}" is a string; write the JSON boolean ${entry.paused}`,
      {
        severity: "warning",
        hint: "OpenShift rejects the whole annotation for the string form; this tool accepts it",
      },
    );
  }
  if (entry.from.apiVersion !== undefined && entry.from.apiVersion !== "") {
    report.addAt(
      `${at}/from/apiVersion`,
      "TRIGGER_INVALID",
      `from.apiVersion is ${JSON.stringify(entry.from.apiVersion)}: OpenShift does not index triggers that set it, so in a cluster this one never fires`,
      {
        severity: "warning",
        hint: "remove from.apiVersion; this tool resolves the trigger either way",
      },
    );
  }
  const [stream = "", tag = ""] = entry.from.name.split(":");
  const { namespace, assumed } = sourceNamespace(entry.from.namespace, ctx.where);
  const namespaceProblem =
    assumed || entry.from.namespace === undefined ? undefined : validateNamespace(namespace);
  if (namespaceProblem !== undefined) {
    report.addAt(`${at}/from/namespace`, "INVALID_NAME", namespaceProblem.message);
  }
  const source = { namespace, stream, tag };
  const missing = missingStreamTag(ctx.scope, source, assumed);
  if (missing !== undefined) {
    report.addAt(`${at}/from/name`, "TRIGGER_MISSING_TAG", missing.message, { hint: missing.hint });
  }
  const path = parseFieldPath(entry.fieldPath, ctx.kind.podSpecPath);
  if (isFieldPathProblem(path)) {
    reportFieldPath(path, `${at}/fieldPath`, ctx);
    return undefined;
  }
  if (path.form === "single-quoted") warnNonCanonical(path, `${at}/fieldPath`, report);
  const target = ctx.pod === undefined ? undefined : findContainer(ctx.pod, path);
  if (target === undefined) {
    report.addAt(
      `${at}/fieldPath`,
      "TRIGGER_NO_CONTAINER",
      `no such container: ${entry.fieldPath}`,
      {
        hint: "the container must exist in the pod template the fieldPath names",
      },
    );
    return undefined;
  }
  const paused = entry.paused === true || entry.paused === "true";
  return {
    source,
    origin: "annotation",
    pointer: triggersPointer,
    fieldPath: entry.fieldPath,
    form: path.form,
    paused,
    targets: [target],
  };
}

function reportFieldPath(problem: FieldPathProblem, pointer: string, ctx: EntryContext): void {
  const { kind } = ctx;
  const hint =
    problem.reason === "PREFIX"
      ? `a ${kind.kind}'s containers are under ${kind.podSpecPath}; OpenShift silently ignores this trigger`
      : `write ${kind.podSpecPath}.containers[?(@.name=="NAME")].image, or an index such as containers[0]`;
  ctx.report.addAt(pointer, "TRIGGER_FIELD_PATH", problem.message, { hint });
}

function warnNonCanonical(path: FieldPath, pointer: string, report: AnnotationReport): void {
  const name = path.name ?? "";
  report.addAt(
    pointer,
    "TRIGGER_FIELD_PATH",
    `field path uses [?(@.name='${name}')]: OpenShift's in-cluster controller rejects this form`,
    {
      severity: "warning",
      hint: `write [?(@.name=="${name}")]; this tool accepts both`,
    },
  );
}

/**
 * Records that `trigger` writes its container; false, with a diagnostic, when
 * an earlier trigger already does (the same fieldPath, or another spelling of it).
 */
function claimTarget(
  trigger: Trigger,
  seen: Map<string, string>,
  at: string,
  report: AnnotationReport,
): boolean {
  const target = trigger.targets[0];
  if (target === undefined) return false;
  const id = `${target.list}/${String(target.index)}`;
  const other = seen.get(id);
  if (other === undefined) {
    seen.set(id, trigger.fieldPath);
    return true;
  }
  const message =
    other === trigger.fieldPath
      ? `duplicate triggers are not allowed: ${trigger.fieldPath}`
      : `duplicate triggers are not allowed: ${trigger.fieldPath} and ${other} name the same container`;
  report.addAt(`${at}/fieldPath`, "TRIGGER_DUPLICATE", message, {
    hint: "OpenShift rejects the whole annotation; keep one trigger per container",
  });
  return false;
}
