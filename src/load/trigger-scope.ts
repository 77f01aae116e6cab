/**
 * What trigger checks need to know of the repository: which stream tags
 * exist, and how strict to be. Pure.
 */
import type { Diagnostic } from "../model/diagnostic.ts";
import type { StreamTagRef, Trigger } from "../model/repository.ts";
import { streamKey, type StreamIndex } from "./stream-index.ts";

/** The repository as trigger checks see it. */
export interface TriggerScope {
  readonly streams: StreamIndex;
  /** Streams that exist but failed their own checks; not reported again. */
  readonly otherKeys: ReadonlySet<string>;
  readonly strict: boolean;
}

/** Where a trigger's stream lives: its own from.namespace, else the workload's. */
export interface NamespaceChoice {
  /** The workload's namespace (metadata, else the config's default). */
  readonly namespace: string;
  /** The workload names none; `namespace` is the config's default. */
  readonly assumed: boolean;
}

/** The namespace a trigger source names, or the workload's when it names none (A3). */
export function sourceNamespace(
  fromNamespace: unknown,
  choice: NamespaceChoice,
): { namespace: string; assumed: boolean } {
  if (typeof fromNamespace === "string" && fromNamespace !== "")
    return { namespace: fromNamespace, assumed: false };
  return choice;
}

/** The triggers a check built, and what it found wrong. */
export interface TriggerCheckResult {
  readonly triggers: readonly Trigger[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Why `ref` does not resolve in the repository, or undefined when it does.
 * `assumed` says the namespace came from the config's default, not the file.
 */
export function missingStreamTag(
  scope: TriggerScope,
  ref: StreamTagRef,
  assumed = false,
): { message: string; hint: string } | undefined {
  const key = streamKey(ref.namespace, ref.stream);
  if (scope.otherKeys.has(key)) return undefined;
  if (scope.streams.get(key) === undefined) {
    return {
      message: `imagestream "${key}" not found in the repository`,
      hint: assumed
        ? `the workload names no namespace, so the config's default "${ref.namespace}" was assumed (a kustomize namespace: is not seen); set metadata.namespace or from.namespace`
        : "triggers look streams up in the workload's namespace unless from.namespace names another",
    };
  }
  if (!scope.streams.hasTag(key, ref.tag)) {
    return {
      message: `imagestreamtag "${key}:${ref.tag}" not found`,
      hint: `add a tag named "${ref.tag}" to the "${key}" stream's spec.tags`,
    };
  }
  return undefined;
}
