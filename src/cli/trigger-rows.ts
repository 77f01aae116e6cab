/**
 * A workload's triggers as `oc set triggers` lists them (printTriggers):
 * a `config` row (a Deployment's is `!spec.paused`, a DeploymentConfig's
 * whether it has a ConfigChange trigger, the other kinds' always true),
 * then one `image` row per image trigger. Rendered as oc's table or as
 * JSON. Pure.
 */
import { isObject } from "../load/objects.ts";
import { entryContainer } from "./annotation-triggers.ts";
import { imageChangeOf } from "./deployment-config-triggers.ts";
import { sourceNamespaceOf, type TriggerTarget } from "./trigger-workload.ts";

/** One trigger of a workload. */
export interface TriggerRow {
  readonly type: "config" | "image";
  /** `stream:tag` of an image trigger. */
  readonly from?: string;
  /** The stream's namespace: the trigger's own, else the object's. */
  readonly fromNamespace?: string;
  readonly containers: readonly string[];
  readonly auto: boolean;
}

function configChange(target: TriggerTarget, items: readonly unknown[] | undefined): boolean {
  const spec = target.object.value["spec"];
  switch (target.kind.kind) {
    case "DeploymentConfig":
      // A missing spec.triggers is defaulted to [ConfigChange].
      return items === undefined || items.some((i) => isObject(i) && i["type"] === "ConfigChange");
    case "Deployment":
      return !(isObject(spec) && spec["paused"] === true);
    default:
      return true;
  }
}

function imageRow(
  target: TriggerTarget,
  from: unknown,
  containers: readonly string[],
  auto: boolean,
): TriggerRow {
  const name = isObject(from) && typeof from["name"] === "string" ? from["name"] : "?";
  return {
    type: "image",
    from: name,
    fromNamespace: sourceNamespaceOf(target, from),
    containers,
    auto,
  };
}

/**
 * The rows of `target` whose annotation holds `entries` and whose
 * spec.triggers (a DeploymentConfig's) holds `items`.
 */
export function triggerRows(
  target: TriggerTarget,
  entries: readonly unknown[] | undefined,
  items: readonly unknown[] | undefined,
): TriggerRow[] {
  const rows: TriggerRow[] = [
    { type: "config", containers: [], auto: configChange(target, items) },
  ];
  if (target.kind.kind === "DeploymentConfig") {
    for (const item of items ?? []) {
      const change = imageChangeOf(item);
      if (change === undefined) continue;
      rows.push(imageRow(target, change.params["from"], change.names, change.automatic));
    }
  }
  for (const entry of entries ?? []) {
    const from = isObject(entry) ? entry["from"] : undefined;
    const paused = isObject(entry) && (entry["paused"] === true || entry["paused"] === "true");
    rows.push(imageRow(target, from, [entryContainer(target, entry)], !paused));
  }
  return rows;
}

/** oc's resource/name: `deployments/web`. */
export function resourceName(target: TriggerTarget): string {
  return `${target.kind.kind.toLowerCase()}s/${target.name}`;
}

/** oc's VALUE column: `[namespace/]stream:tag (containers)`, the namespace only when not the object's. */
function valueOf(target: TriggerTarget, row: TriggerRow): string {
  if (row.type === "config") return "";
  const prefix = row.fromNamespace === target.namespace ? "" : `${row.fromNamespace ?? ""}/`;
  const names = row.containers.length > 0 ? ` (${row.containers.join(", ")})` : "";
  return `${prefix}${row.from ?? ""}${names}`;
}

/** The table oc prints: NAME, TYPE, VALUE, AUTO, columns two spaces apart. */
export function renderTriggerTable(
  listed: readonly { target: TriggerTarget; rows: readonly TriggerRow[] }[],
): string {
  const cells = [
    ["NAME", "TYPE", "VALUE", "AUTO"],
    ...listed.flatMap(({ target, rows }) =>
      rows.map((row) => [resourceName(target), row.type, valueOf(target, row), String(row.auto)]),
    ),
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...cells.map((row) => (row[c] ?? "").length)));
  return cells
    .map((row) => row.map((cell, c) => (c < 3 ? cell.padEnd((widths[c] ?? 0) + 2) : cell)).join(""))
    .join("\n")
    .concat("\n");
}

/** The rows as JSON values, one per trigger, each naming its object and where it is. */
export function triggerJson(target: TriggerTarget, rows: readonly TriggerRow[]): object[] {
  const { at } = target.object;
  const object = {
    kind: target.kind.kind,
    name: target.name,
    namespace: target.namespace,
    file: at.file.path,
    line: at.line,
  };
  return rows.map((row) => ({ ...object, ...row }));
}
