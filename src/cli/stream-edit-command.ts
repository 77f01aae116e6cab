/**
 * What `tag` and `import-image` share: loading the repository for an edit
 * (refusing one with errors), finding a stream by name, planning only the
 * tags the command names (so the rest of the repository is neither imported
 * nor written), and writing spec edits together with the plan's status
 * edits through the shared atomic writer.
 */
import { InputError, UsageError } from "../errors.ts";
import type { LoadResult } from "../load/load-repository.ts";
import { closest } from "../load/suggest.ts";
import type { ImageStream, TagReference } from "../model/generated/imagestream.ts";
import type { Plan, TagPlan } from "../model/plan.ts";
import type { StreamEntry } from "../model/repository.ts";
import type { ForcedImports } from "../plan/plan-context.ts";
import { planEdits } from "../write/plan-edits.ts";
import type { ObjectEdits } from "../write/object-edit.ts";
import type { StreamEdit } from "../write/stream-edit.ts";
import type { Output } from "./output.ts";
import { planStreams } from "../reconcile/plan-run.ts";
import { cliLog } from "./cli-log.ts";
import { concurrencyArgument } from "./registry-command.ts";
import { renderDiagnostic } from "./render-diagnostics.ts";
import { loadRepositoryAt } from "../reconcile/repository-dir.ts";
import { fileChanges, writeChanges } from "../reconcile/write-files.ts";

/** The options both commands take to find the repository and reach the registries. */
export const editOptions = {
  repo: { type: "string", default: "." },
  config: { type: "string" },
  namespace: { type: "string" },
  authfile: { type: "string" },
  concurrency: { type: "string", default: "8" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The import flags `tag` and `import-image` both take, as `oc` names them. */
export const importOptions = {
  scheduled: { type: "boolean", default: false },
  insecure: { type: "boolean", default: false },
  "reference-policy": { type: "string" },
  "import-mode": { type: "string" },
} as const;

/** The help lines of {@link editOptions}. */
export const editOptionsHelp = `  --namespace NS      the namespace of streams named without one (default: the config's)
  --repo DIR          the repository root (default: the current directory)
  --config FILE       the config file (default: DIR/imagestream-gitops.yaml, optional)
  --authfile FILE     registry credentials (default: REGISTRY_AUTH_FILE, DOCKER_CONFIG/config.json,
                      ~/.docker/config.json, ~/.dockercfg)
  --concurrency N     requests in flight per registry (default 8)
  -h, --help          show this help`;

/** Loads the repository; prints its diagnostics and fails when it has errors. */
export async function loadForEdit(
  values: { readonly repo: string; readonly config?: string | undefined },
  out: Output,
): Promise<LoadResult> {
  const loaded = await loadRepositoryAt(values);
  const { model, diagnostics, configFile } = loaded;
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  if (errors > 0) {
    const files = configFile === undefined ? model.files : [configFile, ...model.files];
    const sources = new Map(files.map((f) => [f.path, f]));
    for (const d of diagnostics) out.stderr(renderDiagnostic(d, sources.get(d.file)) + "\n");
    throw new InputError(
      `the repository has ${String(errors)} error${errors === 1 ? "" : "s"}; fix them first (see 'imagestream-gitops validate')`,
    );
  }
  return loaded;
}

/** The stream `namespace/name`, or undefined. */
export function lookUpStream(
  streams: readonly StreamEntry[],
  namespace: string,
  name: string,
): StreamEntry | undefined {
  return streams.find((e) => e.namespace === namespace && e.stream.metadata.name === name);
}

/** The stream `namespace/name`; an InputError naming the known streams otherwise. */
export function findStream(
  streams: readonly StreamEntry[],
  namespace: string,
  name: string,
): StreamEntry {
  const found = lookUpStream(streams, namespace, name);
  if (found !== undefined) return found;
  const known = [...new Set(streams.map((e) => `${e.namespace}/${e.stream.metadata.name}`))].sort();
  const wanted = `${namespace}/${name}`;
  const suggestion = closest(wanted, known);
  throw new InputError(
    `no image stream named "${wanted}" (known: ${known.length === 0 ? "none" : known.join(", ")})` +
      (suggestion === undefined ? "" : `; did you mean "${suggestion}"?`),
  );
}

/** `namespace/name` of a stream entry. */
export function streamKey(entry: StreamEntry): string {
  return `${entry.namespace}/${entry.stream.metadata.name}`;
}

/** The spec tag named `tag` (the last of that name, as OpenShift keeps it). */
export function specTag(entry: StreamEntry, tag: string): TagReference | undefined {
  return (entry.stream.spec?.tags ?? []).findLast((t) => t.name === tag);
}

/** What one stream of the focused view plans. */
export interface Focus {
  /** The spec tags to plan, as they will be written. */
  readonly tags: readonly TagReference[];
  /** Keep spec.dockerImageRepository (import-image --all). */
  readonly repository?: boolean;
}

/**
 * The streams as the planner should see them: every status kept (so tags
 * sourced from other tags resolve), but only the focused spec tags, and no
 * repository import unless asked, so nothing else is imported or written.
 */
export function focusedStreams(
  streams: readonly StreamEntry[],
  focus: ReadonlyMap<string, Focus>,
): StreamEntry[] {
  return streams.map((entry) => {
    const wanted = focus.get(streamKey(entry));
    const spec = entry.stream.spec ?? {};
    const repository =
      wanted?.repository === true && spec.dockerImageRepository !== undefined
        ? { dockerImageRepository: spec.dockerImageRepository }
        : {};
    const stream: ImageStream = {
      ...entry.stream,
      spec: {
        ...(spec.lookupPolicy === undefined ? {} : { lookupPolicy: spec.lookupPolicy }),
        ...repository,
        tags: wanted?.tags ?? [],
      },
    };
    return { ...entry, stream };
  });
}

/** Plans `focus` against the registries (forcing `force`), with the rest of the repository as context. */
export async function planFocus(
  loaded: LoadResult,
  focus: ReadonlyMap<string, Focus>,
  force: ForcedImports,
  values: {
    readonly config?: string | undefined;
    readonly authfile?: string | undefined;
    readonly concurrency: string;
  },
  out: Output,
  env: Readonly<Record<string, string | undefined>>,
  now: () => Date,
): Promise<Plan> {
  const streams = focusedStreams(loaded.model.streams, focus);
  const registry = {
    config: values.config,
    authfile: values.authfile,
    insecure: false,
    concurrency: concurrencyArgument(values.concurrency),
  };
  const { plan } = await planStreams(
    loaded,
    { streams, workloads: [] },
    force,
    registry,
    cliLog(out, false),
    env,
    now,
  );
  return plan;
}

/** The decisions of the focused plan for its spec tags (status-only tags left out). */
export function focusedDecisions(plan: Plan): { key: string; tag: TagPlan }[] {
  return plan.streams.flatMap((s) =>
    s.tags
      .filter((t) => t.action !== "status-only")
      .map((tag) => ({ key: `${s.namespace}/${s.name}:${tag.tag}`, tag })),
  );
}

/** Spec (and status) edits of one stream, written before the plan's. */
export interface StreamSpecEdits {
  readonly entry: StreamEntry;
  readonly edits: readonly StreamEdit[];
}

/** The edit that makes `tag` the stream's spec tag of its name. */
export function setSpecTag(entry: StreamEntry, tag: TagReference): StreamEdit {
  return specTag(entry, tag.name) === undefined
    ? { kind: "addSpecTag", tag }
    : { kind: "replaceSpecTag", tag };
}

/**
 * Writes `specEdits`, then the plan's edits (status items, records,
 * repository spec tags), atomically per file. Returns the files written.
 */
export async function writeEdits(
  loaded: LoadResult,
  specEdits: readonly StreamSpecEdits[],
  plan: Plan | undefined,
): Promise<string[]> {
  const { model } = loaded;
  const byFile = new Map<string, ObjectEdits[]>();
  for (const { entry, edits } of specEdits) {
    if (edits.length === 0) continue;
    const list = byFile.get(entry.at.file.path) ?? [];
    list.push({ document: entry.at.doc.index, pointer: entry.at.pointer, edits });
    byFile.set(entry.at.file.path, list);
  }
  if (plan !== undefined)
    for (const [file, edits] of planEdits(plan, model.config.history))
      byFile.set(file, [...(byFile.get(file) ?? []), ...edits]);
  const changes = fileChanges(model.files, byFile);
  await writeChanges(model.root, changes);
  return changes.map((c) => c.file.path);
}

/** Prints each focused decision that failed; returns whether any did. */
export function reportFailures(plan: Plan, command: string, out: Output): boolean {
  let failed = false;
  for (const { key, tag } of focusedDecisions(plan)) {
    if (tag.failure === undefined) continue;
    failed = true;
    out.stderr(
      `imagestream-gitops ${command}: ${key}: import failed: ${tag.failure.reason}: ${tag.failure.message}\n`,
    );
  }
  for (const s of plan.streams) {
    const failure = s.repositoryImport?.failure;
    if (failure === undefined) continue;
    failed = true;
    out.stderr(
      `imagestream-gitops ${command}: ${s.namespace}/${s.name}: listing ${s.repositoryImport?.repository ?? ""} failed: ${failure.reason}: ${failure.message}\n`,
    );
  }
  return failed;
}

/** Splits `[namespace/]stream:tag` (the tag optional when `tagOptional`). */
export function splitStreamTag(
  text: string,
  defaultNamespace: string,
): { namespace: string; stream: string; tag: string | undefined } | undefined {
  const colon = text.indexOf(":");
  const name = colon === -1 ? text : text.slice(0, colon);
  const tag = colon === -1 ? undefined : text.slice(colon + 1);
  const parts = name.split("/");
  if (parts.length > 2 || parts.includes("") || tag === "" || tag?.includes(":") === true)
    return undefined;
  const [first = "", second] = parts;
  return second === undefined
    ? { namespace: defaultNamespace, stream: first, tag }
    : { namespace: first, stream: second, tag };
}

/** --reference-policy and --import-mode, checked (§2.3), with oc's defaults. */
export function importFlags(
  referencePolicy: string | undefined,
  importMode: string | undefined,
): { referencePolicy: "Source" | "Local"; importMode: "Legacy" | "PreserveOriginal" } {
  const policy = referencePolicy ?? "source";
  if (policy !== "source" && policy !== "local")
    throw new UsageError("reference policy must be set to 'source' or 'local'");
  const mode = importMode ?? "Legacy";
  if (mode !== "Legacy" && mode !== "PreserveOriginal")
    throw new UsageError(`--import-mode must be Legacy or PreserveOriginal, got "${mode}"`);
  return { referencePolicy: policy === "local" ? "Local" : "Source", importMode: mode };
}
