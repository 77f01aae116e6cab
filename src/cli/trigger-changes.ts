/**
 * set-triggers' decisions for one workload: checks the request against the
 * object (its containers, O3) and the repository (the stream tag must
 * exist), then turns its current triggers and the request into edits of
 * the annotation or, for a DeploymentConfig, of spec.triggers; plus the
 * triggers it has afterwards, for printing. Pure: it reads the loaded
 * object and returns values.
 */
import { triggersAnnotation, triggersPointer } from "../load/check-triggers.ts";
import { metadataOf } from "../load/objects.ts";
import { missingStreamTag, type TriggerScope } from "../load/trigger-scope.ts";
import type { ObjectEdit } from "../write/object-edit.ts";
import { changeAnnotation, claimedContainers } from "./annotation-triggers.ts";
import { changeDeploymentConfig, triggerItems } from "./deployment-config-triggers.ts";
import { triggerRows, type TriggerRow } from "./trigger-rows.ts";
import type { StreamTagName, TriggerRequest } from "./trigger-request.ts";
import {
  checkContainers,
  placeOf,
  problem,
  readAnnotation,
  type TriggerTarget,
} from "./trigger-workload.ts";

/** What set-triggers does to one workload. */
export interface TriggerChange {
  readonly target: TriggerTarget;
  /** The edits of the object; none when nothing changes (or when listing). */
  readonly edits: readonly ObjectEdit[];
  /** The object's triggers after the edits. */
  readonly rows: readonly TriggerRow[];
}

/** The object's triggers as they are. */
export function listTriggers(target: TriggerTarget): TriggerChange {
  const rows = triggerRows(target, readAnnotation(target), triggerItems(target));
  return { target, edits: [], rows };
}

/**
 * The stream tag `from` must exist in the repository, in the namespace it
 * names or else the object's own.
 *
 * @throws InputError with the loader's message and a hint to create it.
 */
function checkStreamTag(target: TriggerTarget, from: StreamTagName, scope: TriggerScope): void {
  const namespace = from.namespace ?? target.namespace;
  const missing = missingStreamTag(scope, { namespace, stream: from.stream, tag: from.tag });
  if (missing === undefined) return;
  const name = `${namespace}/${from.stream}`;
  const create = scope.streams.get(name)
    ? `'imagestream-gitops tag SOURCE ${name}:${from.tag}' creates the tag`
    : `'imagestream-gitops import-image ${name}:${from.tag} --from=IMAGE --confirm' creates the stream`;
  throw problem(
    target,
    `--from-image=${from.text}: ${missing.message}\n  hint: ${missing.hint}; ${create}`,
  );
}

/** A DeploymentConfig's annotation may not trigger a container spec.triggers is to take (O3). */
function checkAnnotationClaims(
  target: TriggerTarget,
  entries: readonly unknown[] | undefined,
  containers: readonly string[],
): void {
  const claimed = claimedContainers(target, entries).filter((name) => containers.includes(name));
  if (claimed.length === 0) return;
  throw problem(
    target,
    `only one trigger may reference each container: ${[...new Set(claimed)].sort().join(", ")}\n  hint: its ${triggersAnnotation} annotation triggers them already; remove them there first`,
    placeOf(target, triggersPointer),
  );
}

function deploymentConfigChange(
  target: TriggerTarget,
  request: Exclude<TriggerRequest, { action: "list" }>,
): TriggerChange {
  const entries = readAnnotation(target);
  if (request.action === "set") checkAnnotationClaims(target, entries, request.containers);
  const { items, edits } = changeDeploymentConfig(target, request);
  return { target, edits, rows: triggerRows(target, entries, items) };
}

function annotationChange(
  target: TriggerTarget,
  request: Exclude<TriggerRequest, { action: "list" }>,
): TriggerChange {
  const present = metadataOf(target.object.value).annotations[triggersAnnotation] !== undefined;
  // --remove-all needs no parse: it may clear an annotation that does not parse.
  const before =
    request.action === "removeAll" ? (present ? [] : undefined) : readAnnotation(target);
  const { entries, changed } = changeAnnotation(target, before, request);
  const items = triggerItems(target);
  const rows = triggerRows(target, entries.length === 0 ? undefined : entries, items);
  if (!changed) return { target, edits: [], rows };
  const edit: ObjectEdit =
    entries.length === 0
      ? { kind: "removeAnnotation", key: triggersAnnotation }
      : { kind: "setAnnotation", key: triggersAnnotation, value: JSON.stringify(entries) };
  return { target, edits: [edit], rows };
}

/**
 * What `request` (not a listing) does to `target`.
 *
 * @throws InputError naming the file and line: a container that does not
 *   exist, a stream tag the repository lacks, an annotation that is not a
 *   JSON array, a container two triggers would write.
 */
export function changeTriggers(
  target: TriggerTarget,
  request: Exclude<TriggerRequest, { action: "list" }>,
  scope: TriggerScope,
): TriggerChange {
  if (request.action !== "removeAll") checkContainers(target, request.containers ?? []);
  if (request.action === "set") checkStreamTag(target, request.from, scope);
  return target.kind.kind === "DeploymentConfig"
    ? deploymentConfigChange(target, request)
    : annotationChange(target, request);
}
