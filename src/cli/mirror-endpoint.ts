/**
 * One side of a `mirror` mapping, parsed (SEMANTICS.md §10.1 X3, X6): an
 * `oci:` layout, a `file://` layout below `--dir`, or a registry reference
 * with its registry written out, as the aro-3.11 seed asks for mirroring
 * ("If you use docker.io in the source or destination you cannot omit
 * docker.io and library components"). Sources may carry a tag pattern, as
 * oc's imagesource `ParseSourceReference` reads them. Pure; errors are
 * {@link UsageError}s with oc's messages where oc has one.
 */
import { UsageError } from "../errors.ts";
import {
  DOCKER_HUB_DOMAIN,
  isDockerHubDomain,
  isLayoutDigest,
  isLayoutTag,
  isOciName,
  OciReferenceError,
  ociPrefix,
  parseOciReference,
  parseReference,
  ReferenceParseError,
  repositoryName,
  type Reference,
} from "../reference/index.ts";

/**
 * One side of a mapping, parsed. `text` names exactly this endpoint: the
 * side as written, with the tag that expansion or X4 filled in appended.
 * A layout's `dir` is as written for `oci:`, `<--dir>/PATH` for `file://`.
 */
export type MirrorEndpoint =
  | {
      readonly kind: "registry";
      readonly text: string;
      readonly domain: string;
      readonly path: string;
      readonly tag?: string;
      readonly digest?: string;
    }
  | {
      readonly kind: "layout";
      readonly text: string;
      readonly dir: string;
      readonly tag?: string;
      readonly digest?: string;
    };

const ONLY_IN_TAGS = "source expansion is only possible in tags";
const FILE_PREFIX = "file://";

/**
 * A mapping's source: a side that may name a tag pattern (`*` in its tag
 * only), and names all tags (`*`) when it has neither tag nor digest.
 *
 * @throws UsageError as {@link parseEndpoint}, or `source expansion is only
 *   possible in tags`.
 */
export function parseSource(
  text: string,
  dir: string,
): { readonly endpoint: MirrorEndpoint; readonly tagPattern?: string } {
  if (!text.includes("*")) {
    const endpoint = parseEndpoint(text, dir);
    const all = endpoint.tag === undefined && endpoint.digest === undefined;
    return all ? { endpoint, tagPattern: "*" } : { endpoint };
  }
  const { base, pattern } = splitTagPattern(text);
  const endpoint = parseEndpoint(base, dir, text);
  if (endpoint.tag !== undefined || endpoint.digest !== undefined)
    throw new UsageError(ONLY_IN_TAGS);
  // The pattern must be a tag of the side's grammar once each `*` stands for a character.
  const tagLike = pattern.replaceAll("*", "x");
  const dockerTag = endpoint.kind === "registry" || text.startsWith(FILE_PREFIX);
  if (!(dockerTag ? /^\w[\w.-]{0,127}$/.test(tagLike) : isLayoutTag(tagLike)))
    throw new UsageError(
      `"${text}" is not a valid image reference: "${pattern}" is not a tag with * wildcards`,
    );
  return { endpoint, tagPattern: pattern };
}

/** The name before the tag pattern, and the pattern; as oc, `*` counts only in the last `:` part. */
function splitTagPattern(text: string): { readonly base: string; readonly pattern: string } {
  const colon = isOciName(text) ? text.indexOf(":", ociPrefix.length) : text.search(/:[\w.*-]+$/);
  const pattern = colon === -1 ? "" : text.slice(colon + 1);
  const base = colon === -1 ? text : text.slice(0, colon);
  if (!pattern.includes("*") || /[*@]/.test(base) || /^sha(256|512):/.test(pattern))
    throw new UsageError(ONLY_IN_TAGS);
  return { base, pattern };
}

/**
 * One side, without patterns; `shown` is the text to name in messages and
 * to keep as `text` (the whole side when `spec` is its part before a tag
 * pattern).
 *
 * @throws UsageError for a side that does not parse, an unsupported scheme,
 *   a registry left out, or a `file://` path leaving `dir`.
 */
export function parseEndpoint(spec: string, dir: string, shown = spec): MirrorEndpoint {
  if (isOciName(spec)) return parseLayout(spec, shown);
  if (spec.startsWith(FILE_PREFIX)) return parseFileLayout(spec, dir, shown);
  if (/^[A-Za-z][\w+.-]*:\/\//.test(spec))
    throw new UsageError(
      `"${shown}" is not a location mirror can use: write a registry reference, oci:PATH or file://PATH`,
    );
  const ref = parseImageReference(spec, shown);
  const domain = writtenDomain(ref, shown);
  return { kind: "registry", text: shown, domain, path: ref.path, ...tagAndDigest(ref) };
}

function parseLayout(spec: string, shown: string): MirrorEndpoint {
  let parsed;
  try {
    parsed = parseOciReference(spec);
  } catch (err) {
    if (err instanceof OciReferenceError) throw new UsageError(err.message);
    throw err;
  }
  const { path, reference } = parsed;
  if (reference === "") return { kind: "layout", text: shown, dir: path };
  if (isLayoutDigest(reference))
    return { kind: "layout", text: shown, dir: path, digest: reference };
  return { kind: "layout", text: shown, dir: path, tag: reference };
}

/**
 * `file://PATH`: PATH is read as a repository name (as oc does), so it
 * takes `:TAG` and `@DIGEST`; it must stay inside `dir`, since a mirror
 * writes there.
 */
function parseFileLayout(spec: string, dir: string, shown: string): MirrorEndpoint {
  const rest = spec.slice(FILE_PREFIX.length);
  if (rest.startsWith("/"))
    throw new UsageError(
      `"${shown}": a file:// path is relative to --dir and may not start with "/"`,
    );
  if (/(^|\/)\.\.($|[/:@])/.test(rest))
    throw new UsageError(`"${shown}": a file:// path must stay inside --dir; ".." is not allowed`);
  const ref = parseImageReference(rest, shown);
  return {
    kind: "layout",
    text: shown,
    dir: joinDir(dir, repositoryName(ref)),
    ...tagAndDigest(ref),
  };
}

function parseImageReference(spec: string, shown: string): Reference {
  try {
    return parseReference(spec);
  } catch (err) {
    if (err instanceof ReferenceParseError)
      throw new UsageError(`"${shown}" is not a valid image reference: ${err.message}`);
    throw err;
  }
}

/**
 * The registry as written. A first segment counts as one by Docker's rule
 * (SEMANTICS.md N-2: `localhost`, a `.` or `:`, or upper case), but none is
 * ever assumed: `busybox:1` and `org/app:1` are refused, and so is a Docker
 * Hub name without `library/`, each with the name to write instead.
 */
function writtenDomain(ref: Reference, shown: string): string {
  const { domain } = ref;
  if (
    domain === undefined ||
    !(domain === "localhost" || /[.:]/.test(domain) || /[A-Z]/.test(domain))
  ) {
    const write = domain === undefined ? `docker.io/library/${shown}` : `docker.io/${shown}`;
    throw new UsageError(
      `"${shown}" names no registry and mirror does not assume Docker Hub; write the registry: ${write}`,
    );
  }
  if (isDockerHubDomain(domain) && !ref.path.includes("/")) {
    const write = `${domain}/library/${shown.slice(domain.length + 1)}`;
    throw new UsageError(
      `"${shown}" leaves out Docker Hub's library/ namespace, which mirror does not add; write ${write}`,
    );
  }
  return domain;
}

function tagAndDigest(ref: Reference): { readonly tag?: string; readonly digest?: string } {
  return {
    ...(ref.tag === undefined ? {} : { tag: ref.tag }),
    ...(ref.digest === undefined ? {} : { digest: ref.digest }),
  };
}

/** `dir/path` without doubled slashes; `.` (the default --dir) adds nothing. */
function joinDir(dir: string, path: string): string {
  if (dir === "" || dir === ".") return path;
  return `${dir}/${path}`.replace(/\/{2,}/g, "/");
}

/**
 * Where an endpoint's images live, as a key: the host lower-cased with
 * Docker Hub's aliases as one, or the directory normalised, so that
 * `oci:out` and `file://out` (with --dir .) compare equal.
 */
export function locationKey(endpoint: MirrorEndpoint): string {
  if (endpoint.kind === "layout") return `layout ${normalizeDir(endpoint.dir)}`;
  const host = endpoint.domain.toLowerCase();
  return `registry ${isDockerHubDomain(host) ? DOCKER_HUB_DOMAIN : host}/${endpoint.path}`;
}

/** {@link locationKey} with the tag and digest: equal keys are the same image. */
export function endpointKey(endpoint: MirrorEndpoint): string {
  return `${locationKey(endpoint)}:${endpoint.tag ?? ""}@${endpoint.digest ?? ""}`;
}

/** POSIX-normalised without resolving `..`: no empty or `.` segments. */
function normalizeDir(dir: string): string {
  const joined = dir
    .split("/")
    .filter((part) => part !== "" && part !== ".")
    .join("/");
  if (dir.startsWith("/")) return `/${joined}`;
  return joined === "" ? "." : joined;
}
