/**
 * Validates every ImageStream object against the schema, then runs the
 * single-stream and cross-stream checks. Streams with schema errors are left
 * out of the model, but their names still count as existing so references to
 * them are not reported twice. Pure.
 */
import type { Diagnostic } from "../model/diagnostic.ts";
import type { ImageStream } from "../model/generated/imagestream.ts";
import type { StreamEntry } from "../model/repository.ts";
import { checkStreamGraph } from "./check-stream-graph.ts";
import { checkStream } from "./check-stream.ts";
import { diagnoseAt } from "./diagnose.ts";
import { metadataOf, type KubeObject } from "./objects.ts";
import { validators } from "./schemas.ts";
import { streamKey } from "./stream-index.ts";
import { schemaIssues } from "./validate.ts";

/** The streams that passed, the keys of those that did not, and every diagnostic. */
export interface StreamsResult {
  readonly streams: readonly StreamEntry[];
  readonly failedKeys: ReadonlySet<string>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Checks the ImageStream objects among `objects`. */
export function checkStreams(
  objects: readonly KubeObject[],
  defaultNamespace: string,
  strict: boolean,
): StreamsResult {
  const streams: StreamEntry[] = [];
  const failedKeys = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const validate = validators().imageStream;
  for (const object of objects) {
    if (object.kind !== "ImageStream") continue;
    const { name, namespace = defaultNamespace } = metadataOf(object.value);
    const found: Diagnostic[] = [];
    if (!validate(object.value)) {
      for (const issue of schemaIssues(validate.errors ?? [], { strict })) {
        found.push(diagnoseAt(object.at, issue.pointer, issue.code, issue.message, issue));
      }
    }
    if (found.some((d) => d.severity === "error")) {
      if (name !== undefined) failedKeys.add(streamKey(namespace, name));
      diagnostics.push(...found);
      continue;
    }
    const stream = object.value as unknown as ImageStream;
    found.push(...checkStream(stream, namespace, object.at));
    diagnostics.push(...found);
    streams.push({ stream, namespace, at: object.at });
  }
  diagnostics.push(...checkStreamGraph(streams, failedKeys));
  return { streams, failedKeys, diagnostics };
}
