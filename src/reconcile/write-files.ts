/**
 * Writing edits into the repository's files, as `apply`, `tag` and
 * `import-image` do: every file's new text is computed before any is
 * written; each is then replaced atomically (a temporary file renamed over
 * it, keeping its mode and byte-order mark), so a failure never leaves a
 * half-written file. New files are created the same way, without
 * overwriting anything (the temporary file is linked to the new name).
 * A temporary file is named after its target (`.NAME.RANDOM.tmp`); one left
 * behind by a run killed mid-write (SIGKILL) is removed when its target is
 * written again. (A writer racing this one on the same file would find its
 * temporary file gone and fail with FILE_WRITE: a loud failure, where the
 * race would otherwise lose one write silently.)
 */
import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, readdir, rename, stat, unlink, writeFile } from "node:fs/promises";
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
  // Each directory is listed once, however many of its files change.
  const listings = new Map<string, Promise<string[]>>();
  const list = (dir: string): Promise<string[]> => {
    let names = listings.get(dir);
    if (names === undefined) {
      names = temporaries(dir);
      listings.set(dir, names);
    }
    return names;
  };
  for (const change of changes) {
    try {
      await replaceFile(root, change, list);
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
async function replaceFile(
  root: string,
  { file, text }: FileChange,
  list: (dir: string) => Promise<string[]>,
): Promise<void> {
  const target = path.join(root, ...file.path.split("/"));
  const temporary = temporaryName(target);
  const { mode } = await stat(target);
  await removeAbandoned(target, await list(path.dirname(target)));
  try {
    await writeFile(temporary, (file.bom ? "\uFEFF" : "") + text, { flag: "wx" });
    await chmod(temporary, mode & 0o7777);
    await rename(temporary, target);
  } catch (err) {
    await unlink(temporary).catch(() => undefined);
    throw err;
  }
}

/** A new temporary file's path beside `target`: `.NAME.RANDOM.tmp`. */
function temporaryName(target: string): string {
  const name = `.${path.basename(target)}.${randomBytes(4).toString("hex")}.tmp`;
  return path.join(path.dirname(target), name);
}

const temporaryPattern = /^\.(.+)\.[0-9a-f]{8}\.tmp$/;

/** The names of the temporary files in `dir` (usually none). */
async function temporaries(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => temporaryPattern.test(name));
}

/** Removes the temporary files of `target` an earlier writer left, among `names` of its directory's. */
async function removeAbandoned(target: string, names: readonly string[]): Promise<void> {
  const base = path.basename(target);
  for (const name of names) {
    if (temporaryPattern.exec(name)?.[1] !== base) continue;
    await unlink(path.join(path.dirname(target), name)).catch(() => undefined);
  }
}

/**
 * Creates the repository-relative file `relative` with `text`.
 *
 * @throws ReconcilerError (FILE_WRITE) when it exists or cannot be written.
 */
export async function createFile(root: string, relative: string, text: string): Promise<void> {
  const target = path.join(root, ...relative.split("/"));
  const temporary = temporaryName(target);
  try {
    await mkdir(path.dirname(target), { recursive: true });
    await removeAbandoned(target, await temporaries(path.dirname(target)));
    await writeFile(temporary, text, { flag: "wx" });
    // A link, unlike a rename, never replaces a file that exists.
    await link(temporary, target);
  } catch (err) {
    throw writeError(relative, err);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}
