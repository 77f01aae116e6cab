/**
 * The set-triggers command line as a request: list, set, remove or remove
 * all image triggers, for which image stream tag and containers. Checked as
 * `oc set triggers` checks its flags (openshift/oc pkg/cli/set/triggers.go
 * `Complete` and `Validate`; SEMANTICS.md §6.5 O1, O2), with oc's messages
 * where oc has one. Pure.
 */
import { UsageError } from "../errors.ts";
import {
  parseDockerImageReference,
  ReferenceParseError,
  validateNamespace,
  validateStreamName,
  type PullSpec,
} from "../reference/index.ts";

/** An image stream tag named by --from-image; `namespace` only when it names one. */
export interface StreamTagName {
  readonly namespace?: string;
  readonly stream: string;
  readonly tag: string;
  /** As written on the command line, for messages. */
  readonly text: string;
}

/** What the command line asks for. */
export type TriggerRequest =
  | { readonly action: "list" }
  | {
      readonly action: "set";
      readonly from: StreamTagName;
      readonly containers: readonly string[];
      readonly paused: boolean;
    }
  | {
      readonly action: "remove";
      readonly from?: StreamTagName;
      readonly containers?: readonly string[];
    }
  | { readonly action: "removeAll" };

/** The trigger flags as parsed from argv. */
export interface TriggerFlags {
  readonly fromImage?: string | undefined;
  readonly containers?: string | undefined;
  readonly paused: boolean;
  readonly remove: boolean;
  readonly removeAll: boolean;
}

/**
 * `--from-image` as oc reads it (O1): a pull spec without registry or
 * digest, with a tag; `[NAMESPACE/]STREAM:TAG`.
 *
 * @throws UsageError with oc's message.
 */
export function parseFromImage(text: string): StreamTagName {
  let ref: PullSpec;
  try {
    ref = parseDockerImageReference(text);
  } catch (err) {
    if (!(err instanceof ReferenceParseError)) throw err;
    throw new UsageError(
      `the value of --from-image does not appear to be a valid reference to an image: ${err.message}`,
    );
  }
  if (ref.domain !== undefined && /^[^/@]+:[^/@:]+$/.test(text) && !text.startsWith("localhost")) {
    // library-go reads a lone dotted name as a registry (SEMANTICS.md OS-2), but a
    // stream's name may hold a dot: `my.app:1` is that stream's tag here.
    const colon = text.lastIndexOf(":");
    ref = { path: text.slice(0, colon), name: text.slice(0, colon), tag: text.slice(colon + 1) };
  }
  if (ref.domain !== undefined || ref.digest !== undefined)
    throw new UsageError(
      "the value of --from-image must point to an image stream tag on this server",
    );
  if (ref.tag === undefined)
    throw new UsageError("the value of --from-image must include the tag you wish to pull from");
  const problem =
    (ref.namespace === undefined ? undefined : validateNamespace(ref.namespace)) ??
    validateStreamName(ref.name);
  if (problem !== undefined) throw new UsageError(`--from-image=${text}: ${problem.message}`);
  const namespace = ref.namespace === undefined ? {} : { namespace: ref.namespace };
  return { ...namespace, stream: ref.name, tag: ref.tag, text };
}

/**
 * `--containers`: comma-separated names, blanks dropped. A name given twice
 * would make two triggers for one container (O3).
 *
 * @throws UsageError when a name repeats.
 */
export function parseContainers(text: string): string[] {
  const names = text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const repeated = [...new Set(names.filter((name, i) => names.indexOf(name) !== i))];
  if (repeated.length > 0)
    throw new UsageError(
      `only one trigger may reference each container: ${repeated.sort().join(", ")}`,
    );
  return names;
}

/** Checks the flags together, in oc's order (Validate), then what oc checks later (O2). */
function checkCombination(flags: TriggerFlags, containers: readonly string[] | undefined): void {
  const from = flags.fromImage !== undefined;
  const named = containers !== undefined && containers.length > 0;
  if (flags.remove && flags.removeAll)
    throw new UsageError("you must specify either --remove or --remove-all");
  if (flags.removeAll && (from || containers !== undefined || flags.paused))
    throw new UsageError("--remove-all may not be used with any other flag");
  if (flags.remove && !from && !named)
    throw new UsageError("--remove needs --from-image, --containers or both to name the triggers");
  if (flags.remove && flags.paused) throw new UsageError("--paused may not be used with --remove");
  if (from && !flags.remove && !named)
    throw new UsageError("you must specify --containers when setting --from-image");
  if (!from && !flags.remove && containers !== undefined)
    throw new UsageError("--containers needs --from-image (or --remove)");
  if (!from && !flags.remove && flags.paused) throw new UsageError("--paused needs --from-image");
}

/**
 * The request the flags make: with neither --from-image nor --remove*, a
 * listing (as `oc set triggers dc/x` prints one).
 *
 * @throws UsageError for flags that do not go together or values oc refuses.
 */
export function parseTriggerRequest(flags: TriggerFlags): TriggerRequest {
  const from = flags.fromImage === undefined ? undefined : parseFromImage(flags.fromImage);
  const containers = flags.containers === undefined ? undefined : parseContainers(flags.containers);
  checkCombination(flags, containers);
  if (flags.removeAll) return { action: "removeAll" };
  if (flags.remove) {
    return {
      action: "remove",
      ...(from === undefined ? {} : { from }),
      ...(containers === undefined || containers.length === 0 ? {} : { containers }),
    };
  }
  if (from !== undefined) {
    return { action: "set", from, containers: containers ?? [], paused: flags.paused };
  }
  return { action: "list" };
}
