/**
 * Docker's familiar-name rules (distribution/reference:normalize.go;
 * SEMANTICS.md §8.2): `nginx` means `docker.io/library/nginx`, and back.
 */
import {
  DEFAULT_TAG,
  DOCKER_HUB_DOMAIN,
  DOCKER_HUB_LEGACY_DOMAIN,
  OFFICIAL_REPOSITORY_PREFIX,
} from "./docker-hub.ts";
import { formatTagAndDigest, repositoryName } from "./format.ts";
import { ANCHORED_IDENTIFIER } from "./grammar.ts";
import { ReferenceParseError } from "./parse-error.ts";
import { parseReference, type Reference } from "./reference.ts";

/** How the input was rewritten before parsing: `builtPrefix + rest` replaced `inputPrefix + rest`. */
interface DockerSplit {
  readonly builtPrefix: string;
  readonly inputPrefix: string;
  readonly rest: string;
}

/**
 * Parses `input` as distribution/reference's `ParseNormalizedNamed`:
 *
 * - N-1: no `/` at all means Docker Hub: `nginx` → `docker.io/library/nginx`
 *   (so do `localhost` and `example.com` alone).
 * - N-2: the first segment is a domain iff it is `localhost`, contains `.` or
 *   `:`, or has an upper-case letter; otherwise the whole input is a Docker
 *   Hub path (`org/app` → `docker.io/org/app`).
 * - N-3: `index.docker.io` becomes `docker.io`.
 * - N-4: on `docker.io` a one-segment path gets `library/`.
 * - N-5: upper case in the path fails with
 *   `invalid reference format: repository name (<path>) must be lowercase`.
 * - N-6: a bare 64-hex string is rejected (`HEX_NAME`); with a domain it is a name.
 *
 * No tag is added (see {@link withDefaultTag}). As in Go, a first segment
 * with a `.` that is not a valid host (`a_b.c/app`) ends up as part of a
 * domain-less path.
 *
 * @throws ReferenceParseError as {@link parseReference}, plus `HEX_NAME`;
 *   indexes point into `input`, not the expanded string.
 */
export function parseNormalizedReference(input: string): Reference {
  if (ANCHORED_IDENTIFIER.test(input)) {
    const message = `invalid repository name "${input}": cannot specify 64-byte hexadecimal strings`;
    throw new ReferenceParseError({ reason: "HEX_NAME", input, index: 0, message });
  }
  if (input === "") return parseReference(input);
  const split = splitDockerDomain(input);
  checkLowercase(input, split);
  try {
    return parseReference(split.builtPrefix + split.rest);
  } catch (err) {
    if (!(err instanceof ReferenceParseError)) throw err;
    throw err.relocate(input, inputIndex(err.index, split));
  }
}

function splitDockerDomain(input: string): DockerSplit {
  const slash = input.indexOf("/");
  if (slash === -1) {
    return {
      builtPrefix: DOCKER_HUB_DOMAIN + "/" + OFFICIAL_REPOSITORY_PREFIX,
      inputPrefix: "",
      rest: input,
    };
  }
  const first = input.slice(0, slash);
  const isDomain = first === "localhost" || /[.:]/.test(first) || first !== first.toLowerCase();
  const domain = isDomain && first !== DOCKER_HUB_LEGACY_DOMAIN ? first : DOCKER_HUB_DOMAIN;
  const inputPrefix = isDomain ? `${first}/` : "";
  const rest = input.slice(inputPrefix.length);
  const library =
    domain === DOCKER_HUB_DOMAIN && !rest.includes("/") ? OFFICIAL_REPOSITORY_PREFIX : "";
  return { builtPrefix: `${domain}/${library}`, inputPrefix, rest };
}

function checkLowercase(input: string, split: DockerSplit): void {
  const nameEnd = split.rest.search(/[:@]/);
  const name = nameEnd === -1 ? split.rest : split.rest.slice(0, nameEnd);
  if (name === name.toLowerCase()) return;
  let upper = 0;
  while (upper < name.length && name[upper] === name[upper]?.toLowerCase()) upper++;
  const remote = split.builtPrefix.slice(split.builtPrefix.indexOf("/") + 1) + name;
  const message = `invalid reference format: repository name (${remote}) must be lowercase`;
  const index = split.inputPrefix.length + upper;
  throw new ReferenceParseError({ reason: "NAME_UPPERCASE", input, index, message });
}

function inputIndex(index: number, split: DockerSplit): number {
  const built = split.builtPrefix.length;
  if (index >= built) return index - built + split.inputPrefix.length;
  return split.builtPrefix === split.inputPrefix ? index : split.inputPrefix.length;
}

/**
 * `ref` with tag `latest` when it has neither tag nor digest, otherwise `ref`
 * itself (distribution/reference `TagNameOnly`; SEMANTICS.md N-7).
 */
export function withDefaultTag(ref: Reference): Reference {
  if (ref.tag !== undefined || ref.digest !== undefined) return ref;
  return { ...ref, tag: DEFAULT_TAG };
}

/**
 * The familiar (Docker UI) repository name: `docker.io/` is dropped, and so
 * is one `library/` when nothing else is nested below it (N-8):
 * `docker.io/library/nginx` → `nginx`, `docker.io/org/app` → `org/app`,
 * `docker.io/library/a/b` unchanged. Other domains are kept.
 */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DOCKER_HUB_DOMAIN) return repositoryName(ref);
  const official = ref.path.startsWith(OFFICIAL_REPOSITORY_PREFIX);
  const rest = official ? ref.path.slice(OFFICIAL_REPOSITORY_PREFIX.length) : ref.path;
  return official && !rest.includes("/") ? rest : ref.path;
}

/** {@link familiarName} with the tag and digest: `nginx:1.25`. */
export function familiarString(ref: Reference): string {
  return familiarName(ref) + formatTagAndDigest(ref);
}
