/**
 * The SRC=DST mappings of `imagestream-gitops mirror`, read and checked as
 * `oc image mirror` reads them (openshift/oc pkg/cli/image/mirror/mappings.go
 * `parseArgs` and `parseFile`, pkg/cli/image/imagesource/reference.go;
 * SEMANTICS.md §10.1 X1–X5), with oc's messages verbatim where oc has one.
 * Pure: the command reads the files and lists the source tags; this module
 * only decides. Every error is a {@link UsageError}, prefixed with the
 * mapping's origin (`file m.txt, line 3: `) when it has one.
 *
 * Where it differs from oc, on purpose:
 * - No Docker Hub defaults. A side without a registry, or a Docker Hub name
 *   without its `library/` namespace, is refused with the name to write
 *   (aro-3.11 "Transferring Images": with docker.io "you cannot omit
 *   docker.io and library components").
 * - `file://PATH` is an OCI layout at `<--dir>/PATH`, like `oci:PATH`, not
 *   oc's `v2/` tree; PATH stays inside `--dir`. `s3://` is not supported.
 * - Only tagged destinations can clash: two digests pushed by digest alone
 *   into one repository are both kept (oc refuses the second).
 */
import { InternalError, UsageError } from "../errors.ts";
import {
  endpointKey,
  locationKey,
  parseEndpoint,
  parseSource,
  type MirrorEndpoint,
} from "./mirror-endpoint.ts";

export type { MirrorEndpoint } from "./mirror-endpoint.ts";

/** One SRC=DST pair as written, with where it came from for messages. */
export interface MirrorMapping {
  readonly source: string;
  readonly destination: string;
  /** `file m.txt, line 3` for a mapping file's line; absent for arguments. */
  readonly origin?: string;
}

/**
 * A mapping whose sides are parsed; `tagPattern` when the source names no
 * tag or digest (all tags, `*`) or a tag with `*`, and then the source has
 * no tag until {@link expandMapping} gives it one.
 */
export interface ParsedMapping {
  readonly source: MirrorEndpoint;
  readonly destination: MirrorEndpoint;
  readonly tagPattern?: string;
  readonly origin?: string;
}

const NO_MAPPINGS =
  "you must specify at least one source image to pull and the destination to push to as SRC=DST or SRC DST [DST2 DST3 ...]";

/**
 * X1: the command's positionals as mappings: `SRC DST [DST...]`, or any
 * number of `SRC=DST` (split at the first `=`). As in oc, once one `=` pair
 * is present the arguments without `=` are ignored, and empty DSTs are
 * skipped.
 *
 * @throws UsageError when there are no arguments, a single one without
 *   `=`, or a pair with an empty half.
 */
export function mappingsFromArguments(args: readonly string[]): MirrorMapping[] {
  const mappings = readArguments(args, undefined);
  requireMappings(mappings);
  return mappings;
}

/**
 * X2: the text of the mapping file `file` as mappings. Each line is read as
 * arguments are: `#` starts a comment, blank lines are skipped, tokens are
 * separated by spaces only (a tab stays inside its token, as oc's
 * `strings.Split(line, " ")` leaves it), and a run of spaces counts as one,
 * since oc skips the empty tokens such a run leaves. A file without mappings
 * gives none; see {@link requireMappings}.
 *
 * @throws UsageError `file <file>, line <n>: <message>` as {@link mappingsFromArguments}.
 */
export function mappingsFromFile(text: string, file: string): MirrorMapping[] {
  const mappings: MirrorMapping[] = [];
  text.split("\n").forEach((raw, index) => {
    const hash = raw.indexOf("#");
    const line = (hash === -1 ? raw : raw.slice(0, hash)).trim();
    if (line === "") return;
    const tokens = line.split(" ").filter((token) => token !== "");
    mappings.push(...readArguments(tokens, `file ${file}, line ${index + 1}`));
  });
  return mappings;
}

/**
 * Refuses an empty list of mappings: the command's check once arguments
 * and every `-f` file are read, as oc's `Complete` does.
 *
 * @throws UsageError with oc's message when `mappings` is empty.
 */
export function requireMappings(mappings: readonly MirrorMapping[]): void {
  if (mappings.length === 0) throw new UsageError(NO_MAPPINGS);
}

function readArguments(args: readonly string[], origin: string | undefined): MirrorMapping[] {
  const pairs: MirrorMapping[] = [];
  const rest: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq === -1) {
      rest.push(arg);
      continue;
    }
    const [source, destination] = [arg.slice(0, eq), arg.slice(eq + 1)];
    if (source === "" || destination === "")
      throw usage(origin, "all arguments must be valid SRC=DST mappings");
    pairs.push(mappingOf(source, destination, origin));
  }
  if (pairs.length > 0) return pairs;
  const [source, ...destinations] = rest;
  if (source === undefined) return [];
  if (destinations.length === 0)
    throw usage(
      origin,
      "all arguments must be valid SRC=DST mappings, or you must specify one SRC argument and one or more DST arguments",
    );
  return destinations.filter((d) => d !== "").map((d) => mappingOf(source, d, origin));
}

function mappingOf(source: string, destination: string, origin: string | undefined): MirrorMapping {
  return origin === undefined ? { source, destination } : { source, destination, origin };
}

/**
 * Parses both sides of `mapping`: `oci:PATH[:TAG|:DIGEST]` (the project's
 * layout names), `file://PATH[:TAG|@DIGEST]` (a layout at `<dir>/PATH`), or
 * a registry reference with its registry written out. A source without tag
 * or digest means all its tags (X3).
 *
 * @throws UsageError for a side that does not parse, a registry left out, a
 *   `*` outside the source's tag, a destination digest (X4), or a tag on the
 *   destination of a wildcard source (X3).
 */
export function parseMapping(
  mapping: MirrorMapping,
  options: { readonly dir: string },
): ParsedMapping {
  try {
    const { endpoint: source, tagPattern } = parseSource(mapping.source, options.dir);
    const destination = parseEndpoint(mapping.destination, options.dir);
    if (destination.digest !== undefined)
      throw new UsageError(
        "you must specify a tag for DST or leave it blank to only push by digest",
      );
    if (tagPattern !== undefined && destination.tag !== undefined)
      throw new UsageError("when source contains wildcards, the destination must be a repository");
    return {
      source,
      destination,
      ...(tagPattern === undefined ? {} : { tagPattern }),
      ...(mapping.origin === undefined ? {} : { origin: mapping.origin }),
    };
  } catch (err) {
    if (err instanceof UsageError && mapping.origin !== undefined)
      throw usage(mapping.origin, err.message);
    throw err;
  }
}

/**
 * X3: one mapping per tag in `tags` that the mapping's `tagPattern` matches
 * (`*` matches any run of characters, nothing else is special, the whole tag
 * must match), sorted by tag, each with that source tag and no pattern. The
 * destination is left to {@link finishMappings}. No match gives none; a
 * mapping without a pattern is returned as it is.
 */
export function expandMapping(mapping: ParsedMapping, tags: readonly string[]): ParsedMapping[] {
  const { tagPattern, ...rest } = mapping;
  if (tagPattern === undefined) return [mapping];
  const glob = new RegExp(`^${tagPattern.split("*").map(escapeRegExp).join(".*")}$`, "s");
  const { text } = mapping.source;
  const base = text.endsWith(`:${tagPattern}`) ? text.slice(0, -tagPattern.length - 1) : text;
  return [...new Set(tags)]
    .filter((tag) => glob.test(tag))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((tag) => ({ ...rest, source: { ...mapping.source, tag, text: `${base}:${tag}` } }));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * X4 and X5 over every mapping of the run, after expansion: a destination
 * without tag takes the source's tag (a digest-only source leaves it
 * untagged: pushed by digest), then no destination tag may be named twice
 * and no mapping may copy an image onto itself. Registries compare by
 * lower-cased host with Docker Hub's aliases as one, layouts by normalised
 * directory, so `oci:out` and `file://out` (with --dir .) are the same.
 *
 * @throws UsageError with oc's messages; InternalError for an unexpanded mapping.
 */
export function finishMappings(mappings: readonly ParsedMapping[]): ParsedMapping[] {
  const finished = mappings.map(inheritTag);
  const seen = new Set<string>();
  for (const { destination, origin } of finished) {
    if (destination.tag === undefined) continue;
    const key = `${locationKey(destination)}:${destination.tag}`;
    if (seen.has(key))
      throw usage(origin, `each destination tag may only be specified once: ${destination.text}`);
    seen.add(key);
  }
  for (const { source, destination, origin } of finished) {
    if (endpointKey(source) === endpointKey(destination))
      throw usage(origin, "SRC and DST may not be the same");
  }
  return finished;
}

function inheritTag(mapping: ParsedMapping): ParsedMapping {
  const { source, destination } = mapping;
  if (mapping.tagPattern !== undefined)
    throw new InternalError(`mirror mapping ${source.text}=${destination.text} was not expanded`);
  if (destination.tag !== undefined || destination.digest !== undefined) return mapping;
  if (source.tag === undefined) return mapping;
  const text = `${destination.text}:${source.tag}`;
  return { ...mapping, destination: { ...destination, tag: source.tag, text } };
}

function usage(origin: string | undefined, message: string): UsageError {
  return new UsageError(origin === undefined ? message : `${origin}: ${message}`);
}
