/**
 * A workload as set-triggers sees it: its kind's pod spec, its containers,
 * its namespace and its image.openshift.io/triggers annotation read
 * strictly, with problems reported as `file:line: kind.group/name: message`.
 * Pure.
 */
import { InputError } from "../errors.ts";
import { findContainerByName, podContainers, type PodContainers } from "../load/containers.ts";
import { triggersAnnotation, triggersPointer } from "../load/check-triggers.ts";
import { EmbeddedJson } from "../load/embedded-json.ts";
import { parseJson } from "../load/json-syntax.ts";
import { isObject, metadataOf, type KubeObject } from "../load/objects.ts";
import { locate } from "../load/positions.ts";
import { sourceNamespace } from "../load/trigger-scope.ts";
import type { ContainerList } from "../model/field-path.ts";
import type { WorkloadKind } from "../model/workload-kinds.ts";
import type { StreamTagName } from "./trigger-request.ts";

/** A workload the command reads or edits. */
export interface TriggerTarget {
  readonly object: KubeObject;
  readonly kind: WorkloadKind;
  readonly name: string;
  /** metadata.namespace, else the config's default. */
  readonly namespace: string;
}

/** The name kubectl prints for an object: `deployment.apps/web`, `pod/x`. */
export function objectName(target: TriggerTarget): string {
  const { apiVersion, kind } = target.object;
  const slash = apiVersion.indexOf("/");
  const group = slash === -1 ? "" : `.${apiVersion.slice(0, slash)}`;
  return `${kind.toLowerCase()}${group}/${target.name}`;
}

/** `file:line` of the object, or of `pointer` inside it. */
export function placeOf(target: TriggerTarget, pointer = ""): string {
  const { at } = target.object;
  const line =
    pointer === "" ? at.line : locate(at.doc.document, at.file.lines, at.pointer + pointer).line;
  return `${at.file.path}:${String(line)}`;
}

/** An InputError about `target`, placed at `place` (default: the object's first line). */
export function problem(target: TriggerTarget, message: string, place?: string): InputError {
  return new InputError(`${place ?? placeOf(target)}: ${objectName(target)}: ${message}`);
}

/** The pod spec's containers; empty lists when the object has none. */
export function containersOf(target: TriggerTarget): PodContainers {
  return (
    podContainers(target.object.value, target.kind.podSpecPath) ?? {
      pointer: "",
      path: [],
      lists: { initContainers: [], containers: [] },
    }
  );
}

/** Which list the container `name` is in (initContainers first, as OpenShift looks them up). */
export function listOf(pod: PodContainers, name: string): ContainerList | undefined {
  return findContainerByName(pod, name)?.list;
}

/**
 * O3: every name must be a container or init container of the pod spec.
 *
 * @throws InputError `not all container names exist: <missing> (accepts: <all>)`, sorted as oc sorts them.
 */
export function checkContainers(target: TriggerTarget, names: readonly string[]): void {
  const pod = containersOf(target);
  const all = [...pod.lists.initContainers, ...pod.lists.containers].flatMap((c) =>
    isObject(c) && typeof c["name"] === "string" ? [c["name"]] : [],
  );
  const missing = names.filter((name) => !all.includes(name));
  if (missing.length === 0) return;
  const sorted = (list: readonly string[]) => [...new Set(list)].sort().join(", ");
  throw problem(
    target,
    `not all container names exist: ${sorted(missing)} (accepts: ${sorted(all)})`,
    placeOf(target, `/${target.kind.podSpecPath.split(".").join("/")}`),
  );
}

/** The namespace a trigger's `from` names, the object's when it names none (A3). */
export function sourceNamespaceOf(target: TriggerTarget, from: unknown): string {
  const where = { namespace: target.namespace, assumed: false };
  return sourceNamespace(isObject(from) ? from["namespace"] : undefined, where).namespace;
}

/** True when `from` (an ObjectReference) is the image stream tag `wanted`. */
export function isSameSource(target: TriggerTarget, from: unknown, wanted: StreamTagName): boolean {
  if (!isObject(from)) return false;
  const kind = from["kind"];
  return (
    (kind === undefined || kind === "ImageStreamTag") &&
    from["name"] === `${wanted.stream}:${wanted.tag}` &&
    sourceNamespaceOf(target, from) === (wanted.namespace ?? target.namespace)
  );
}

/**
 * The `from` oc writes for `wanted`: kind, name, and the namespace only when
 * it is not the object's own (O4).
 */
export function sourceReference(target: TriggerTarget, wanted: StreamTagName): object {
  const namespace = wanted.namespace ?? target.namespace;
  return {
    kind: "ImageStreamTag",
    name: `${wanted.stream}:${wanted.tag}`,
    ...(namespace === target.namespace ? {} : { namespace }),
  };
}

/**
 * The entries of the object's triggers annotation; undefined when it has
 * none. Never drops what it cannot read: a value that is not a JSON array
 * is an error naming the line.
 *
 * @throws InputError at the annotation's (or the JSON error's) line.
 */
export function readAnnotation(target: TriggerTarget): unknown[] | undefined {
  const raw = metadataOf(target.object.value).annotations[triggersAnnotation];
  if (raw === undefined) return undefined;
  const where = placeOf(target, triggersPointer);
  if (typeof raw !== "string")
    throw problem(target, `the ${triggersAnnotation} annotation must be a string`, where);
  const result = parseJson(raw);
  if ("error" in result) {
    const { error } = result;
    const { file, doc, pointer } = target.object.at;
    const span = new EmbeddedJson(file, doc, pointer + triggersPointer, raw).spanOfOffset(
      error.offset,
    );
    throw problem(
      target,
      `the ${triggersAnnotation} annotation is not valid JSON: ${error.message}; fix it by hand, or remove it with --remove-all`,
      `${file.path}:${String(span.line)}`,
    );
  }
  const parsed = result.value;
  if (!Array.isArray(parsed))
    throw problem(target, `the ${triggersAnnotation} annotation must be a JSON array`, where);
  return parsed as unknown[];
}
