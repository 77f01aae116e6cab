/**
 * Loads a repository: the config, every YAML file its globs select, and from
 * them the validated model. Every file is checked in one pass and every
 * diagnostic collected; one broken file never hides the others' problems.
 */
import { access } from "node:fs/promises";
import path from "node:path";
import { configFileName, type ResolvedConfig } from "../model/config.ts";
import { compareDiagnostics, type Diagnostic } from "../model/diagnostic.ts";
import type { RepositoryModel } from "../model/repository.ts";
import type { SourceFile } from "../model/source.ts";
import { checkStreams } from "./check-streams.ts";
import { checkWorkloads } from "./check-workloads.ts";
import { resolveConfig } from "./config.ts";
import { discoverFiles } from "./discover.ts";
import { locationOf, objectsOf } from "./objects.ts";
import { diagnoseAt, diagnoseSpan } from "./diagnose.ts";
import { describe, readOne, readYamlFiles } from "./read-files.ts";
import { StreamIndex } from "./stream-index.ts";

const firstLine = { line: 1, col: 1, endLine: 1, endCol: 1 };

/** What to load. */
export interface LoadOptions {
  /** The repository root. */
  readonly root: string;
  /**
   * The config file, relative to the working directory; default
   * `<root>/imagestream-gitops.yaml`, which may be absent.
   */
  readonly configPath?: string;
  /** Unknown fields are errors rather than warnings. */
  readonly strict?: boolean;
}

/** The model and every diagnostic, sorted by file and position. */
export interface LoadResult {
  readonly model: RepositoryModel;
  readonly diagnostics: readonly Diagnostic[];
  /** The config file as read, for showing its lines in diagnostics. */
  readonly configFile: SourceFile | undefined;
}

/** Loads and checks the repository at `options.root`. */
export async function loadRepository(options: LoadOptions): Promise<LoadResult> {
  const root = path.resolve(options.root);
  const strict = options.strict ?? false;
  const configured = await loadConfig(root, options.configPath, strict);
  const { config } = configured;
  // The config file is not a repository file, even where the globs would select it.
  const skip = configured.file === undefined ? [] : [configured.file.path];
  const discovered = await discoverFiles(root, config.files.include, config.files.exclude);
  const paths = discovered.files.filter((p) => !skip.includes(p));
  const read = await readYamlFiles(root, paths);
  const objects = read.files.flatMap(objectsOf);
  const streams = checkStreams(objects, config.namespace, strict);
  const scope = {
    streams: new StreamIndex(streams.streams),
    otherKeys: streams.failedKeys,
    strict,
  };
  const workloads = checkWorkloads(objects, config.namespace, scope);
  const diagnostics = [
    ...configured.diagnostics,
    ...discovered.unreadable.map(({ dir, error }) =>
      diagnoseSpan(dir, firstLine, "FILE_UNREADABLE", `cannot list directory: ${describe(error)}`),
    ),
    ...read.diagnostics,
    ...streams.diagnostics,
    ...workloads.diagnostics,
  ].sort(compareDiagnostics);
  const model: RepositoryModel = {
    root,
    config,
    files: read.files,
    streams: streams.streams,
    workloads: workloads.workloads,
  };
  return { model, diagnostics, configFile: configured.file };
}

interface ConfigLoad {
  readonly config: ResolvedConfig;
  readonly diagnostics: readonly Diagnostic[];
  readonly file?: SourceFile;
}

/**
 * Loads just the config at `configPath` (relative paths from the working
 * directory), or the repository's own file; the defaults when there is none.
 */
export async function loadRepositoryConfig(
  root: string,
  configPath: string | undefined,
): Promise<{ config: ResolvedConfig; diagnostics: readonly Diagnostic[] }> {
  return loadConfig(path.resolve(root), configPath, false);
}

async function loadConfig(
  root: string,
  configPath: string | undefined,
  strict: boolean,
): Promise<ConfigLoad> {
  const absolute =
    configPath === undefined ? path.join(root, configFileName) : path.resolve(configPath);
  if (configPath === undefined && !(await exists(absolute))) {
    return resolveConfig(undefined, undefined, strict);
  }
  // Inside the repository it is named from the root, like every file; outside, as given.
  const fromRoot = path.relative(root, absolute);
  const shown =
    fromRoot.startsWith("..") || path.isAbsolute(fromRoot)
      ? (configPath ?? absolute)
      : fromRoot.split(path.sep).join("/");
  const read = await readOne(absolute, shown);
  const file: SourceFile | undefined = read.files[0];
  // The settings are the one document that holds something: an empty document
  // before them (`---` twice) or after them (a trailing `---`) is no config.
  const filled = file?.documents.filter((d) => d.value !== null) ?? [];
  const doc = filled[0] ?? file?.documents[0];
  if (file === undefined || doc === undefined) {
    return {
      config: resolveConfig(undefined, undefined, strict).config,
      diagnostics: read.diagnostics,
    };
  }
  const extra = filled
    .slice(1)
    .map((other) =>
      diagnoseAt(
        locationOf(file, other, ""),
        "",
        "CONFIG",
        `the config file holds ${String(filled.length)} YAML documents; only the first is read`,
        { hint: "merge the settings into one document" },
      ),
    );
  const result = resolveConfig(doc.value, locationOf(file, doc, ""), strict);
  return {
    config: result.config,
    diagnostics: [...read.diagnostics, ...result.diagnostics, ...extra],
    file,
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
