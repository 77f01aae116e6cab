/**
 * Finds the workloads set-triggers works on in the loaded repository: every
 * supported workload of a FILE, or the object a KIND/NAME names, with
 * kubectl's kind aliases (case-insensitive, plural, short, `.group`
 * suffix), in the namespace -n names or, without it, the only namespace
 * that has one. Pure.
 */
import { InputError, UsageError } from "../errors.ts";
import { metadataOf, objectsOf, type KubeObject } from "../load/objects.ts";
import { closest } from "../load/suggest.ts";
import type { SourceFile } from "../model/source.ts";
import { workloadKind, workloadKindNames } from "../model/workload-kinds.ts";
import type { TriggerTarget } from "./trigger-workload.ts";

/** Names, plurals and kubectl's short names of the kinds that take triggers. */
const shortNames: Readonly<Record<string, string>> = {
  deploy: "Deployment",
  sts: "StatefulSet",
  ds: "DaemonSet",
  cj: "CronJob",
  rs: "ReplicaSet",
  rc: "ReplicationController",
  po: "Pod",
  dc: "DeploymentConfig",
};

/** `deploy`, `Deployments`, `deployment.apps`: the kind, lower-cased, without its group. */
function baseOf(text: string): string {
  return (text.split(".")[0] ?? "").toLowerCase();
}

/** True when `text` names `kind`: its name or plural in any case, or its initials (`bc`). */
function namesKind(text: string, kind: string): boolean {
  const base = baseOf(text);
  const lower = kind.toLowerCase();
  const initials = kind.replace(/[^A-Z]/g, "").toLowerCase();
  return base === lower || base === `${lower}s` || (initials.length > 1 && base === initials);
}

/** The supported kind `text` names, or undefined. */
export function kindOfAlias(text: string): string | undefined {
  const short = shortNames[baseOf(text)];
  return short ?? workloadKindNames.find((kind) => namesKind(text, kind));
}

/** `KIND/NAME` split; undefined when `text` is not of that form. */
export function parseKindName(text: string): { kind: string; name: string } | undefined {
  const parts = text.split("/");
  const [kind = "", name = ""] = parts;
  return parts.length === 2 && kind !== "" && name !== "" ? { kind, name } : undefined;
}

/** The target of `object` when its kind takes triggers. */
function targetOf(object: KubeObject, defaultNamespace: string): TriggerTarget | undefined {
  const kind = workloadKind(object.kind);
  if (kind === undefined) return undefined;
  const { name = "", namespace = defaultNamespace } = metadataOf(object.value);
  return { object, kind, name, namespace };
}

function where(object: KubeObject): string {
  return `${object.at.file.path}:${String(object.at.line)}`;
}

const supported = `set-triggers edits ${workloadKindNames.join(", ")}`;

/**
 * Every workload of `file` whose kind takes triggers (in `namespace` when
 * given); objects of other kinds are left alone.
 *
 * @throws InputError when there is none.
 */
export function fileTargets(
  file: SourceFile,
  defaultNamespace: string,
  namespace: string | undefined,
): TriggerTarget[] {
  const objects = objectsOf(file);
  const targets = objects
    .flatMap((object) => targetOf(object, defaultNamespace) ?? [])
    .filter((target) => namespace === undefined || target.namespace === namespace);
  if (targets.length > 0) return targets;
  const found = objects.map((o) => `${o.kind} at line ${String(o.at.line)}`).join(", ");
  const inNamespace = namespace === undefined ? "" : ` in namespace "${namespace}"`;
  throw new InputError(
    `${file.path}: no workload that takes image triggers${inNamespace} (found: ${found || "no Kubernetes objects"}); ${supported}`,
  );
}

/** The object of an unsupported kind `kindText/name`, to say where it is and why it cannot be used. */
function unsupported(objects: readonly KubeObject[], kindText: string, name: string): Error {
  const object = objects.find(
    (o) => namesKind(kindText, o.kind) && metadataOf(o.value).name === name,
  );
  if (object === undefined)
    return new UsageError(
      `"${kindText}" is not a kind that takes image triggers; ${supported} (e.g. deploy/NAME, dc/NAME)`,
    );
  return new InputError(
    `${where(object)}: ${object.kind} "${name}" does not take image triggers; ${supported}`,
  );
}

/**
 * The workload `kindText/name` of the repository's `files`, in `namespace`
 * when given, else in the one namespace that has it.
 *
 * @throws InputError when it is missing (with the known names and the
 *   closest one), in several namespaces, or defined twice; UsageError for a
 *   kind that takes no triggers and is not in the repository.
 */
export function findTarget(
  files: readonly SourceFile[],
  defaultNamespace: string,
  kindText: string,
  name: string,
  namespace: string | undefined,
): TriggerTarget {
  const objects = files.flatMap(objectsOf);
  const kind = kindOfAlias(kindText);
  if (kind === undefined) throw unsupported(objects, kindText, name);
  const ofKind = objects
    .filter((o) => o.kind === kind)
    .flatMap((o) => targetOf(o, defaultNamespace) ?? []);
  const named = ofKind.filter((t) => t.name === name);
  const found = named.filter((t) => namespace === undefined || t.namespace === namespace);
  const [first, second] = found;
  if (first === undefined) throw notFound(ofKind, kind, name, namespace);
  if (second !== undefined && second.namespace !== first.namespace) {
    const namespaces = [...new Set(found.map((t) => t.namespace))].sort().join(", ");
    throw new InputError(
      `${kind} "${name}" is in several namespaces (${namespaces}); choose one with -n NAMESPACE`,
    );
  }
  if (second !== undefined)
    throw new InputError(
      `${kind} "${first.namespace}/${name}" is defined twice: ${where(first.object)} and ${where(second.object)}`,
    );
  return first;
}

function notFound(
  ofKind: readonly TriggerTarget[],
  kind: string,
  name: string,
  namespace: string | undefined,
): InputError {
  const known = [...new Set(ofKind.map((t) => `${t.namespace}/${t.name}`))].sort();
  const wanted = namespace === undefined ? name : `${namespace}/${name}`;
  const suggestion = closest(wanted, namespace === undefined ? ofKind.map((t) => t.name) : known);
  const inNamespace = namespace === undefined ? "" : ` in namespace "${namespace}"`;
  return new InputError(
    `no ${kind} named "${name}"${inNamespace} in the repository (known: ${known.length === 0 ? "none" : known.join(", ")})` +
      (suggestion === undefined ? "" : `; did you mean "${suggestion}"?`),
  );
}
