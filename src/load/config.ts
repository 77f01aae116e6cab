/**
 * Resolves the reconciler's config: schema validation with defaults filled
 * in, then the rules a schema cannot state (a valid cron schedule, parsable
 * registry names). Pure; the caller reads and parses the file.
 */
import { validateCronExpression } from "cron";
import type { ResolvedConfig } from "../model/config.ts";
import type { Diagnostic } from "../model/diagnostic.ts";
import type { Config } from "../model/generated/config.ts";
import type { ObjectLocation } from "../model/source.ts";
import { ReconcilerError } from "../errors.ts";
import {
  grammar,
  parseDockerImageReference,
  parseLocation,
  ReferenceParseError,
} from "../reference/index.ts";
import { diagnoseAt } from "./diagnose.ts";
import { isObject } from "./objects.ts";
import { parsePointer } from "./pointer.ts";
import { validators } from "./schemas.ts";
import { schemaIssues } from "./validate.ts";

/** Result of {@link resolveConfig}. */
export interface ConfigResult {
  readonly config: ResolvedConfig;
  readonly diagnostics: readonly Diagnostic[];
}

/** The config of a repository without a config file. */
export function defaultConfig(): ResolvedConfig {
  return withDefaults({}, undefined);
}

/**
 * Validates the config document at `at` (undefined: no config file) and
 * returns it with defaults. A top-level key with an error falls back to its
 * default; the others still apply, so one bad key does not also drop
 * `files.exclude` or `namespace` and flood the run with false diagnostics.
 */
export function resolveConfig(
  value: unknown,
  at: ObjectLocation | undefined,
  strict: boolean,
): ConfigResult {
  if (at === undefined) return { config: defaultConfig(), diagnostics: [] };
  if (!isObject(value)) {
    const diagnostics =
      value === null || value === undefined
        ? []
        : [diagnoseAt(at, "", "CONFIG", "the config must be a mapping of settings")];
    return { config: withDefaults({}, at.file.path), diagnostics };
  }
  const validate = validators().config;
  const diagnostics: Diagnostic[] = [];
  const failed = new Set<string>();
  if (!validate(structuredClone(value))) {
    for (const issue of schemaIssues(validate.errors ?? [], { strict, code: "CONFIG" })) {
      diagnostics.push(diagnoseAt(at, issue.pointer, issue.code, issue.message, issue));
      if (issue.severity === "error") failed.add(parsePointer(issue.pointer)[0] ?? issue.key ?? "");
    }
  }
  const kept = Object.fromEntries(Object.entries(value).filter(([key]) => !failed.has(key)));
  const config = withDefaults(kept, at.file.path);
  diagnostics.push(...ruleDiagnostics(config, at));
  return { config, diagnostics };
}

function withDefaults(input: Config, source: string | undefined): ResolvedConfig {
  // ajv fills nested defaults only inside objects that exist, so create them first.
  const value = structuredClone({ files: {}, pullRequest: {}, ...input }) as Config;
  validators().config(value);
  // Every key with a schema default is now present; localRegistry and registries have none.
  const filled = value as Required<Omit<Config, "localRegistry" | "registries">> &
    Pick<Config, "localRegistry" | "registries">;
  return {
    files: filled.files as ResolvedConfig["files"],
    namespace: filled.namespace,
    ...(filled.localRegistry === undefined ? {} : { localRegistry: filled.localRegistry }),
    registries: filled.registries ?? {},
    mirrors: filled.mirrors,
    importMode: filled.importMode,
    platform: filled.platform,
    requirePlatforms: filled.requirePlatforms,
    minimumAge: filled.minimumAge,
    history: filled.history,
    schedule: filled.schedule,
    pullRequest: filled.pullRequest as ResolvedConfig["pullRequest"],
    source,
  };
}

function ruleDiagnostics(config: ResolvedConfig, at: ObjectLocation): Diagnostic[] {
  const found: Diagnostic[] = [];
  const cron = validateCronExpression(config.schedule);
  if (!cron.valid) {
    const reason = cron.error?.message ?? "not a cron expression";
    found.push(
      diagnoseAt(at, "/schedule", "CONFIG", `invalid schedule "${config.schedule}": ${reason}`, {
        hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "*/15 * * * *"',
      }),
    );
  }
  if (config.localRegistry !== undefined) {
    found.push(...repositoryProblems(config.localRegistry, "/localRegistry", at));
  }
  for (const [i, mirror] of config.mirrors.entries()) {
    found.push(...repositoryProblems(mirror.from, `/mirrors/${i}/from`, at, true));
    found.push(...repositoryProblems(mirror.to, `/mirrors/${i}/to`, at, true));
  }
  for (const [host, entry] of Object.entries(config.registries)) {
    if (!hostPattern.test(host)) {
      found.push(
        diagnoseAt(at, "/registries", "CONFIG", `invalid registry host "${host}"`, {
          key: host,
          hint: "keys are registry hosts with an optional port, such as quay.io or localhost:5000",
        }),
      );
    }
    if (entry?.location !== undefined) found.push(...locationProblems(entry.location, host, at));
  }
  return found;
}

/** A `location` the registry code would refuse, found here so that `validate` reports it with its line. */
function locationProblems(location: string, host: string, at: ObjectLocation): Diagnostic[] {
  try {
    parseLocation(location);
    return [];
  } catch (err) {
    if (!(err instanceof ReconcilerError)) throw err;
    const pointer = `/registries/${host.replaceAll("~", "~0").replaceAll("/", "~1")}/location`;
    return [
      diagnoseAt(at, pointer, "CONFIG", err.message, {
        hint: "oci:DIR for OCI layouts, or host[:port][/prefix] for another registry",
      }),
    ];
  }
}

/** A registry host with an optional port (distribution's domain grammar), as a config key or a bare localRegistry. */
const hostPattern = grammar.ANCHORED_DOMAIN_AND_PORT;

/** Problems with a registry/repository prefix such as registry.example.com/mirror. */
function repositoryProblems(
  value: string,
  pointer: string,
  at: ObjectLocation,
  allowTag = false,
): Diagnostic[] {
  // A bare host (with a port, say) is a valid prefix but reads as name:tag to the grammar.
  if (!value.includes("/") && hostPattern.test(value) && /[.:]|^localhost$/.test(value)) return [];
  try {
    // library-go detects a registry only by ".", ":" or "localhost" (distribution takes "org" in "org/app").
    const ref = parseDockerImageReference(value);
    if (!allowTag && (ref.tag !== undefined || ref.digest !== undefined)) {
      return [
        diagnoseAt(
          at,
          pointer,
          "CONFIG",
          `"${value}" must be a repository, without a tag or digest`,
        ),
      ];
    }
    if (ref.domain === undefined) {
      return [
        diagnoseAt(at, pointer, "CONFIG", `"${value}" must start with a registry host`, {
          hint: "for example registry.example.com/mirror",
        }),
      ];
    }
    return [];
  } catch (err) {
    if (!(err instanceof ReferenceParseError)) throw err;
    return [diagnoseAt(at, pointer, "CONFIG", `invalid repository "${value}": ${err.message}`)];
  }
}
