/**
 * Reads and parses the repository's YAML files, a bounded number at a time.
 * A file that cannot be read, is not UTF-8 or is too large becomes a
 * diagnostic; the others are still parsed.
 */
import { readFile, stat } from "node:fs/promises";
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
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < paths.length; i = next++) {
      results[i] = await readOne(root, paths[i] ?? "");
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelReads, paths.length) }, worker));
  return {
    files: results.flatMap((r) => r?.files ?? []),
    diagnostics: results.flatMap((r) => r?.diagnostics ?? []),
  };
}

/** Reads and parses one file. */
export async function readOne(root: string, relative: string): Promise<ReadResult> {
  const absolute = path.join(root, relative);
  try {
    const { size } = await stat(absolute);
    if (size > maxFileBytes) {
      const message = `file is ${String(size)} bytes; files over ${String(maxFileBytes)} bytes are not read`;
      return refused(
        relative,
        "FILE_TOO_LARGE",
        message,
        "exclude it with files.exclude in imagestream-gitops.yaml",
      );
    }
    const bytes = await readFile(absolute);
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    const parsed = parseYamlFile(relative, text);
    return { files: [parsed.file], diagnostics: parsed.diagnostics };
  } catch (err) {
    const reason = err instanceof TypeError ? "it is not valid UTF-8" : describe(err);
    return refused(relative, "FILE_UNREADABLE", `cannot read file: ${reason}`);
  }
}

function refused(
  file: string,
  code: Diagnostic["code"],
  message: string,
  hint?: string,
): ReadResult {
  return { files: [], diagnostics: [diagnoseSpan(file, start, code, message, { hint })] };
}

function describe(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? code : err instanceof Error ? err.message : String(err);
}
