/**
 * The reference scanner shared by the distribution and OpenShift parsers. It
 * splits the input by position (digest after the first `@`, tag after the
 * first `:` behind the last `/`), then checks each part against its grammar
 * atom, so every error carries the offset of the part that broke a rule. The
 * accepted language is exactly that of `ANCHORED_REFERENCE` plus the length
 * and digest checks (a property test holds this).
 */
import { readDigest } from "./digest.ts";
import {
  ANCHORED_DOMAIN_AND_PORT,
  ANCHORED_LEGACY_DOMAIN_AND_PORT,
  NAME_MAX_LENGTH,
  TAG_MAX_LENGTH,
} from "./grammar.ts";
import { ReferenceParseError } from "./parse-error.ts";
import { readPath } from "./read-path.ts";
import type { Reference } from "./reference.ts";

/** The differences between distribution/reference and OpenShift's copy of it. */
export interface Dialect {
  /** Anchored registry host grammar. */
  readonly domain: RegExp;
  /** The host rule, for messages. */
  readonly hostRule: string;
  /** What the 255-character limit counts: the path alone, or the whole name. */
  readonly limit: "path" | "name";
  /** Accept upper-case hex in digests. */
  readonly anyCaseHex: boolean;
}

/** distribution/reference (current). */
export const DISTRIBUTION: Dialect = {
  domain: ANCHORED_DOMAIN_AND_PORT,
  hostRule: "a host name, IPv4 address or [IPv6 address], with an optional :port",
  limit: "path",
  anyCaseHex: false,
};

/** openshift/library-go pkg/image/internal/reference (SEMANTICS.md §8.5). */
export const LIBRARY_GO: Dialect = {
  domain: ANCHORED_LEGACY_DOMAIN_AND_PORT,
  hostRule:
    "a host name or IPv4 address with an optional :port (OpenShift does not accept IPv6 hosts)",
  limit: "name",
  anyCaseHex: true,
};

/** Offsets of the three parts of a reference in its input. */
interface Spans {
  readonly nameEnd: number;
  readonly tag?: readonly [number, number];
  readonly digestStart?: number;
}

/** Parses `input` under `dialect`; see parseReference for the rules and errors. */
export function readReference(input: string, dialect: Dialect): Reference {
  if (input === "") {
    throw new ReferenceParseError({
      reason: "EMPTY",
      input,
      index: 0,
      message: "reference must not be empty",
    });
  }
  const spans = splitReference(input);
  const { domain, path, pathStart } = readName(input, spans.nameEnd, dialect);
  checkLength(input, dialect.limit === "path" ? pathStart : 0, spans.nameEnd);
  const tag = spans.tag === undefined ? undefined : readTag(input, spans.tag[0], spans.tag[1]);
  let digest: string | undefined;
  if (spans.digestStart !== undefined) {
    readDigest(input, spans.digestStart, input.length, { anyCase: dialect.anyCaseHex });
    digest = input.slice(spans.digestStart);
  }
  return {
    ...(domain === undefined ? {} : { domain }),
    path,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

function splitReference(input: string): Spans {
  const at = input.indexOf("@");
  const headEnd = at === -1 ? input.length : at;
  if (at !== -1) {
    const second = input.indexOf("@", at + 1);
    if (second !== -1) {
      const message = `unexpected "@" at offset ${second}: a reference has at most one "@digest"`;
      throw new ReferenceParseError({ reason: "TRAILING", input, index: second, message });
    }
  }
  const head = input.slice(0, headEnd);
  const slash = head.lastIndexOf("/");
  // Inside a bracketed IPv6 host a ":" is not a tag separator.
  const from = slash === -1 && head.startsWith("[") ? Math.max(head.indexOf("]"), 0) : slash + 1;
  const colon = head.indexOf(":", from);
  const nameEnd = colon === -1 ? headEnd : colon;
  return {
    nameEnd,
    ...(colon === -1 ? {} : { tag: [colon + 1, headEnd] as const }),
    ...(at === -1 ? {} : { digestStart: at + 1 }),
  };
}

function readName(
  input: string,
  end: number,
  dialect: Dialect,
): { domain?: string; path: string; pathStart: number } {
  if (end === 0) {
    const message = "repository name must have at least one component";
    throw new ReferenceParseError({ reason: "NAME_EMPTY", input, index: 0, message });
  }
  const name = input.slice(0, end);
  const slash = name.indexOf("/");
  const first = slash === -1 ? name : name.slice(0, slash);
  if (slash !== -1 && dialect.domain.test(first)) {
    readPath(input, slash + 1, end);
    return { domain: first, path: name.slice(slash + 1), pathStart: slash + 1 };
  }
  if (/[:[\]]/.test(first)) {
    const rest = slash === -1 ? ` and be followed by "/" and a repository path` : "";
    const message = `invalid registry host "${first}": must be ${dialect.hostRule}${rest}`;
    throw new ReferenceParseError({ reason: "DOMAIN_INVALID", input, index: 0, message });
  }
  readPath(input, 0, end);
  return { path: name, pathStart: 0 };
}

function checkLength(input: string, start: number, end: number): void {
  if (end - start <= NAME_MAX_LENGTH) return;
  const message = `repository name must not be more than ${NAME_MAX_LENGTH} characters (got ${end - start})`;
  throw new ReferenceParseError({ reason: "NAME_TOO_LONG", input, index: start, message });
}

/**
 * Validates the tag at `input[start, end)` against `[\w][\w.-]{0,127}`.
 *
 * @throws ReferenceParseError with reason `TAG_INVALID` or `TAG_TOO_LONG`.
 */
export function readTag(input: string, start: number, end: number): string {
  const tag = input.slice(start, end);
  const rule = "tags must start with [A-Za-z0-9_] and contain only [A-Za-z0-9_.-]";
  const bad = tag === "" ? 0 : /^\w/.test(tag) ? tag.search(/[^\w.-]/) : 0;
  if (bad !== -1) {
    const message = tag === "" ? "tag must not be empty" : `invalid tag "${tag}": ${rule}`;
    throw new ReferenceParseError({ reason: "TAG_INVALID", input, index: start + bad, message });
  }
  if (tag.length > TAG_MAX_LENGTH) {
    const message = `invalid tag "${tag}": tags must not be more than ${TAG_MAX_LENGTH} characters (got ${tag.length})`;
    throw new ReferenceParseError({ reason: "TAG_TOO_LONG", input, index: start, message });
  }
  return tag;
}
