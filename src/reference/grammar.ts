/**
 * The image reference grammar, built from named regular-expression atoms the
 * way distribution/reference:regexp.go builds it, so that every rule can be
 * read, tested and reused on its own.
 *
 * Grammar (distribution/reference:reference.go; SEMANTICS.md §8.1):
 *
 *     reference                  := name [ ":" tag ] [ "@" digest ]
 *     name                       := [ domain "/" ] remote-name
 *     domain                     := host [ ":" port-number ]
 *     host                       := domain-name | IPv4address | "[" IPv6address "]"   ; rfc3986 appendix-A
 *     domain-name                := domain-component [ "." domain-component ]*
 *     domain-component           := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 *     port-number                := /[0-9]+/
 *     path-component             := alpha-numeric [ separator alpha-numeric ]*
 *     path (or "remote-name")    := path-component [ "/" path-component ]*
 *     alpha-numeric              := /[a-z0-9]+/
 *     separator                  := /[_.]|__|[-]+/
 *
 *     tag                        := /[\w][\w.-]{0,127}/
 *
 *     digest                     := digest-algorithm ":" digest-hex
 *     digest-algorithm           := digest-algorithm-component [ digest-algorithm-separator digest-algorithm-component ]*
 *     digest-algorithm-separator := /[-_+.]/
 *     digest-algorithm-component := /[A-Za-z][A-Za-z0-9]{0,}/
 *     digest-hex                 := /[0-9a-fA-F]{32,}/   ; at least 128 bits
 *
 *     identifier                 := /[a-f0-9]{64}/
 *
 * Beyond the grammar: the remote name is at most 255 characters (the domain is
 * not counted), and a digest must also pass go-digest validation (registered
 * algorithm, exact lower-case hex length; see digest.ts).
 *
 * OpenShift's copy (openshift/library-go:pkg/image/internal/reference) is an
 * older version of the same grammar: no IPv6 hosts, the separator is written
 * `(?:[._]|__|[-]*)` (the same language: an empty separator just joins two
 * alpha-numeric runs), and the 255-character limit counts the whole name,
 * registry included. `LEGACY_*` atoms below cover the difference.
 */

/** Wraps `res` in a non-capturing group that may occur zero or one time. */
function optional(...res: string[]): string {
  return `(?:${res.join("")})?`;
}

/** Wraps `res` in a non-capturing group that may occur any number of times. */
function anyTimes(...res: string[]): string {
  return `(?:${res.join("")})*`;
}

/** Wraps `res` in a capturing group. */
function capture(...res: string[]): string {
  return `(${res.join("")})`;
}

/** Anchors `res` at the start and end of the input. */
function anchored(...res: string[]): RegExp {
  return new RegExp(`^${res.join("")}$`);
}

/** A run of lower-case letters and digits: the atom of path components. */
export const ALPHANUMERIC = "[a-z0-9]+";

/** One period, one or two underscores, or any number of dashes. */
export const SEPARATOR = "(?:[._]|__|[-]+)";

/** One `/`-separated component of a repository path. */
export const PATH_COMPONENT = ALPHANUMERIC + anyTimes(SEPARATOR + ALPHANUMERIC);

/** The repository path ("remote name"), e.g. `library/ubuntu`. */
export const REMOTE_NAME = PATH_COMPONENT + anyTimes("/", PATH_COMPONENT);

/** One label of a registry host name; may hold upper case, never a leading or trailing dash. */
export const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";

/** A dotted host name or IPv4 address. */
export const DOMAIN_NAME = DOMAIN_COMPONENT + anyTimes("\\.", DOMAIN_COMPONENT);

/** An IPv6 address in brackets, compressed or not; zones and IPv4-mapped forms are excluded. */
export const IPV6_ADDRESS = "\\[(?:[a-fA-F0-9:]+)\\]";

/** A host: domain name, IPv4 address or bracketed IPv6 address. */
export const HOST = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})`;

/** An optional `:port`. */
export const OPTIONAL_PORT = "(?::[0-9]+)?";

/** The registry part of a name: host and optional port. */
export const DOMAIN_AND_PORT = HOST + OPTIONAL_PORT;

/** OpenShift's registry part: like {@link DOMAIN_AND_PORT} without IPv6. */
export const LEGACY_DOMAIN_AND_PORT = DOMAIN_NAME + OPTIONAL_PORT;

/** A full repository name with optional domain. */
export const NAME = optional(DOMAIN_AND_PORT, "/") + REMOTE_NAME;

/** A tag: a word character, then up to 127 word characters, periods or dashes. */
export const TAG = "[\\w][\\w.-]{0,127}";

/** A digest algorithm such as `sha256` or `sha256+b64u`. */
export const DIGEST_ALGORITHM = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*";

/** The encoded part of a digest in a reference: at least 32 hex digits, any case. */
export const DIGEST_HEX = "[0-9a-fA-F]{32,}";

/** A digest as the reference grammar accepts it (go-digest validates further). */
export const DIGEST = `${DIGEST_ALGORITHM}:${DIGEST_HEX}`;

/** A bare sha256 image identifier. */
export const IDENTIFIER = "[a-f0-9]{64}";

/** OpenShift's image stream name rule (openshift-apiserver validation.go). */
export const STREAM_NAME = "[a-z0-9]+(?:[._-][a-z0-9]+)*";

/** A Kubernetes namespace: an RFC 1123 DNS label. */
export const DNS1123_LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";

/** A whole reference; captures name (1), tag (2) and digest (3), as Go's ReferenceRegexp. */
export const ANCHORED_REFERENCE = anchored(
  capture(NAME),
  optional(":", capture(TAG)),
  optional("@", capture(DIGEST)),
);

/** A whole name; captures domain (1) and path (2), as Go's anchoredNameRegexp. */
export const ANCHORED_NAME = anchored(
  optional(capture(DOMAIN_AND_PORT), "/"),
  capture(REMOTE_NAME),
);

/** Exactly a domain with optional port. */
export const ANCHORED_DOMAIN_AND_PORT = anchored(DOMAIN_AND_PORT);

/** Exactly an OpenShift (library-go) registry host with optional port. */
export const ANCHORED_LEGACY_DOMAIN_AND_PORT = anchored(LEGACY_DOMAIN_AND_PORT);

/** Exactly one path component. */
export const ANCHORED_PATH_COMPONENT = anchored(PATH_COMPONENT);

/** Exactly a tag. */
export const ANCHORED_TAG = anchored(TAG);

/** Exactly a digest algorithm. */
export const ANCHORED_DIGEST_ALGORITHM = anchored(DIGEST_ALGORITHM);

/** Exactly a 64-hex identifier. */
export const ANCHORED_IDENTIFIER = anchored(IDENTIFIER);

/** Exactly an image stream name (without the path-segment checks). */
export const ANCHORED_STREAM_NAME = anchored(STREAM_NAME);

/** Exactly an RFC 1123 DNS label. */
export const ANCHORED_DNS1123_LABEL = anchored(DNS1123_LABEL);

/** Longest repository path (distribution) or whole name (library-go). */
export const NAME_MAX_LENGTH = 255;

/** Longest tag. */
export const TAG_MAX_LENGTH = 128;

/** Longest Kubernetes namespace. */
export const NAMESPACE_MAX_LENGTH = 63;
