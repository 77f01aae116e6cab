/**
 * Writing edits into the repository's files, as `apply`, `tag` and
 * `import-image` do: every file's new text is computed before any is
 * written; each is then replaced atomically (a temporary file renamed over
 * it, keeping its mode and byte-order mark), so a failure never leaves a
 * half-written file. New files are created without overwriting anything.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { createTwoFilesPatch } from "diff";
import { ReconcilerError } from "../errors.ts";
import type { SourceFile } from "../model/source.ts";
import { editFile } from "../write/edit-file.ts";
import type { ObjectEdits } from "../write/object-edit.ts";

/** One file's new text. */
export interface FileChange {
  readonly file: SourceFile;
  readonly text: string;
}

/** The files `edits` (by repository-relative path) change, with their new text. */
export function fileChanges(
  files: readonly SourceFile[],
  edits: ReadonlyMap<string, readonly ObjectEdits[]>,
): FileChange[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const changes: FileChange[] = [];
  for (const [file, list] of edits) {
    const source = byPath.get(file);
    if (source === undefined) continue;
    const text = editFile(source.text, list);
    if (text !== source.text) changes.push({ file: source, text });
  }
  return changes;
}

/**
 * Writes every change, each atomically.
 *
 * @throws ReconcilerError (FILE_WRITE) naming the file that could not be written.
 */
export async function writeChanges(root: string, changes: readonly FileChange[]): Promise<void> {
  for (const change of changes) {
    try {
      await replaceFile(root, change);
    } catch (err) {
      throw writeError(change.file.path, err);
    }
  }
}

/** A file system failure as a typed error naming the repository-relative file. */
function writeError(file: string, err: unknown): ReconcilerError {
  const code = (err as { code?: unknown } | null)?.code;
  const reason =
    code === "EEXIST" ? "it already exists" : err instanceof Error ? err.message : String(err);
  return new ReconcilerError("FILE_WRITE", `cannot write ${file}: ${reason}`, { cause: err });
}

/** The unified diff of `change`. */
export function patch({ file, text }: FileChange): string {
  return createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, file.text, text);
}

/** Writes `change` through a temporary file renamed over the original, keeping its mode and BOM. */
async function replaceFile(root: string, { file, text }: FileChange): Promise<void> {
  const target = path.join(root, ...file.path.split("/"));
  const temporary = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(4).toString("hex")}.tmp`,
  );
  const { mode } = await stat(target);
  try {
    await writeFile(temporary, (file.bom ? "\uFEFF" : "") + text, { flag: "wx" });
    await chmod(temporary, mode & 0o7777);
    await rename(temporary, target);
  } catch (err) {
    await unlink(temporary).catch(() => undefined);
    throw err;
  }
}

/**
 * Creates the repository-relative file `relative` with `text`.
 *
 * @throws ReconcilerError (FILE_WRITE) when it exists or cannot be written.
 */
export async function createFile(root: string, relative: string, text: string): Promise<void> {
  const target = path.join(root, ...relative.split("/"));
  try {
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text, { flag: "wx" });
  } catch (err) {
    throw writeError(relative, err);
  }
}
