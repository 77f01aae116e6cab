/**
 * Shared pieces of the credential tests: the canary secret, a plain view of
 * a credential (secret included) to compare with, and helpers to build auth
 * files and executable credential helpers in temporary directories.
 */
import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestContext } from "node:test";
import { inspect } from "node:util";
import type { Credential } from "../../../src/registry/credentials/index.ts";

/** A password distinctive enough that finding it anywhere means it leaked. */
export const CANARY = "canary-Zq8!vX3:pw";

/** base64 of `text`, padded. */
export function b64(text: string): string {
  return Buffer.from(text).toString("base64");
}

/** base64 of `text` without `=` padding. */
export function b64Unpadded(text: string): string {
  return b64(text).replace(/=+$/, "");
}

/** A credential as plain data, secret included, for deepEqual. */
export type PlainCredential =
  | { kind: "basic"; username: string; password: string }
  | { kind: "identityToken"; username?: string; identityToken: string };

/** `credential` as {@link PlainCredential}, or undefined. */
export function plain(credential: Credential | undefined): PlainCredential | undefined {
  if (credential === undefined) return undefined;
  if (credential.kind === "basic") {
    return { kind: "basic", username: credential.username, password: credential.password };
  }
  return credential.username === undefined
    ? { kind: "identityToken", identityToken: credential.identityToken }
    : {
        kind: "identityToken",
        username: credential.username,
        identityToken: credential.identityToken,
      };
}

/** Shorthand for a basic {@link PlainCredential}. */
export function basic(username: string, password: string): PlainCredential {
  return { kind: "basic", username, password };
}

/** A new temporary directory, removed when the test ends. */
export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "isg-cred-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `contents` (JSON-encoded unless a string) at `dir/relative`, creating folders. */
export async function writeJson(dir: string, relative: string, contents: unknown): Promise<string> {
  const file = path.join(dir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, typeof contents === "string" ? contents : JSON.stringify(contents));
  return file;
}

/** Writes an executable `docker-credential-<suffix>` shell script into `binDir`. */
export async function writeHelper(binDir: string, suffix: string, body: string): Promise<void> {
  const file = path.join(binDir, `docker-credential-${suffix}`);
  await mkdir(binDir, { recursive: true });
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
}

/** Fails if `secret` appears in `error`'s message, JSON, inspect output or fields. */
export function assertNoSecret(value: unknown, secret: string = CANARY): void {
  const views = [
    inspect(value, { depth: 10, showHidden: true }),
    JSON.stringify(value) as string | undefined,
    String(value),
    value instanceof Error ? `${value.message}\n${value.stack ?? ""}` : "",
  ];
  for (const view of views) {
    assert.ok(view === undefined || !view.includes(secret), `secret leaked into: ${String(view)}`);
  }
}
