/**
 * `imagestream-gitops tag`: `oc tag` on the repository's YAML (SEMANTICS
 * §2). Sets a spec tag from a container image, another stream's tag or
 * image, or as an alias, then writes its status at once: imported from the
 * registry for a container image, copied from the source stream's status
 * otherwise (H9/H10). `tag -d` removes a tag's spec and status (D7). Only
 * the named tags are planned and written; other pending changes in the
 * repository are left to `apply`.
 */
import { parseArgs } from "node:util";
import { InputError, UsageError } from "../errors.ts";
import type { ObjectReference, TagReference } from "../model/generated/imagestream.ts";
import type { StreamEntry } from "../model/repository.ts";
import { parseSourceName, ReferenceParseError, validateTagName } from "../reference/index.ts";
import { exitCodes, type Output } from "./output.ts";
import {
  editOptions,
  importOptions,
  editOptionsHelp,
  findStream,
  importFlags,
  loadForEdit,
  planFocus,
  reportFailures,
  setSpecTag,
  specTag,
  splitStreamTag,
  streamKey,
  writeEdits,
  type StreamSpecEdits,
} from "./stream-edit-command.ts";

/** The command's help text. */
export const tagHelp = `Usage: imagestream-gitops tag SOURCE DEST... [options]
       imagestream-gitops tag -d DEST... [options]

Set the spec tag DEST ([NAMESPACE/]STREAM:TAG, the stream must exist in the
repository) to SOURCE, as 'oc tag' does, and write its status at once: a
container image is imported from its registry; a tag or image of a stream is
copied from that stream's status. SOURCE is a container image (it names a
registry host, or has no :TAG and no @ID), an image stream image
([NAMESPACE/]STREAM@DIGEST) or an image stream tag ([NAMESPACE/]STREAM:TAG).
Without --alias, a stream tag source is a permanent tag: DEST is pinned to
the source's current image (ImageStreamImage STREAM@DIGEST) and never moves.
Only the named tags are written; other pending changes are left to 'apply'.

Options:
  --source KIND       the source's kind: imagestreamtag (istag), imagestreamimage
                      (isimage), docker (dockerimage)
  --alias             DEST tracks the source tag of the same stream (follows it)
  --scheduled         re-import the container image periodically
  --insecure          the container image's registry may be plain HTTP or unverified TLS
  --reference         record the container image as written; never import it
  --reference-policy P  source (default) or local
  --import-mode M     Legacy (default) or PreserveOriginal
  -d, --delete        remove DEST's spec tag and status
${editOptionsHelp}

Exit status: 0 done, 1 the import failed (the spec tag is still written),
2 bad usage, an unknown stream or tag, or a repository with errors.
`;

type SourceKind = "DockerImage" | "ImageStreamTag" | "ImageStreamImage";

const sourceKinds: Readonly<Record<string, SourceKind>> = {
  imagestreamtag: "ImageStreamTag",
  istag: "ImageStreamTag",
  imagestreamimage: "ImageStreamImage",
  isimage: "ImageStreamImage",
  docker: "DockerImage",
  dockerimage: "DockerImage",
};

/** The command line's flags that shape the spec tag. */
interface TagFlags {
  readonly alias: boolean;
  readonly scheduled: boolean;
  readonly insecure: boolean;
  readonly reference: boolean;
  readonly referencePolicy: "Source" | "Local";
  readonly importMode: "Legacy" | "PreserveOriginal";
}

/** SOURCE, classified (§2.1). */
type Source =
  | { readonly kind: "DockerImage"; readonly name: string }
  | {
      readonly kind: "ImageStreamTag";
      readonly namespace: string;
      readonly stream: string;
      readonly tag: string;
    }
  | {
      readonly kind: "ImageStreamImage";
      readonly namespace: string;
      readonly stream: string;
      readonly id: string;
    };

/** One destination. */
interface Destination {
  readonly text: string;
  readonly namespace: string;
  readonly stream: string;
  readonly tag: string;
}

/** Runs `tag`; returns the exit code. */
export async function runTag(
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
      source: { type: "string" },
      alias: { type: "boolean", default: false },
      reference: { type: "boolean", default: false },
      delete: { type: "boolean", short: "d", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.stdout(tagHelp);
    return exitCodes.ok;
  }
  const importing = values.scheduled || values.insecure;
  if (values.delete) {
    if (values.alias) throw new UsageError("--alias and --delete may not be both specified");
    if (values.source !== undefined) throw new UsageError("cannot specify a source when deleting");
    if (importing)
      throw new UsageError("cannot set flags for importing images when deleting a tag");
    if (values["import-mode"] !== undefined)
      throw new UsageError("cannot specify an import mode when deleting");
    if (positionals.length === 0) throw new UsageError("name the tags to delete: STREAM:TAG...");
  } else if (positionals.length < 2) {
    throw new UsageError("name a source and at least one destination: SOURCE DEST...");
  }
  const settings = importFlags(values["reference-policy"], values["import-mode"]);
  if (values.alias && importing)
    throw new UsageError("cannot set a container image tag as an alias and also set import flags");

  const loaded = await loadForEdit(values, out);
  const { model } = loaded;
  const namespace = values.namespace ?? model.config.namespace;
  if (values.delete) {
    const destinations = positionals.map((p) => destination(p, namespace, false));
    return deleteTags(loaded.model.streams, destinations, namespace, out, (edits) =>
      writeEdits(loaded, edits, undefined),
    );
  }

  const [sourceText = "", ...destTexts] = positionals;
  const source = parseSource(sourceText, values.source, namespace);
  if (importing && source.kind !== "DockerImage")
    throw new UsageError("only container images can have importing flags set");
  if (values.reference && source.kind !== "DockerImage")
    throw new UsageError("--reference applies only to container image sources");
  const destinations = destTexts.map((d) => destination(d, namespace, true));
  if (values.alias) {
    if (source.kind !== "ImageStreamTag")
      throw new UsageError("--alias needs an image stream tag as its source (STREAM:TAG)");
    for (const d of destinations)
      if (d.namespace !== namespace || d.stream !== source.stream)
        throw new UsageError("cannot set alias across different Image Streams");
  }
  const flags: TagFlags = {
    alias: values.alias,
    scheduled: values.scheduled,
    insecure: values.insecure,
    reference: values.reference,
    ...settings,
  };

  const focus = new Map<string, { tags: TagReference[] }>();
  const specEdits: StreamSpecEdits[] = [];
  const forced = new Set<string>();
  const messages: string[] = [];
  for (const dest of destinations) {
    const entry = findStream(model.streams, dest.namespace, dest.stream);
    const from = sourceReference(source, sourceText, dest, flags, model.streams);
    const tag = specTagOf(specTag(entry, dest.tag), dest.tag, from, flags);
    specEdits.push({ entry, edits: [setSpecTag(entry, tag)] });
    const key = streamKey(entry);
    const focused = focus.get(key) ?? { tags: [] };
    focused.tags.push(tag);
    focus.set(key, focused);
    if (from.kind === "DockerImage" && !flags.reference) forced.add(`${key}:${dest.tag}`);
    messages.push(message(dest.text, sourceText, from, flags));
  }
  const plan = await planFocus(loaded, focus, { tags: forced }, values, out, env, now);
  for (const m of messages) out.stdout(m + "\n");
  const failed = reportFailures(plan, "tag", out);
  const written = await writeEdits(loaded, specEdits, plan);
  for (const file of written) out.stdout(`wrote ${file}\n`);
  return failed ? exitCodes.failure : exitCodes.ok;
}

/** Removes each destination's spec tag and status tag (D7). */
async function deleteTags(
  streams: readonly StreamEntry[],
  destinations: readonly Destination[],
  namespace: string,
  out: Output,
  write: (edits: StreamSpecEdits[]) => Promise<string[]>,
): Promise<number> {
  const edits: StreamSpecEdits[] = [];
  for (const dest of destinations) {
    const entry = findStream(streams, dest.namespace, dest.stream);
    const inSpec = specTag(entry, dest.tag) !== undefined;
    const inStatus = (entry.stream.status?.tags ?? []).some((t) => t.tag === dest.tag);
    if (!inSpec && !inStatus)
      throw new InputError(
        `image stream "${streamKey(entry)}" has no tag "${dest.tag}" in spec or status`,
      );
    edits.push({
      entry,
      edits: [
        ...(inSpec ? [{ kind: "removeSpecTag", tag: dest.tag } as const] : []),
        ...(inStatus ? [{ kind: "removeStatusTag", tag: dest.tag } as const] : []),
      ],
    });
  }
  const written = await write(edits);
  for (const dest of destinations) {
    const prefix = dest.namespace === namespace ? "" : `${dest.namespace}/`;
    out.stdout(`Deleted tag ${prefix}${dest.stream}:${dest.tag}.\n`);
  }
  for (const file of written) out.stdout(`wrote ${file}\n`);
  return exitCodes.ok;
}

/** Parses DEST; a new tag's name must pass oc's rule (§2.6), a deleted one need not. */
function destination(text: string, namespace: string, validate: boolean): Destination {
  const parts = splitStreamTag(text, namespace);
  if (parts?.tag === undefined)
    throw new UsageError(`"${text}" must be of the form <stream_name>:<tag>`);
  if (validate) {
    const problem = validateTagName(parts.tag);
    if (problem !== undefined) throw new UsageError(problem.message);
  }
  return { text, namespace: parts.namespace, stream: parts.stream, tag: parts.tag };
}

/** Whether the first path segment of `text` is a registry host (OS-3). */
function hasRegistryHost(text: string): boolean {
  const slash = text.indexOf("/");
  if (slash === -1) return false;
  const first = text.slice(0, slash);
  return /[.:]/.test(first) || first === "localhost";
}

/** SOURCE with its kind, from --source or inferred (S1-S4). */
function parseSource(text: string, explicit: string | undefined, namespace: string): Source {
  let kind: SourceKind;
  if (explicit !== undefined) {
    const known = Object.hasOwn(sourceKinds, explicit.toLowerCase())
      ? sourceKinds[explicit.toLowerCase()]
      : undefined;
    if (known === undefined)
      throw new UsageError(
        `invalid source "${explicit}"; valid values are ${Object.keys(sourceKinds).join(", ")}`,
      );
    kind = known;
    if (kind !== "DockerImage" && hasRegistryHost(text))
      throw new UsageError("server in SOURCE is only allowed when providing a container image");
  } else if (hasRegistryHost(text)) kind = "DockerImage";
  else if (text.includes("@")) kind = "ImageStreamImage";
  else if (text.includes(":")) kind = "ImageStreamTag";
  else kind = "DockerImage";
  if (kind === "DockerImage") return { kind, name: text };
  const slash = text.indexOf("/");
  let sourceNamespace = slash === -1 ? namespace : text.slice(0, slash);
  if (explicit !== undefined && sourceNamespace === "library") sourceNamespace = namespace;
  const rest = slash === -1 ? text : text.slice(slash + 1);
  try {
    if (kind === "ImageStreamTag") {
      const parsed = parseSourceName(kind, rest.includes(":") ? rest : `${rest}:latest`);
      return { kind, namespace: sourceNamespace, stream: parsed.stream ?? "", tag: parsed.tag };
    }
    const parsed = parseSourceName(kind, rest);
    if (parsed.stream === undefined)
      throw new UsageError(`"${text}" must be of the form <stream>@<digest>`);
    return { kind, namespace: sourceNamespace, stream: parsed.stream, id: parsed.id };
  } catch (err) {
    if (err instanceof ReferenceParseError) throw new UsageError(`"${text}": ${err.message}`);
    throw err;
  }
}

/** The spec tag's `from` for `source` (§2.2): a stream tag without --alias pins its current image. */
function sourceReference(
  source: Source,
  text: string,
  dest: Destination,
  flags: TagFlags,
  streams: readonly StreamEntry[],
): NonNullable<ObjectReference> {
  if (source.kind === "DockerImage") return { kind: "DockerImage", name: source.name };
  const namespace = source.namespace === dest.namespace ? {} : { namespace: source.namespace };
  if (source.kind === "ImageStreamImage")
    return { kind: "ImageStreamImage", name: `${source.stream}@${source.id}`, ...namespace };
  if (flags.alias)
    return { kind: "ImageStreamTag", name: `${source.stream}:${source.tag}`, ...namespace };
  const entry = findStream(streams, source.namespace, source.stream);
  const current = entry.stream.status?.tags?.find((t) => t.tag === source.tag)?.items?.[0];
  if (current === undefined)
    throw new InputError(
      `"${text}" is not currently pointing to an image, cannot use it as the source of a tag`,
    );
  if (current.image === "") return { kind: "DockerImage", name: current.dockerImageReference };
  return { kind: "ImageStreamImage", name: `${source.stream}@${current.image}`, ...namespace };
}

/** The spec tag written for DEST: the existing one's annotations kept, the rest from the flags. */
function specTagOf(
  existing: TagReference | undefined,
  name: string,
  from: NonNullable<ObjectReference>,
  flags: TagFlags,
): TagReference {
  const annotations =
    existing?.annotations === undefined || existing.annotations === null
      ? {}
      : { annotations: existing.annotations };
  const docker = from.kind === "DockerImage";
  const importPolicy = docker
    ? {
        importPolicy: {
          ...(flags.insecure ? { insecure: true } : {}),
          ...(flags.scheduled ? { scheduled: true } : {}),
          importMode: flags.importMode,
        },
      }
    : {};
  return {
    name,
    ...annotations,
    from,
    ...(docker && flags.reference ? { reference: true } : {}),
    ...importPolicy,
    referencePolicy: { type: flags.referencePolicy },
  };
}

/** §2.4's line for one destination. */
function message(
  dest: string,
  source: string,
  from: NonNullable<ObjectReference>,
  flags: TagFlags,
): string {
  if (flags.alias) return `Tag ${dest} set up to track ${source}.`;
  if (from.kind === "DockerImage" && flags.scheduled)
    return `Tag ${dest} set to import ${source} periodically.`;
  return `Tag ${dest} set to ${source}.`;
}
