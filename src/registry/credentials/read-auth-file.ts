/**
 * Reads and parses one auth file from disk.
 */
import { readFile, stat } from "node:fs/promises";
import type { AuthFileLocation } from "./auth-file-locations.ts";
import { CredentialsError } from "./credentials-error.ts";
import { parseAuthFile, type AuthFile } from "./parse-auth-file.ts";

/** Auth files are a few kilobytes; anything this large is not one. */
export const MAX_AUTH_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads `location` and parses it; resolves to undefined when the file does
 * not exist and is not `required`. Only regular files are read (never a
 * FIFO or device, which could block or never end). Throws
 * {@link CredentialsError}: `FILE_MISSING`, `FILE_UNREADABLE`, or a parse
 * reason from {@link parseAuthFile}.
 */
export async function readAuthFile(location: AuthFileLocation): Promise<AuthFile | undefined> {
  const { file } = location;
  const unreadable = (why: string): CredentialsError =>
    new CredentialsError("FILE_UNREADABLE", `credentials file "${file}" ${why}`, { file });
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw unreadable("is not a regular file");
    if (info.size > MAX_AUTH_FILE_BYTES) {
      throw unreadable(`is larger than ${String(MAX_AUTH_FILE_BYTES)} bytes`);
    }
    text = await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof CredentialsError) throw error;
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") {
      if (!location.required) return undefined;
      throw new CredentialsError("FILE_MISSING", `credentials file "${file}" does not exist`, {
        file,
      });
    }
    throw unreadable(`cannot be read (${code ?? "unknown error"})`);
  }
  return parseAuthFile(text, file, location.format);
}

function errnoCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}
