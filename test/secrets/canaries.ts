/**
 * The canary secrets of the secret-hygiene suite and the one scanner that
 * looks for them: each canary is a recognisable string set in exactly one
 * auth path, and the scanner looks for it as written, as the base64 of
 * `user:secret` (a Basic header or an auth-file `auth`), and for every
 * token a token server issued during the run.
 */
import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

/** One canary per auth path. */
export const canaries = {
  /** config.json `auths` entry with a base64 `auth` (user `alice`). */
  basic: "canary-basic-PASS-4f1c",
  /** config.json `auths` entry with an `identitytoken` (a refresh token of user `carol`). */
  identityToken: "canary-identitytoken-9d2e",
  /** What `credHelpers[host]` answers (user `helper`). */
  helper: "canary-helper-PASS-71ab",
  /** What `credsStore` answers (user `store`). */
  store: "canary-store-PASS-c3d0",
  /** `REGISTRY_AUTH_FILE` (user `envfile`). */
  authFileEnv: "canary-authfileenv-PASS-5e6f",
  /** The forge token (`ISG_FORGE_TOKEN`, `GITHUB_TOKEN`, `GITLAB_TOKEN`). */
  forge: "canary-forge-ghs0123456789abcdef",
  /** `ISG_GIT_TOKEN`, sent to git http-backend. */
  git: "canary-git-TOKEN-8a8b",
} as const;

/** The user each registry canary belongs to, for its `user:secret` forms. */
export const canaryUsers: Readonly<Record<string, string>> = {
  [canaries.basic]: "alice",
  [canaries.helper]: "helper",
  [canaries.store]: "store",
  [canaries.authFileEnv]: "envfile",
  [canaries.git]: "x-access-token",
  [canaries.forge]: "x-access-token",
};

/** Every form a secret may take on the way out: as written, and base64 with or without its user. */
export function secretForms(extra: readonly string[] = []): string[] {
  const forms = new Set<string>();
  for (const secret of [...Object.values(canaries), ...extra]) {
    forms.add(secret);
    forms.add(Buffer.from(secret).toString("base64").replace(/=+$/, ""));
    const user = canaryUsers[secret];
    if (user !== undefined) {
      forms.add(Buffer.from(`${user}:${secret}`).toString("base64").replace(/=+$/, ""));
    }
  }
  // Any text naming a canary's stem is a leak, even of a mangled one.
  forms.add("canary-");
  return [...forms];
}

/** A named piece of text that left the process (stdout, a log line, a pull request body, a file). */
export interface Exhibit {
  readonly where: string;
  readonly text: string;
}

/** Every exhibit that holds a form of a secret, with the text around it. */
export function findCanaries(
  exhibits: readonly Exhibit[],
  issued: readonly string[] = [],
): string[] {
  const forms = secretForms(issued);
  const leaks: string[] = [];
  for (const { where, text } of exhibits) {
    for (const form of forms) {
      const at = text.indexOf(form);
      if (at >= 0) leaks.push(`${where}: …${text.slice(Math.max(0, at - 60), at + 60)}…`);
    }
  }
  return leaks;
}

/** Fails naming every exhibit that holds a form of a secret. */
export function assertNoCanary(exhibits: readonly Exhibit[], issued: readonly string[] = []): void {
  assert.deepEqual(findCanaries(exhibits, issued), [], "no secret leaves the process");
}

/** Every regular file under `root` (skipping `.git/objects`) as an exhibit. */
export async function filesUnder(root: string): Promise<Exhibit[]> {
  const exhibits: Exhibit[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (full.endsWith(`${path.sep}.git${path.sep}objects`)) continue;
        await walk(full);
      } else if (entry.isFile() && (await stat(full)).size < 4_000_000) {
        exhibits.push({ where: full, text: await readFile(full, "latin1") });
      }
    }
  };
  await walk(root);
  return exhibits;
}
