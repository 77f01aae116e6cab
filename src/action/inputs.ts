/**
 * The Action's inputs (action.yml), read once into a typed value, as
 * peter-evans/create-pull-request reads its own. Pure: the entry point
 * passes how an input is read (`@actions/core`'s getInput).
 */
import { UsageError } from "../errors.ts";
import { forgeKinds, type ForgeKind } from "../publish/forge/forge.ts";

/** What the Action can run. */
export const actionCommands = ["validate", "plan", "reconcile"] as const;

/** One of {@link actionCommands}. */
export type ActionCommand = (typeof actionCommands)[number];

/** The inputs of action.yml, checked. */
export interface ActionInputs {
  readonly command: ActionCommand;
  /** The repository root, relative to the workspace (`working-directory`). */
  readonly workingDirectory: string;
  readonly config: string | undefined;
  /** The forge token; the caller masks it before anything is printed. */
  readonly token: string | undefined;
  readonly forge: ForgeKind | undefined;
  readonly base: string | undefined;
  readonly dryRun: boolean;
  /** A Docker config.json with registry credentials (`docker-config`). */
  readonly dockerConfig: string | undefined;
  readonly shard: string | undefined;
  readonly concurrency: number;
}

/**
 * Reads and checks every input; an empty input is an unset one (GitHub
 * passes every declared input, empty when not given).
 *
 * @throws UsageError naming the input and the value it refused.
 */
export function readInputs(get: (name: string) => string): ActionInputs {
  const value = (name: string): string | undefined => {
    const text = get(name).trim();
    return text === "" ? undefined : text;
  };
  return {
    command: oneOf("command", value("command") ?? "reconcile", actionCommands),
    workingDirectory: value("working-directory") ?? ".",
    config: value("config"),
    token: value("token"),
    forge: optionalOneOf("forge", value("forge"), forgeKinds),
    base: value("base"),
    dryRun: booleanInput("dry-run", value("dry-run")),
    dockerConfig: value("docker-config"),
    shard: value("shard"),
    concurrency: positiveInput("concurrency", value("concurrency") ?? "8"),
  };
}

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new UsageError(`input ${name} must be one of ${allowed.join(", ")}, not "${text}"`);
  }
  return text as T;
}

function optionalOneOf<T extends string>(
  name: string,
  text: string | undefined,
  allowed: readonly T[],
): T | undefined {
  return text === undefined ? undefined : oneOf(name, text, allowed);
}

/** YAML 1.2 core schema booleans, as `core.getBooleanInput` accepts them. */
function booleanInput(name: string, text: string | undefined): boolean {
  if (text === undefined) return false;
  if (["true", "True", "TRUE"].includes(text)) return true;
  if (["false", "False", "FALSE"].includes(text)) return false;
  throw new UsageError(`input ${name} must be true or false, not "${text}"`);
}

function positiveInput(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`input ${name} must be a positive integer, not "${text}"`);
  }
  return value;
}
