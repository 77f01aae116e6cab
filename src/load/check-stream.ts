/**
 * Checks of one ImageStream that its schema cannot state, with OpenShift's
 * validation messages (openshift/openshift-apiserver validation.go; SEMANTICS.md
 * §1.3): the stream name, dockerImageRepository, each tag's source, scheduled
 * imports, duplicate tags and the status pull specs. Pure.
 */
import type { Diagnostic } from "../model/diagnostic.ts";
import type { ImageStream, TagReference } from "../model/generated/imagestream.ts";
import type { ObjectLocation } from "../model/source.ts";
import {
  parseDigest,
  parseDockerImageReference,
  parseSourceName,
  ReferenceParseError,
  validateNamespace,
  validateStreamName,
  validateTagName,
} from "../reference/index.ts";
import { diagnoseAt } from "./diagnose.ts";

/** Every single-stream problem of `stream`, which passed the schema. */
export function checkStream(
  stream: ImageStream,
  namespace: string,
  at: ObjectLocation,
): Diagnostic[] {
  return [
    ...checkName(stream, namespace, at),
    ...checkRepository(stream, at),
    ...(stream.spec?.tags ?? []).flatMap((tag, i) => checkTag(tag, `/spec/tags/${i}`, at)),
    ...duplicateNames(stream.spec?.tags?.map((t) => t.name) ?? [], "/spec/tags", "name", at),
    ...duplicateNames(stream.status?.tags?.map((t) => t.tag) ?? [], "/status/tags", "tag", at),
    ...checkStatus(stream, at),
  ];
}

function checkName(stream: ImageStream, namespace: string, at: ObjectLocation): Diagnostic[] {
  const found = namespaceProblems(stream.metadata.namespace, "/metadata/namespace", at);
  const problem = validateStreamName(stream.metadata.name, namespace);
  if (problem !== undefined)
    found.push(diagnoseAt(at, "/metadata/name", "INVALID_NAME", problem.message));
  return found;
}

/** An INVALID_NAME diagnostic when `namespace` is set and not a valid namespace name. */
export function namespaceProblems(
  namespace: string | undefined,
  pointer: string,
  at: ObjectLocation,
): Diagnostic[] {
  if (namespace === undefined || namespace === "") return [];
  const problem = validateNamespace(namespace);
  return problem === undefined ? [] : [diagnoseAt(at, pointer, "INVALID_NAME", problem.message)];
}

function checkRepository(stream: ImageStream, at: ObjectLocation): Diagnostic[] {
  const repository = stream.spec?.dockerImageRepository;
  if (repository === undefined || repository === "") return [];
  const pointer = "/spec/dockerImageRepository";
  try {
    const ref = parseDockerImageReference(repository);
    if (ref.tag !== undefined) {
      return [
        diagnoseAt(at, pointer, "REPOSITORY_HAS_TAG", "the repository name may not contain a tag", {
          hint: "list the tags under spec.tags instead",
        }),
      ];
    }
    if (ref.digest !== undefined) {
      return [
        diagnoseAt(at, pointer, "REPOSITORY_HAS_ID", "the repository name may not contain an ID"),
      ];
    }
    return [];
  } catch (err) {
    return [referenceDiagnostic(err, repository, pointer, at)];
  }
}

function checkTag(tag: TagReference, pointer: string, at: ObjectLocation): Diagnostic[] {
  const found: Diagnostic[] = [];
  const nameProblem = validateTagName(tag.name);
  if (nameProblem !== undefined) {
    found.push(
      diagnoseAt(at, `${pointer}/name`, "INVALID_TAG_NAME", nameProblem.message, {
        severity: "warning",
        hint: "OpenShift's API accepts it, but no pull spec or trigger can name it",
      }),
    );
  }
  const from = tag.from;
  if (from === undefined || from === null) return found;
  if (from.kind === "DockerImage") {
    found.push(...checkDockerSource(from.name, `${pointer}/from/name`, at));
  } else {
    found.push(...checkStreamSource(from.kind, from.name, `${pointer}/from/name`, at));
    found.push(...namespaceProblems(from.namespace, `${pointer}/from/namespace`, at));
    if (tag.importPolicy?.scheduled === true) {
      found.push(
        diagnoseAt(
          at,
          `${pointer}/importPolicy/scheduled`,
          "SCHEDULED_NOT_DOCKER",
          "only tags pointing to Docker repositories may be scheduled for background import",
          {
            hint: `this tag's source is an ${from.kind}; remove scheduled or point it at a DockerImage`,
          },
        ),
      );
    }
  }
  return found;
}

function checkDockerSource(name: string, pointer: string, at: ObjectLocation): Diagnostic[] {
  try {
    parseDockerImageReference(name);
    return [];
  } catch (err) {
    return [referenceDiagnostic(err, name, pointer, at)];
  }
}

function checkStreamSource(
  kind: "ImageStreamTag" | "ImageStreamImage",
  name: string,
  pointer: string,
  at: ObjectLocation,
): Diagnostic[] {
  try {
    parseSourceName(kind, name);
    return [];
  } catch (err) {
    if (!(err instanceof ReferenceParseError)) throw err;
    return [
      diagnoseAt(
        at,
        pointer,
        "INVALID_SOURCE_NAME",
        `${JSON.stringify(name)}: must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>`,
        {
          hint:
            kind === "ImageStreamTag"
              ? "for example 2.0 or ruby:2.0"
              : "for example ruby@sha256:<digest>",
        },
      ),
    ];
  }
}

function duplicateNames(
  names: readonly string[],
  pointer: string,
  field: string,
  at: ObjectLocation,
): Diagnostic[] {
  const first = new Map<string, number>();
  const found: Diagnostic[] = [];
  for (const [i, name] of names.entries()) {
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, i);
      continue;
    }
    found.push(
      diagnoseAt(
        at,
        `${pointer}/${i}/${field}`,
        "DUPLICATE_TAG",
        `duplicate tag "${name}" (also at ${pointer.slice(1).replaceAll("/", ".")}[${earlier}])`,
        {
          hint: "OpenShift silently keeps the last one; keep one entry per tag",
        },
      ),
    );
  }
  return found;
}

function checkStatus(stream: ImageStream, at: ObjectLocation): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const [t, tag] of (stream.status?.tags ?? []).entries()) {
    for (const [i, item] of (tag.items ?? []).entries()) {
      const pointer = `/status/tags/${t}/items/${i}`;
      try {
        parseDockerImageReference(item.dockerImageReference);
      } catch (err) {
        found.push({
          ...referenceDiagnostic(
            err,
            item.dockerImageReference,
            `${pointer}/dockerImageReference`,
            at,
          ),
          code: "INVALID_STATUS",
        });
      }
      if (item.image !== "") {
        try {
          parseDigest(item.image);
        } catch (err) {
          found.push({
            ...referenceDiagnostic(err, item.image, `${pointer}/image`, at),
            code: "INVALID_STATUS",
          });
        }
      }
    }
  }
  return found;
}

/** An INVALID_REFERENCE diagnostic with the caret on the offending character. */
export function referenceDiagnostic(
  err: unknown,
  input: string,
  pointer: string,
  at: ObjectLocation,
): Diagnostic {
  if (!(err instanceof ReferenceParseError)) throw err;
  return diagnoseAt(
    at,
    pointer,
    "INVALID_REFERENCE",
    `invalid reference ${JSON.stringify(input)}: ${err.message}`,
    {
      colOffset: err.index,
    },
  );
}
