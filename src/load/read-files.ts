/**
 * Reads and parses the repository's YAML files, a bounded number at a time.
 * Only regular files inside the repository are read: a symbolic link may
 * point at a FIFO or a device (which would hang or never end) or at a file
 * outside the repository (whose lines would end up in a CI log). A file that
 * cannot be read, is not UTF-8 or is too large becomes a diagnostic; the
 * others are still parsed.
 */
import { constants } from "node:fs";
import { open, realpath } from "node:fs/promises";
import path from "node:path";
import type { Diagnostic } from "../model/diagnostic.ts";
import type { SourceFile } from "../model/source.ts";
import { diagnoseSpan } from "./diagnose.ts";
import { parseYamlFile } from "./parse-yaml.ts";

/** Larger files are refused: no Kubernetes object comes near this (etcd caps one at 1.5 MiB). */
export const maxFileBytes = 32 * 1024 * 1024;

const parallelReads = 16;
const start = { line: 1, col: 1, endLine: 1, endCol: 1 };

/** The parsed files and every diagnostic from reading and parsing them. */
export interface ReadResult {
  readonly files: readonly SourceFile[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads and parses `paths` (repository-relative) under `root`, keeping their order. */
export async function readYamlFiles(root: string, paths: readonly string[]): Promise<ReadResult> {
  const results: (ReadResult | undefined)[] = new Array<ReadResult | undefined>(paths.length);
  const realRoot = await realpath(root);
  const listed = new Set(paths);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < paths.length; i = next++) {
      const relative = paths[i] ?? "";
      if (await linksToListed(root, realRoot, relative, listed)) continue;
      results[i] = await readOne(path.join(root, relative), relative, realRoot);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelReads, paths.length) }, worker));
  return {
    files: results.flatMap((r) => r?.files ?? []),
    diagnostics: results.flatMap((r) => r?.diagnostics ?? []),
  };
}

/** True when `relative` is a link to another listed file, which is read under its own name. */
async function linksToListed(
  root: string,
  realRoot: string,
  relative: string,
  listed: ReadonlySet<string>,
): Promise<boolean> {
  try {
    const target = path.relative(realRoot, await realpath(path.join(root, relative)));
    const posix = target.split(path.sep).join("/");
    return posix !== relative && listed.has(posix);
  } catch {
    return false; // readOne reports it
  }
}

/**
 * Reads and parses the file at `absolute`, reported as `shown`. With `within`,
 * the file's real path must lie inside that directory.
 */
export async function readOne(
  absolute: string,
  shown: string,
  within?: string,
): Promise<ReadResult> {
  try {
    const real = await realpath(absolute);
    if (within !== undefined && !isInside(real, within)) {
      return refused(
        shown,
        "FILE_UNREADABLE",
        "symbolic link points outside the repository; not read",
        {
          hint: "exclude it with files.exclude in imagestream-gitops.yaml",
        },
      );
    }
    const text = await readBounded(real);
    if (typeof text !== "string") return refused(shown, text.code, text.message, text);
    const parsed = parseYamlFile(shown, text);
    return { files: [parsed.file], diagnostics: parsed.diagnostics };
  } catch (err) {
    return refused(shown, "FILE_UNREADABLE", `cannot read file: ${describe(err)}`);
  }
}

/** The file's text, or why it is refused: not a regular file, too large, not UTF-8. */
async function readBounded(
  file: string,
): Promise<string | { code: Diagnostic["code"]; message: string; hint?: string }> {
  // Non-blocking, so that opening a FIFO returns at once and fstat can refuse it.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile())
      return { code: "FILE_UNREADABLE", message: "not a regular file; not read" };
    if (stats.size > maxFileBytes) {
      return {
        code: "FILE_TOO_LARGE",
        message: `file is ${String(stats.size)} bytes; files over ${String(maxFileBytes)} bytes are not read`,
        hint: "exclude it with files.exclude in imagestream-gitops.yaml",
      };
    }
    const bytes = await handle.readFile();
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return { code: "FILE_UNREADABLE", message: "cannot read file: it is not valid UTF-8" };
    }
  } finally {
    await handle.close();
  }
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

function refused(
  file: string,
  code: Diagnostic["code"],
  message: string,
  options: { hint?: string } = {},
): ReadResult {
  return {
    files: [],
    diagnostics: [diagnoseSpan(file, start, code, message, { hint: options.hint })],
  };
}

const errnoText: Readonly<Record<string, string>> = {
  ENOENT: "no such file (or a broken symbolic link)",
  EISDIR: "it is a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ELOOP: "too many levels of symbolic links",
};

/** Words for an fs error, never a bare errno code. */
export function describe(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") return errnoText[code] ?? `${code} (${(err as Error).message})`;
  return err instanceof Error ? err.message : String(err);
}
