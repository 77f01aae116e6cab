/**
 * set-triggers on the image.openshift.io/triggers annotation: the new list
 * of entries for a request, one entry per container (O4). An entry that
 * already targets a named container is replaced in place (or kept as it is
 * when it already says the same); the other entries stay as they were, in
 * their order and with their key order; new entries are appended. Pure.
 */
import { findContainer, type PodContainers } from "../load/containers.ts";
import { isObject } from "../load/objects.ts";
import {
  canonicalFieldPath,
  isFieldPathProblem,
  parseFieldPath,
  type ContainerList,
} from "../model/field-path.ts";
import type { ContainerTarget } from "../model/repository.ts";
import type { StreamTagName, TriggerRequest } from "./trigger-request.ts";
import {
  containersOf,
  isSameSource,
  listOf,
  sourceNamespaceOf,
  sourceReference,
  type TriggerTarget,
} from "./trigger-workload.ts";

/** The annotation's entries after a request, and whether they differ from before. */
export interface AnnotationResult {
  readonly entries: readonly unknown[];
  readonly changed: boolean;
}

/** The container an entry's fieldPath selects, as OpenShift looks it up (F3). */
function targetOf(
  target: TriggerTarget,
  pod: PodContainers,
  entry: unknown,
): ContainerTarget | undefined {
  if (!isObject(entry) || typeof entry["fieldPath"] !== "string") return undefined;
  const path = parseFieldPath(entry["fieldPath"], target.kind.podSpecPath);
  return isFieldPathProblem(path) ? undefined : findContainer(pod, path);
}

/** The entry oc writes for `container` (O4), with the list it really is in. */
function newEntry(
  target: TriggerTarget,
  list: ContainerList,
  container: string,
  from: StreamTagName,
  paused: boolean,
): Record<string, unknown> {
  return {
    from: sourceReference(target, from),
    fieldPath: canonicalFieldPath(target.kind.podSpecPath, list, container),
    ...(paused ? { paused: true } : {}),
  };
}

/** True when `entry` already says what `wanted` says (so the file need not change). */
function isEquivalent(target: TriggerTarget, entry: unknown, wanted: Record<string, unknown>) {
  if (!isObject(entry) || !isObject(entry["from"])) return false;
  const from = entry["from"];
  const paused = entry["paused"];
  return (
    entry["fieldPath"] === wanted["fieldPath"] &&
    from["kind"] === "ImageStreamTag" &&
    (from["apiVersion"] === undefined || from["apiVersion"] === "") &&
    from["name"] === (wanted["from"] as Record<string, unknown>)["name"] &&
    sourceNamespaceOf(target, from) === sourceNamespaceOf(target, wanted["from"]) &&
    (paused === undefined || typeof paused === "boolean") &&
    (paused === true) === (wanted["paused"] === true)
  );
}

/** Sets `from` as the trigger of each named container. */
function setEntries(
  target: TriggerTarget,
  entries: readonly unknown[],
  request: Extract<TriggerRequest, { action: "set" }>,
): AnnotationResult {
  const pod = containersOf(target);
  const targets = entries.map((entry) => targetOf(target, pod, entry));
  const result: unknown[] = [...entries];
  const dropped = new Set<number>();
  const appended: unknown[] = [];
  let changed = false;
  for (const name of request.containers) {
    const list = listOf(pod, name) ?? "containers";
    const wanted = newEntry(target, list, name, request.from, request.paused);
    const index = pod.lists[list].findIndex((c) => isObject(c) && c["name"] === name);
    const hits = targets.flatMap((t, i) => (t?.list === list && t.index === index ? [i] : []));
    const [first, ...duplicates] = hits;
    if (first === undefined) {
      appended.push(wanted);
      changed = true;
    } else if (!isEquivalent(target, entries[first], wanted)) {
      result[first] = wanted;
      changed = true;
    }
    // A second entry for the same container is what OpenShift rejects (A5); one is kept.
    for (const i of duplicates) dropped.add(i);
  }
  if (dropped.size > 0) changed = true;
  return { entries: [...result.filter((_, i) => !dropped.has(i)), ...appended], changed };
}

/** Removes the entries for the named containers and/or from the named stream tag. */
function removeEntries(
  target: TriggerTarget,
  entries: readonly unknown[],
  request: Extract<TriggerRequest, { action: "remove" }>,
): AnnotationResult {
  const pod = containersOf(target);
  const kept = entries.filter((entry) => {
    const container = targetOf(target, pod, entry)?.name;
    const byContainer =
      request.containers === undefined ||
      (container !== undefined && request.containers.includes(container));
    const bySource =
      request.from === undefined ||
      (isObject(entry) && isSameSource(target, entry["from"], request.from));
    return !(byContainer && bySource);
  });
  return { entries: kept, changed: kept.length !== entries.length };
}

/**
 * The annotation's entries after `request` (not a listing). `entries` is
 * undefined when the object has no annotation.
 */
export function changeAnnotation(
  target: TriggerTarget,
  entries: readonly unknown[] | undefined,
  request: Exclude<TriggerRequest, { action: "list" }>,
): AnnotationResult {
  switch (request.action) {
    case "set":
      return setEntries(target, entries ?? [], request);
    case "remove":
      return removeEntries(target, entries ?? [], request);
    case "removeAll":
      return { entries: [], changed: entries !== undefined };
  }
}

/** The containers an annotation's entries claim, by name (for a DeploymentConfig's check). */
export function claimedContainers(
  target: TriggerTarget,
  entries: readonly unknown[] | undefined,
): string[] {
  const pod = containersOf(target);
  return (entries ?? []).flatMap((entry) => {
    const name = targetOf(target, pod, entry)?.name;
    return name === undefined ? [] : [name];
  });
}

/** The container an entry targets, by name, or its fieldPath when it targets none. */
export function entryContainer(target: TriggerTarget, entry: unknown): string {
  const name = targetOf(target, containersOf(target), entry)?.name;
  if (name !== undefined) return name;
  return isObject(entry) && typeof entry["fieldPath"] === "string" ? entry["fieldPath"] : "?";
}
