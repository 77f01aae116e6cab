/**
 * `imagestream-gitops set-triggers`: `oc set triggers` on the repository's
 * YAML (SEMANTICS.md §6.5). Lists, sets or removes the image triggers of a
 * workload: entries of its image.openshift.io/triggers annotation, or a
 * DeploymentConfig's own ImageChange triggers. Every workload's edits are
 * decided first (trigger-changes.ts, pure); any problem stops the command
 * before a byte is written; then each changed file is replaced atomically.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { InputError, UsageError } from "../errors.ts";
import type { LoadResult } from "../load/load-repository.ts";
import { StreamIndex } from "../load/stream-index.ts";
import { configFileName } from "../model/config.ts";
import type { RepositoryModel } from "../model/repository.ts";
import type { SourceFile } from "../model/source.ts";
import type { ObjectEdits } from "../write/object-edit.ts";
import { exitCodes, type Output } from "./output.ts";
import { renderDiagnostic } from "./render-diagnostics.ts";
import { loadRepositoryAt } from "../reconcile/repository-dir.ts";
import { changeTriggers, listTriggers, type TriggerChange } from "./trigger-changes.ts";
import { parseTriggerRequest, type TriggerRequest } from "./trigger-request.ts";
import { renderTriggerTable, triggerJson } from "./trigger-rows.ts";
import { fileTargets, findTarget, parseKindName } from "./trigger-targets.ts";
import { objectName, type TriggerTarget } from "./trigger-workload.ts";
import { fileChanges, patch, writeChanges, type FileChange } from "../reconcile/write-files.ts";

/** The command's help text. */
export const setTriggersHelp = `Usage: imagestream-gitops set-triggers (FILE | KIND/NAME) [options]

Set or remove the image triggers of a workload in the repository, as
'oc set triggers' does on a cluster. For Deployments, StatefulSets,
DaemonSets, CronJobs, Jobs, ReplicaSets, ReplicationControllers and Pods the
triggers are entries of the image.openshift.io/triggers annotation; for a
DeploymentConfig, its own spec.triggers ImageChange entries. FILE edits every
such workload in the file; KIND/NAME one object (deploy/web, sts/db, dc/app,
deployment.apps/web...). Without --from-image or --remove*, the triggers are
listed. Only the annotation (or spec.triggers) changes; the rest of the file
stays byte for byte.

Options:
  --from-image=[NS/]STREAM:TAG  the image stream tag to trigger from (it must
                      exist in the repository; NS defaults to the object's)
  -c, --containers C1[,C2]  the containers (or init containers) it updates
  --paused            write the trigger paused ("paused": true; automatic: false)
  --remove            remove the triggers of --from-image and/or --containers
  --remove-all        remove every image trigger (a DeploymentConfig keeps ConfigChange)
  -n, --namespace NS  the namespace of KIND/NAME (objects naming none are in the
                      config's namespace); required when NAME is in several
  --dry-run           print the unified diff of what would be written; write nothing
  --json              print JSON: the listing as an array, else what changed
  --repo DIR          the repository root (default: the current directory)
  --config FILE       the config file (default: DIR/imagestream-gitops.yaml, optional)
  -h, --help          show this help

Exit status: 0 done (or nothing to change), 1 a file could not be written,
2 bad usage, an unknown object, container or stream tag, or an annotation that
is not a JSON array.
`;

const options = {
  repo: { type: "string", default: "." },
  config: { type: "string" },
  namespace: { type: "string", short: "n" },
  "from-image": { type: "string" },
  containers: { type: "string", short: "c" },
  paused: { type: "boolean", default: false },
  remove: { type: "boolean", default: false },
  "remove-all": { type: "boolean", default: false },
  "dry-run": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** Runs `set-triggers`; returns the exit code. */
export async function runSetTriggers(args: readonly string[], out: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.stdout(setTriggersHelp);
    return exitCodes.ok;
  }
  const [subject, ...extra] = positionals;
  if (subject === undefined || extra.length > 0) throw new UsageError("name one FILE or KIND/NAME");
  const request = parseTriggerRequest({
    fromImage: values["from-image"],
    containers: values.containers,
    paused: values.paused,
    remove: values.remove,
    removeAll: values["remove-all"],
  });
  const loaded = await load(values, out);
  const targets = await resolveTargets(subject, loaded.model, values.namespace);
  if (request.action === "list") {
    printListing(targets.map(listTriggers), values.json, out);
    return exitCodes.ok;
  }
  const changes = decide(targets, request, loaded.model);
  const edits = new Map<string, ObjectEdits[]>();
  for (const { target, edits: list } of changes) {
    if (list.length === 0) continue;
    const { at } = target.object;
    const file = edits.get(at.file.path) ?? [];
    file.push({ document: at.doc.index, pointer: at.pointer, edits: list });
    edits.set(at.file.path, file);
  }
  const written = fileChanges(loaded.model.files, edits);
  const dryRun = values["dry-run"];
  if (!dryRun) await writeChanges(loaded.model.root, written);
  printResult(changes, written, dryRun, values.json, out);
  return exitCodes.ok;
}

/** Loads the repository; a config with errors stops the command (objects would land in the wrong namespace). */
async function load(
  values: { readonly repo: string; readonly config?: string | undefined },
  out: Output,
): Promise<LoadResult> {
  const loaded = await loadRepositoryAt(values);
  const { configFile, diagnostics } = loaded;
  const broken = diagnostics.filter(
    (d) => d.severity === "error" && configFile !== undefined && d.file === configFile.path,
  );
  if (broken.length === 0) return loaded;
  for (const d of broken) out.stderr(renderDiagnostic(d, configFile) + "\n");
  throw new InputError(`the config file ${configFile?.path ?? ""} has errors; fix them first`);
}

/** Every workload's change; all problems together, before anything is written. */
function decide(
  targets: readonly TriggerTarget[],
  request: Exclude<TriggerRequest, { action: "list" }>,
  model: RepositoryModel,
): TriggerChange[] {
  const scope = {
    streams: new StreamIndex(model.streams),
    otherKeys: new Set<string>(),
    strict: false,
  };
  const changes: TriggerChange[] = [];
  const problems: string[] = [];
  for (const target of targets) {
    try {
      changes.push(changeTriggers(target, request, scope));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length > 0) throw new InputError(problems.join("\n"));
  return changes;
}

/** FILE (a path from the working directory or the repository root), else KIND/NAME. */
async function resolveTargets(
  subject: string,
  model: RepositoryModel,
  namespace: string | undefined,
): Promise<TriggerTarget[]> {
  const file = await findFile(subject, model);
  if (file !== undefined) return fileTargets(file, model.config.namespace, namespace);
  if (/\.ya?ml$/i.test(subject)) throw new InputError(`no such file: ${subject}`);
  const kindName = parseKindName(subject);
  if (kindName === undefined)
    throw new UsageError(`"${subject}" is neither a file in the repository nor KIND/NAME`);
  return [findTarget(model.files, model.config.namespace, kindName.kind, kindName.name, namespace)];
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The repository file `subject` names, or undefined when no such file exists. */
async function findFile(subject: string, model: RepositoryModel): Promise<SourceFile | undefined> {
  for (const candidate of [path.resolve(subject), path.resolve(model.root, subject)]) {
    if (!(await isFile(candidate))) continue;
    const relative = path.relative(model.root, candidate);
    if (relative.startsWith("..") || path.isAbsolute(relative))
      throw new InputError(`${subject} is outside the repository ${model.root}`);
    const posix = relative.split(path.sep).join("/");
    const file = model.files.find((f) => f.path === posix);
    if (file === undefined)
      throw new InputError(
        `${posix} is not one of the repository's YAML files (files.include and files.exclude in ${configFileName} choose them)`,
      );
    return file;
  }
  return undefined;
}

function printListing(listed: readonly TriggerChange[], json: boolean, out: Output): void {
  if (json) {
    const rows = listed.flatMap(({ target, rows }) => triggerJson(target, rows));
    out.stdout(JSON.stringify(rows, null, 2) + "\n");
  } else {
    out.stdout(renderTriggerTable(listed));
  }
}

function printResult(
  changes: readonly TriggerChange[],
  written: readonly FileChange[],
  dryRun: boolean,
  json: boolean,
  out: Output,
): void {
  const files = written.map((c) => c.file.path);
  if (json) {
    const objects = changes.map(({ target, edits, rows }) => ({
      object: objectName(target),
      changed: edits.length > 0,
      triggers: triggerJson(target, rows),
    }));
    const diff = dryRun ? { diff: written.map(patch).join("") } : {};
    out.stdout(JSON.stringify({ dryRun, files, objects, ...diff }, null, 2) + "\n");
    return;
  }
  for (const { target, edits } of changes)
    out.stdout(`${objectName(target)} triggers ${edits.length > 0 ? "updated" : "unchanged"}\n`);
  if (dryRun) for (const change of written) out.stdout(patch(change));
  if (files.length === 0) out.stdout("no change; nothing written\n");
  else if (dryRun) out.stdout(`dry run: would write ${files.join(", ")}\n`);
  else for (const file of files) out.stdout(`wrote ${file}\n`);
}
