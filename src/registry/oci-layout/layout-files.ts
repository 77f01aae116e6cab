/**
 * The files of one layout directory: where a blob lives
 * (`blobs/<algorithm>/<hex>`), reading `oci-layout` and `index.json` with
 * typed errors, creating a layout, and atomic writes (a temporary file in
 * the layout, then rename, as go-containerregistry's layout and
 * containers/image write), so a reader never sees half a file.
 */
import { randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { OciLayoutError } from "./layout-error.ts";
import {
  checkLayoutFile,
  emptyIndex,
  formatLayoutIndex,
  layoutFileContent,
  parseLayoutIndex,
  type LayoutIndex,
} from "./layout-index.ts";
import { isLayoutDigest } from "../../reference/index.ts";

/** The file a blob is stored in; refuses anything but a well-formed sha256/sha512 digest. */
export function blobPath(dir: string, digest: string): string {
  // The digest becomes a path: only a strict pattern keeps "../" out.
  if (!isLayoutDigest(digest))
    throw new OciLayoutError("DIGEST_INVALID", dir, `cannot store or look up digest "${digest}"`);
  const colon = digest.indexOf(":");
  return path.join(dir, "blobs", digest.slice(0, colon), digest.slice(colon + 1));
}

/** A temporary file name inside the layout (same file system, so rename is atomic). */
export function tempPath(dir: string): string {
  return path.join(dir, `.isg-tmp-${randomUUID()}`);
}

/** The node error code of `err`, if it has one. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** An I/O failure as a typed error naming the layout. */
export function ioError(dir: string, doing: string, err: unknown): OciLayoutError {
  const detail = err instanceof Error ? err.message : String(err);
  return new OciLayoutError("IO", dir, `${doing}: ${detail}`, { cause: err });
}

/**
 * The layout's index.json, after checking `oci-layout`.
 *
 * @throws OciLayoutError LAYOUT_MISSING (no directory, or no `oci-layout`
 *   in it) or LAYOUT_INVALID (either file malformed).
 */
export async function readLayoutIndex(dir: string): Promise<LayoutIndex> {
  const layoutFile = await readLayoutText(dir, "oci-layout");
  if (layoutFile === undefined) {
    throw new OciLayoutError("LAYOUT_MISSING", dir, await missingReason(dir));
  }
  const problem = checkLayoutFile(layoutFile);
  if (problem !== undefined) throw new OciLayoutError("LAYOUT_INVALID", dir, problem);
  const text = await readLayoutText(dir, "index.json");
  if (text === undefined)
    throw new OciLayoutError("LAYOUT_INVALID", dir, "oci-layout is there but index.json is not");
  const index = parseLayoutIndex(text);
  if (typeof index === "string") throw new OciLayoutError("LAYOUT_INVALID", dir, index);
  return index;
}

/**
 * The index to update before a write: the existing one, or an empty one
 * after creating the directory and `oci-layout` when neither `oci-layout`
 * nor `index.json` exists yet.
 */
export async function readOrCreateLayout(dir: string): Promise<LayoutIndex> {
  const existing = await readLayoutText(dir, "oci-layout");
  if (existing !== undefined || (await readLayoutText(dir, "index.json")) !== undefined)
    return readLayoutIndex(dir);
  try {
    await mkdir(path.join(dir, "blobs"), { recursive: true });
  } catch (err) {
    throw ioError(dir, "cannot create the layout directory", err);
  }
  await writeAtomically(dir, "oci-layout", layoutFileContent);
  await writeAtomically(dir, "index.json", formatLayoutIndex(emptyIndex));
  return emptyIndex;
}

/** Writes index.json atomically. */
export function writeLayoutIndex(dir: string, index: LayoutIndex): Promise<void> {
  return writeAtomically(dir, "index.json", formatLayoutIndex(index));
}

/** Writes `file` (relative to the layout) through a synced temporary file and a rename. */
export async function writeAtomically(
  dir: string,
  file: string,
  data: string | Uint8Array,
): Promise<void> {
  const target = path.join(dir, file);
  const temp = tempPath(dir);
  try {
    await mkdir(path.dirname(target), { recursive: true });
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw ioError(dir, `cannot write ${file}`, err);
  }
}

async function readLayoutText(dir: string, file: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(dir, file), "utf8");
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw ioError(dir, `cannot read ${file}`, err);
  }
}

async function missingReason(dir: string): Promise<string> {
  try {
    if (!(await stat(dir)).isDirectory()) return "not a directory";
  } catch (err) {
    if (errnoCode(err) === "ENOENT") return "no such directory";
  }
  return "not an OCI image layout (no oci-layout file)";
}
