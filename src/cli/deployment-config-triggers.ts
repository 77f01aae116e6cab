/**
 * set-triggers on a DeploymentConfig's own `spec.triggers` (O6, §6.6): the
 * ImageChange entries `{type: ImageChange, imageChangeParams: {automatic,
 * containerNames, from}}` after a request, as item edits of that sequence.
 *
 * Containers are the unit, as for the annotation: setting S on containers
 * C takes C off every other ImageChange entry (an entry left without
 * containers is reused in place for S, or removed), then adds C to the
 * entry that already follows S with the same `automatic` (keeping its
 * lastTriggeredImage), else reuses a vacated entry, else appends one.
 * ConfigChange and other entries are never touched. A missing
 * `spec.triggers` means [ConfigChange] to the API server (apps/v1
 * defaulting), so creating the list writes that entry first. Pure.
 */
import { isObject } from "../load/objects.ts";
import type { ObjectEdit } from "../write/object-edit.ts";
import type { StreamTagName, TriggerRequest } from "./trigger-request.ts";
import { isSameSource, problem, sourceReference, type TriggerTarget } from "./trigger-workload.ts";

const triggersPath = ["spec", "triggers"] as const;

/** An ImageChange entry of spec.triggers. */
interface ImageChange {
  readonly index: number;
  readonly item: Record<string, unknown>;
  readonly params: Record<string, unknown>;
  readonly names: readonly string[];
  readonly automatic: boolean;
}

/** spec.triggers after a request, and the edits that get there. */
export interface DeploymentConfigResult {
  /** The items after the change; undefined when spec.triggers is (still) missing. */
  readonly items: readonly unknown[] | undefined;
  readonly edits: readonly ObjectEdit[];
}

/** spec.triggers as written; undefined when missing or null. */
export function triggerItems(target: TriggerTarget): unknown[] | undefined {
  const spec = target.object.value["spec"];
  const items = isObject(spec) ? spec["triggers"] : undefined;
  if (items === undefined || items === null) return undefined;
  if (!Array.isArray(items)) throw problem(target, "spec.triggers is not a list");
  return items as unknown[];
}

/** True for an ImageChange entry; `params` are its imageChangeParams when they are a mapping. */
export function imageChangeOf(item: unknown): Omit<ImageChange, "index"> | undefined {
  if (!isObject(item) || item["type"] !== "ImageChange") return undefined;
  const params = isObject(item["imageChangeParams"]) ? item["imageChangeParams"] : {};
  const names = Array.isArray(params["containerNames"])
    ? params["containerNames"].filter((n): n is string => typeof n === "string")
    : [];
  return { item, params, names, automatic: params["automatic"] === true };
}

function imageChanges(items: readonly unknown[]): ImageChange[] {
  return items.flatMap((item, index) => {
    const change = imageChangeOf(item);
    return change === undefined ? [] : [{ ...change, index }];
  });
}

/** `change` with other containers, and optionally another source and `automatic`. */
function rewritten(
  target: TriggerTarget,
  change: ImageChange,
  names: readonly string[],
  source?: { from: StreamTagName; automatic: boolean },
): Record<string, unknown> {
  const params: Record<string, unknown> = { ...change.params, containerNames: names };
  if (source !== undefined) {
    params["automatic"] = source.automatic;
    if (!isSameSource(target, change.params["from"], source.from)) {
      params["from"] = sourceReference(target, source.from);
      // The last image came from the old source; the reconciler writes the new one's.
      delete params["lastTriggeredImage"];
    }
  }
  return { ...change.item, imageChangeParams: params };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/** The edits that turn `items` into `next` (same length, `undefined` = removed) plus `appended`. */
function editsOf(
  items: readonly unknown[] | undefined,
  next: readonly unknown[],
  appended: readonly unknown[],
): DeploymentConfigResult {
  const edits: ObjectEdit[] = [];
  const before = items ?? [];
  next.forEach((item, index) => {
    if (item !== undefined && item !== before[index])
      edits.push({ kind: "replaceItem", path: triggersPath, index, value: item });
  });
  for (let index = next.length - 1; index >= 0; index--)
    if (next[index] === undefined) edits.push({ kind: "removeItem", path: triggersPath, index });
  const added = items === undefined && appended.length > 0 ? [{ type: "ConfigChange" }] : [];
  for (const value of [...added, ...appended])
    edits.push({ kind: "appendItem", path: triggersPath, value });
  const after = [...next.filter((item) => item !== undefined), ...added, ...appended];
  return { items: items === undefined && after.length === 0 ? undefined : after, edits };
}

function setTrigger(
  target: TriggerTarget,
  items: readonly unknown[] | undefined,
  request: Extract<TriggerRequest, { action: "set" }>,
): DeploymentConfigResult {
  const wanted = request.containers;
  const automatic = !request.paused;
  const changes = imageChanges(items ?? []);
  const names = new Map(
    changes.map((c) => [c.index, c.names.filter((name) => !wanted.includes(name))]),
  );
  const next: unknown[] = [...(items ?? [])];
  const home = changes.find(
    (c) => c.automatic === automatic && isSameSource(target, c.params["from"], request.from),
  );
  const vacated = (c: ImageChange) => c.names.length > 0 && names.get(c.index)?.length === 0;
  const reused = home ?? changes.find(vacated);
  const appended: unknown[] = [];
  if (home !== undefined) {
    const merged = [...home.names, ...wanted.filter((name) => !home.names.includes(name))];
    if (!sameNames(merged, home.names)) next[home.index] = rewritten(target, home, merged);
  } else if (reused !== undefined) {
    next[reused.index] = rewritten(target, reused, wanted, { from: request.from, automatic });
  } else {
    const params = {
      automatic,
      containerNames: wanted,
      from: sourceReference(target, request.from),
    };
    appended.push({ type: "ImageChange", imageChangeParams: params });
  }
  for (const change of changes) {
    const rest = names.get(change.index) ?? [];
    if (change === reused || rest.length === change.names.length) continue;
    next[change.index] = rest.length === 0 ? undefined : rewritten(target, change, rest);
  }
  return editsOf(items, next, appended);
}

function removeTriggers(
  items: readonly unknown[] | undefined,
  target: TriggerTarget,
  request: Extract<TriggerRequest, { action: "remove" }>,
): DeploymentConfigResult {
  const next: unknown[] = [...(items ?? [])];
  for (const change of imageChanges(items ?? [])) {
    if (request.from !== undefined && !isSameSource(target, change.params["from"], request.from))
      continue;
    const named = request.containers;
    const rest = named === undefined ? [] : change.names.filter((name) => !named.includes(name));
    if (named !== undefined && rest.length === change.names.length) continue;
    next[change.index] = rest.length === 0 ? undefined : rewritten(target, change, rest);
  }
  return editsOf(items, next, []);
}

/**
 * spec.triggers after `request` (not a listing). --remove-all removes every
 * ImageChange entry and keeps ConfigChange (oc also drops ConfigChange,
 * which a tool for image triggers should not do); an emptied list stays
 * `[]`, which the API server does not default.
 */
export function changeDeploymentConfig(
  target: TriggerTarget,
  request: Exclude<TriggerRequest, { action: "list" }>,
): DeploymentConfigResult {
  const items = triggerItems(target);
  switch (request.action) {
    case "set":
      return setTrigger(target, items, request);
    case "remove":
      return removeTriggers(items, target, request);
    case "removeAll": {
      const next = (items ?? []).map((item) => (imageChangeOf(item) ? undefined : item));
      return editsOf(items, next, []);
    }
  }
}
