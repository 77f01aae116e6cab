/**
 * The command lines of the two copiers measured, ours and skopeo, both kept
 * away from the machine's configuration as test/support/skopeo.ts does for
 * the tests: an empty auth file, an empty registries.conf and registries.d,
 * and an accept-anything signature policy.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** The command line of one copy. */
export interface Command {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** Files that isolate a copier from the machine's configuration. */
export interface Isolation {
  readonly authFile: string;
  readonly policy: string;
  readonly registriesConf: string;
  readonly registriesD: string;
}

/** Writes the isolation files into `dir` (which must exist). */
export async function writeIsolation(dir: string): Promise<Isolation> {
  const files = {
    authFile: path.join(dir, "auth.json"),
    policy: path.join(dir, "policy.json"),
    registriesConf: path.join(dir, "registries.conf"),
    registriesD: path.join(dir, "registries.d"),
  };
  await writeFile(files.authFile, "{}\n");
  await writeFile(files.policy, JSON.stringify({ default: [{ type: "insecureAcceptAnything" }] }));
  await writeFile(files.registriesConf, "");
  await mkdir(files.registriesD);
  return files;
}

/** The environment of a copier: the machine's, with the isolated auth and registries files. */
function isolatedEnv(files: Isolation): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CONTAINERS_REGISTRIES_CONF: files.registriesConf,
    REGISTRY_AUTH_FILE: files.authFile,
  };
}

/** `skopeo copy` from `source` to `destination` (`host/repo:tag`), plain HTTP, anonymous. */
export function skopeoCopy(files: Isolation, source: string, destination: string): Command {
  const args = [
    "--policy",
    files.policy,
    "--registries.d",
    files.registriesD,
    "copy",
    "--src-tls-verify=false",
    "--dest-tls-verify=false",
    "--src-no-creds",
    "--dest-no-creds",
    `docker://${source}`,
    `docker://${destination}`,
  ];
  return { command: "skopeo", args, env: isolatedEnv(files) };
}

/** Our `mirror --insecure --json` from `source` to `destination`, run from build/. */
export function oursCopy(files: Isolation, source: string, destination: string): Command {
  const main = path.join(import.meta.dirname, "..", "src", "cli", "main.js");
  const args = [main, "mirror", "--insecure", "--json", source, destination];
  return { command: process.execPath, args, env: isolatedEnv(files) };
}

/** Our CLI with `args` (`plan --repo DIR --json`, …), run from build/. */
export function oursCommand(files: Isolation, args: readonly string[]): Command {
  const main = path.join(import.meta.dirname, "..", "src", "cli", "main.js");
  return { command: process.execPath, args: [main, ...args], env: isolatedEnv(files) };
}

/** skopeo with the isolation flags, then `args`. */
export function skopeoCommand(files: Isolation, args: readonly string[]): Command {
  const isolation = ["--policy", files.policy, "--registries.d", files.registriesD];
  return { command: "skopeo", args: [...isolation, ...args], env: isolatedEnv(files) };
}

/** A Node script of bench/ (built next to this file) with `args`. */
export function benchScript(files: Isolation, script: string, args: readonly string[]): Command {
  const file = path.join(import.meta.dirname, script);
  return { command: process.execPath, args: [file, ...args], env: isolatedEnv(files) };
}
