/**
 * Name rules of image streams, their tags and namespaces, with OpenShift's
 * messages (openshift-apiserver validation.go, oc tag; SEMANTICS.md §1.3,
 * §2.6). Validators return the problem, or undefined when there is none.
 */
import {
  ANCHORED_DNS1123_LABEL,
  ANCHORED_STREAM_NAME,
  NAME_MAX_LENGTH,
  NAMESPACE_MAX_LENGTH,
  STREAM_NAME,
} from "./grammar.ts";
import { ReferenceParseError } from "./parse-error.ts";
import { readTag } from "./read-reference.ts";

/**
 * Checks an image stream name: Kubernetes path-segment rules (not `.` or
 * `..`, no `/` or `%`) and `^[a-z0-9]+(?:[._-][a-z0-9]+)*$`; with
 * `namespace`, also that `namespace/name` is at most 255 characters.
 *
 * @returns undefined when valid; otherwise a ReferenceParseError (not
 *   thrown) with reason `STREAM_NAME_INVALID` or `STREAM_NAME_TOO_LONG`,
 *   `input` = `name`.
 */
export function validateStreamName(
  name: string,
  namespace?: string,
): ReferenceParseError | undefined {
  const invalid = (index: number, rule: string) =>
    new ReferenceParseError({
      reason: "STREAM_NAME_INVALID",
      input: name,
      index,
      message: `invalid image stream name "${name}": ${rule}`,
    });
  if (name === "") return invalid(0, "must not be empty");
  if (name === "." || name === "..") return invalid(0, `may not be '${name}'`);
  for (const c of ["/", "%"]) {
    if (name.includes(c)) return invalid(name.indexOf(c), `may not contain '${c}'`);
  }
  if (!ANCHORED_STREAM_NAME.test(name)) {
    const bad = Math.max(name.search(/[^a-z0-9._-]/), 0);
    return invalid(bad, `must match "${STREAM_NAME}"`);
  }
  if (namespace !== undefined && namespace.length + 1 + name.length > NAME_MAX_LENGTH) {
    const message = `'namespace/name' cannot be longer than ${NAME_MAX_LENGTH} characters`;
    return new ReferenceParseError({
      reason: "STREAM_NAME_TOO_LONG",
      input: name,
      index: 0,
      message,
    });
  }
  return undefined;
}

/**
 * Checks a new tag name as `oc tag` does (`^[\w][\w.-]{0,127}$`). The API
 * server itself accepts any tag name.
 *
 * @returns undefined when valid; otherwise a ReferenceParseError (not
 *   thrown) with reason `TAG_INVALID` or `TAG_TOO_LONG` and oc's message.
 */
export function validateTagName(tag: string): ReferenceParseError | undefined {
  try {
    readTag(tag, 0, tag.length);
    return undefined;
  } catch (err) {
    if (!(err instanceof ReferenceParseError)) throw err;
    const message = `invalid tag "${tag}" format, tags must start with an alphanumeric character followed by alphanumeric, '.' or '-' characters, and have a maximum of 128 characters`;
    return new ReferenceParseError({ reason: err.reason, input: tag, index: err.index, message });
  }
}

/**
 * Checks a Kubernetes namespace name: an RFC 1123 label of at most 63
 * characters.
 *
 * @returns undefined when valid; otherwise a ReferenceParseError (not
 *   thrown) with reason `NAMESPACE_INVALID`, `input` = `namespace`.
 */
export function validateNamespace(namespace: string): ReferenceParseError | undefined {
  if (ANCHORED_DNS1123_LABEL.test(namespace) && namespace.length <= NAMESPACE_MAX_LENGTH)
    return undefined;
  const rule =
    namespace.length > NAMESPACE_MAX_LENGTH
      ? `must be no more than ${NAMESPACE_MAX_LENGTH} characters`
      : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
  const message = `invalid namespace "${namespace}": ${rule}`;
  return new ReferenceParseError({
    reason: "NAMESPACE_INVALID",
    input: namespace,
    index: 0,
    message,
  });
}
