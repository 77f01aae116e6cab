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
import { objectsOf } from "./objects.ts";
import { readOne, readYamlFiles } from "./read-files.ts";
import { StreamIndex } from "./stream-index.ts";

/** What to load. */
export interface LoadOptions {
  /** The repository root. */
  readonly root: string;
  /** The config file; default `<root>/imagestream-gitops.yaml`, which may be absent. */
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
  const skip = config.source === undefined ? [] : [config.source];
  const paths = (await discoverFiles(root, config.files.include, config.files.exclude)).filter(
    (p) => !skip.includes(p),
  );
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

async function loadConfig(
  root: string,
  configPath: string | undefined,
  strict: boolean,
): Promise<ConfigLoad> {
  const absolute = path.resolve(root, configPath ?? configFileName);
  if (configPath === undefined && !(await exists(absolute)))
    return resolveConfig(undefined, undefined, strict);
  const relative = path.relative(root, absolute).split(path.sep).join("/");
  const read = await readOne(path.dirname(absolute), path.basename(absolute));
  const file: SourceFile | undefined = read.files[0];
  const renamed = read.diagnostics.map((d) => ({ ...d, file: relative }));
  const doc = file?.documents[0];
  if (file === undefined || doc === undefined) {
    const result = resolveConfig(undefined, undefined, strict);
    return { config: result.config, diagnostics: renamed };
  }
  const located = { file: { ...file, path: relative }, doc, pointer: "" };
  const result = resolveConfig(doc.value, located, strict);
  return {
    config: result.config,
    diagnostics: [...renamed, ...result.diagnostics],
    file: located.file,
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
