/**
 * `imagestream-gitops import-image`: `oc import-image` on the repository's
 * YAML (SEMANTICS §3.1). Imports one tag now (or every container image tag,
 * or the stream's whole `spec.dockerImageRepository` with --all), whether or
 * not it is due, and writes that tag's status; with --confirm a missing
 * stream is first created in a new file. Only the named tags are planned and
 * written.
 */
import { access } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { InputError, UsageError } from "../errors.ts";
import { selectsFile } from "../load/discover.ts";
import type { LoadResult } from "../load/load-repository.ts";
import type { ImageStream, TagReference } from "../model/generated/imagestream.ts";
import type { Plan } from "../model/plan.ts";
import type { StreamEntry } from "../model/repository.ts";
import { exitCodes, type Output } from "./output.ts";
import {
  editOptions,
  importOptions,
  editOptionsHelp,
  findStream,
  focusedDecisions,
  importFlags,
  loadForEdit,
  lookUpStream,
  planFocus,
  reportFailures,
  setSpecTag,
  specTag,
  splitStreamTag,
  streamKey,
  writeEdits,
  type Focus,
  type StreamSpecEdits,
} from "./stream-edit-command.ts";
import { createFile } from "../reconcile/write-files.ts";

/** The command's help text. */
export const importImageHelp = `Usage: imagestream-gitops import-image STREAM[:TAG] [options]

Import a tag of an image stream from its registry now, as 'oc import-image'
does, whether or not it is due, and write its new status item when the image
moved. STREAM is NAME or NAMESPACE/NAME; TAG defaults to latest. A tag that
does not exist yet is created from --from. With --all, the stream's
spec.dockerImageRepository is listed again and its tags imported, or without
one every container image tag of the stream is imported. A missing stream is
created (in a new file beside the others) only with --confirm; --from then
defaults to the argument. Only the named tags are written.

Options:
  --from REF          the container image to import (a new tag, or a new stream)
  --all               import the whole repository or every container image tag
  --confirm           create a missing stream
  --scheduled         re-import the tag periodically (kept on the spec tag)
  --insecure          the registry may be plain HTTP or unverified TLS (kept on the spec tag)
  --reference-policy P  source (default) or local, for a new tag
  --import-mode M     Legacy (default) or PreserveOriginal
${editOptionsHelp}

Exit status: 0 imported (or unchanged), 1 an import failed, 2 bad usage, an
unknown stream or tag, or a repository with errors.
`;

interface ImportValues {
  readonly from: string | undefined;
  readonly all: boolean;
  readonly confirm: boolean;
  readonly scheduled: boolean;
  readonly insecure: boolean;
  readonly referencePolicy: "Source" | "Local";
  readonly importMode: "Legacy" | "PreserveOriginal";
}

/** Runs `import-image`; returns the exit code. */
export async function runImportImage(
  args: readonly string[],
  out: Output,
  env: Readonly<Record<string, string | undefined>>,
  now: () => Date,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      ...editOptions,
      ...importOptions,
      from: { type: "string" },
      all: { type: "boolean", default: false },
      confirm: { type: "boolean", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.stdout(importImageHelp);
    return exitCodes.ok;
  }
  const [text, extra] = positionals;
  if (text === undefined) throw new UsageError("name the image stream: STREAM[:TAG]");
  if (extra !== undefined)
    throw new UsageError(`import-image takes one image stream, got "${text}" and "${extra}"`);
  if (text.includes("@")) throw new UsageError("to import images by ID, use the 'tag' command");
  const settings = importFlags(values["reference-policy"], values["import-mode"]);
  const flags: ImportValues = {
    from: values.from,
    all: values.all,
    confirm: values.confirm,
    scheduled: values.scheduled,
    insecure: values.insecure,
    ...settings,
  };
  let loaded = await loadForEdit(values, out);
  const parts = splitStreamTag(text, values.namespace ?? loaded.model.config.namespace);
  if (parts === undefined)
    throw new UsageError(`"${text}" is not STREAM[:TAG] (STREAM is NAME or NAMESPACE/NAME)`);
  if (flags.all && parts.tag !== undefined)
    throw new UsageError(`cannot specify a tag "${parts.tag}" as well as --all`);
  const tag = parts.tag ?? "latest";
  const { namespace, stream } = parts;

  if (lookUpStream(loaded.model.streams, namespace, stream) === undefined) {
    if (!flags.confirm)
      throw new InputError(
        `no image stream named "${stream}" exists, pass --confirm to create and import`,
      );
    const file = await createStream(loaded, namespace, stream, tag, flags.from ?? text, flags);
    out.stdout(`created ${file}\n`);
    loaded = await loadForEdit(values, out);
  }
  const entry = findStream(loaded.model.streams, namespace, stream);
  const key = streamKey(entry);
  if (flags.all) {
    const { focus, forced } = allTags(entry, flags);
    const plan = await planFocus(loaded, new Map([[key, focus]]), forced, values, out, env, now);
    return finish(loaded, [], plan, out);
  }
  const { spec, edit } = tagToImport(entry, tag, flags);
  const plan = await planFocus(
    loaded,
    new Map([[key, { tags: [spec] }]]),
    { tags: new Set([`${key}:${spec.name}`]) },
    values,
    out,
    env,
    now,
  );
  const failed = focusedDecisions(plan).some((d) => d.tag.failure !== undefined);
  // I7: the flags are kept on the spec tag only when the import succeeds.
  const edits: StreamSpecEdits[] =
    edit && !failed ? [{ entry, edits: [setSpecTag(entry, spec)] }] : [];
  return finish(loaded, edits, plan, out);
}

/** Reports the plan (I8), writes what succeeded, and returns the exit code. */
async function finish(
  loaded: LoadResult,
  edits: readonly StreamSpecEdits[],
  plan: Plan,
  out: Output,
): Promise<number> {
  for (const { key, tag } of focusedDecisions(plan)) {
    const image = tag.history === "none" ? undefined : tag.next?.dockerImageReference;
    out.stdout(`${key}: ${tag.action}: ${tag.reason}${image === undefined ? "" : ` (${image})`}\n`);
  }
  for (const s of plan.streams) {
    const additional = s.repositoryImport?.additional ?? [];
    if (additional.length > 0)
      out.stdout(
        `info: The remote repository contained ${String(additional.length)} additional tags which were not imported: ${additional.join(", ")}\n`,
      );
  }
  const failed = reportFailures(plan, "import-image", out);
  const written = await writeEdits(loaded, edits, plan);
  for (const file of written) out.stdout(`wrote ${file}\n`);
  if (failed) out.stderr("imagestream-gitops import-image: imported completed with errors\n");
  return failed ? exitCodes.failure : exitCodes.ok;
}

/** I3-I5: the spec tag to import (flags applied, I7) and whether it must be written. */
function tagToImport(
  entry: StreamEntry,
  tag: string,
  flags: ImportValues,
): { spec: TagReference; edit: boolean } {
  const existing = specTag(entry, tag);
  if (existing === undefined) {
    const repository = entry.stream.spec?.dockerImageRepository ?? "";
    const from =
      flags.from ?? (tag === "latest" && repository !== "" ? `${repository}:latest` : undefined);
    if (from === undefined)
      throw new InputError(
        `the tag "${tag}" does not exist on the image stream - choose an existing tag to import or use the 'tag' command to create a new tag`,
      );
    return { spec: newTag(tag, from, flags), edit: true };
  }
  const terminal = followAliases(entry, existing);
  const from = terminal.from;
  if (from?.kind !== "DockerImage")
    throw new InputError(
      `tag "${terminal.name}" points to existing ${from?.kind ?? "nothing"} "${from?.name ?? ""}", it cannot be re-imported`,
    );
  if (flags.from !== undefined && flags.from !== from.name)
    throw new InputError(
      `the tag "${tag}" points to "${from.name}" - use the 'tag' command if you want to change the source to "${flags.from}"`,
    );
  const policy = terminal.importPolicy ?? {};
  const scheduled = flags.scheduled || policy.scheduled === true;
  const insecure = flags.insecure || policy.insecure === true;
  const spec: TagReference = {
    ...terminal,
    importPolicy: {
      ...(insecure ? { insecure: true } : {}),
      ...(scheduled ? { scheduled: true } : {}),
      importMode: flags.importMode,
    },
  };
  return { spec, edit: JSON.stringify(spec) !== JSON.stringify(terminal) };
}

/** I3: an alias chain inside the stream, followed to its last tag. */
function followAliases(entry: StreamEntry, start: TagReference): TagReference {
  const seen = new Set<string>();
  let current = start;
  while (current.from?.kind === "ImageStreamTag") {
    const { from } = current;
    const colon = from.name.indexOf(":");
    const stream = colon === -1 ? undefined : from.name.slice(0, colon);
    const tag = colon === -1 ? from.name : from.name.slice(colon + 1);
    const elsewhere = from.namespace !== undefined && from.namespace !== entry.namespace;
    if (elsewhere || (stream !== undefined && stream !== entry.stream.metadata.name))
      throw new InputError(
        `tag "${current.name}" points to an imagestreamtag from another ImageStream`,
      );
    if (tag === current.name || seen.has(tag))
      throw new InputError(`tag "${current.name}" on the image stream is a reference to same tag`);
    seen.add(current.name);
    const next = specTag(entry, tag);
    if (next === undefined)
      throw new InputError(`tag "${current.name}" points to an invalid imagestreamtag`);
    current = next;
  }
  return current;
}

/** I6: what --all imports. */
function allTags(
  entry: StreamEntry,
  flags: ImportValues,
): { focus: Focus; forced: { tags: Set<string>; repositories?: Set<string> } } {
  const key = streamKey(entry);
  const repository = entry.stream.spec?.dockerImageRepository ?? "";
  if (flags.from !== undefined && flags.from !== repository) {
    if (!flags.confirm)
      throw new InputError(
        repository === ""
          ? "the image stream does not currently import an entire Docker repository, pass --confirm to update"
          : `the image stream has a different import spec "${repository}", pass --confirm to update`,
      );
    throw new InputError(
      `changing spec.dockerImageRepository of an existing image stream is not supported; edit ${entry.at.file.path}`,
    );
  }
  const docker = (entry.stream.spec?.tags ?? []).filter(
    (t) => t.from?.kind === "DockerImage" && t.reference !== true,
  );
  if (repository !== "") {
    const tags = docker.filter((t) => t.from?.name.startsWith(`${repository}:`) === true);
    return {
      focus: { tags, repository: true },
      forced: { tags: new Set(tags.map((t) => `${key}:${t.name}`)), repositories: new Set([key]) },
    };
  }
  if (docker.length === 0)
    throw new InputError("image stream does not have tags pointing to external container images");
  return {
    focus: { tags: docker },
    forced: { tags: new Set(docker.map((t) => `${key}:${t.name}`)) },
  };
}

/** A new spec tag importing `from`, with the command line's settings. */
function newTag(name: string, from: string, flags: ImportValues): TagReference {
  return {
    name,
    from: { kind: "DockerImage", name: from },
    importPolicy: {
      ...(flags.insecure ? { insecure: true } : {}),
      ...(flags.scheduled ? { scheduled: true } : {}),
      importMode: flags.importMode,
    },
    referencePolicy: { type: flags.referencePolicy },
  };
}

/**
 * I2 --confirm: writes a new file holding the stream, beside the
 * repository's other streams (the directory of the first stream's file,
 * which is the one directory when streams live one per file in one place;
 * `imagestreams/` in a repository without streams). It must be a file the
 * config's globs select, or the next run would not see it.
 */
async function createStream(
  loaded: LoadResult,
  namespace: string,
  name: string,
  tag: string,
  from: string,
  flags: ImportValues,
): Promise<string> {
  const { model } = loaded;
  const first = model.streams[0]?.at.file.path;
  const dir = first === undefined ? "imagestreams" : path.posix.dirname(first);
  const file = dir === "." ? `${name}.yaml` : `${dir}/${name}.yaml`;
  if (!selectsFile(file, model.config.files.include, model.config.files.exclude))
    throw new InputError(
      `cannot create ${file}: the config's files.include/exclude do not select it, so no later run would read it`,
    );
  const exists = await access(path.join(model.root, ...file.split("/"))).then(
    () => true,
    () => false,
  );
  if (exists)
    throw new InputError(`cannot create ${file}: it exists and holds no stream "${name}"`);
  const stream: ImageStream = {
    apiVersion: "image.openshift.io/v1",
    kind: "ImageStream",
    metadata: { name, namespace },
    spec: flags.all ? { dockerImageRepository: from } : { tags: [newTag(tag, from, flags)] },
  };
  await createFile(model.root, file, stringify(stream));
  return file;
}
