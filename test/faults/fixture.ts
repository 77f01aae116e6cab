/**
 * The world a fault scenario runs in: a real source registry holding one
 * small image and a real destination registry (both shared by the suite,
 * each scenario under its own repository path), a fault proxy in front of
 * each (new per scenario), and for `apply` and `reconcile` a GitOps
 * repository on a bare git remote, a clone of it, and a GitHub API server;
 * `reconcile`'s clone reaches its remote over smart HTTP (git http-backend,
 * which can refuse a push or drop its answer) with a git token.
 * Both registries serve TLS and want credentials, each from a canary of the
 * secret-hygiene suite (test/secrets/canaries.ts): the source (htpasswd)
 * through a credential helper, the destination (delegated token auth)
 * through a config.json `auths` entry; the forge and git tokens are canaries too, so
 * every run of the suite, failed or not, is scanned for them.
 * Also the oracles the runner checks the four properties with: skopeo for
 * the destination, git for the working tree and the remote branches.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.ts";
import {
  bareRepo,
  branchTip,
  cloneRepo,
  commitAsHuman,
  git,
  gitTestEnv,
  tempDir,
  type GitTestEnv,
} from "../support/git-repos.ts";
import { startGitHttpServer, type GitHttpServer } from "../support/git-http-server.ts";
import { GitHubServer } from "../support/github-server.ts";
import { followingDeployment, localTagStream } from "../support/local-tag-files.ts";
import { writeImage } from "../support/oci-image.ts";
import { startRegistry, type Registry } from "../support/registry-server.ts";
import { runInProcess, type CliResult } from "../support/run-cli.ts";
import {
  copyToDir,
  inspectRaw,
  listTags,
  pushLayout,
  type SkopeoOptions,
} from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";
import type { Certificates } from "../support/tls.ts";
import { startTokenRegistry } from "../support/token-registry.ts";
import type { TokenServer } from "../support/token-server.ts";
import { canaries } from "../secrets/canaries.ts";

export const branch = "imagestream-gitops/update";
const forgeToken = canaries.forge;
/** The credential helper's name (`docker-credential-isg-faults` on PATH). */
const helperName = "isg-faults";
const main = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const now = () => new Date("2026-11-23T12:00:00Z");

/** What every scenario shares: the two registries, the source image, a git environment. */
export interface Shared {
  /** TLS, htpasswd: user `helper`, the credential helper's canary. */
  readonly src: Registry;
  /** TLS, delegated token auth: user `alice`, the config.json canary. */
  readonly dst: Registry;
  /** The destination's token server; its `issued` tokens are secrets too. */
  readonly tokens: TokenServer;
  /** The test CA and the server certificate every server (and proxy) serves. */
  readonly certs: Certificates;
  readonly genv: GitTestEnv;
  /** PATH with the credential helper first. */
  readonly path: string;
  /** `team/app:1.0` on `src`: its digest and raw manifest bytes. */
  readonly digest: string;
  readonly raw: Buffer;
  /** How skopeo, the oracle, reaches the destination registry directly. */
  readonly dstOracle: SkopeoOptions;
}

export async function startShared(t: TestContext): Promise<Shared> {
  const [tokenPair, genv] = await Promise.all([
    startTokenRegistry(t, {
      users: { alice: canaries.basic },
      issuer: "isg-faults",
      service: "isg-faults-registry",
      grant: (user, scope) => (user === undefined ? [] : scope.actions),
    }),
    gitTestEnv(t),
  ]);
  const { certs, tokens, registry: dst } = tokenPair;
  const src = await startRegistry(t, {
    tls: true,
    certificates: certs,
    auth: { kind: "htpasswd", username: "helper", password: canaries.helper },
  });
  const layout = await tempRepo(t, {});
  const image = await writeImage(layout, { tag: "1.0", layers: 3, seed: "fault-suite" });
  const srcOracle = { certDir: certs.caDir, creds: `helper:${canaries.helper}` };
  await pushLayout(layout, "1.0", `${src.host}/team/app:1.0`, srcOracle);
  const bin = path.join(await tempDir(t, "isg-faults-bin-"), "bin");
  await mkdir(bin);
  const helper = path.join(bin, `docker-credential-${helperName}`);
  // Docker's credential helper protocol: `get` reads the server URL, prints the credentials.
  await writeFile(
    helper,
    `#!/bin/sh
read url
printf '{"ServerURL":"%s","Username":"helper","Secret":"${canaries.helper}"}\n' "$url"
`,
  );
  await chmod(helper, 0o755);
  return {
    src,
    dst,
    tokens,
    certs,
    genv,
    path: `${bin}:${process.env["PATH"] ?? "/usr/bin:/bin"}`,
    digest: image.digest,
    raw: await inspectRaw(`${src.host}/team/app:1.0`, srcOracle),
    dstOracle: { certDir: certs.caDir, creds: `alice:${canaries.basic}` },
  };
}

/** The command a scenario runs, as a user runs it. */
export type Command = "mirror" | "apply" | "reconcile";

/** One scenario's world. */
export interface World {
  readonly shared: Shared;
  readonly command: Command;
  /** A name unique to the scenario: its repository path on the destination. */
  readonly slug: string;
  readonly srcProxy: FaultProxy;
  readonly dstProxy: FaultProxy;
  /** The destination repository on the real registry (`slug/app` or `slug/demo/app`). */
  readonly dstRepo: string;
  /** DOCKER_CONFIG: a config.json naming the proxies' hosts (new ports each scenario). */
  readonly dockerConfig: string;
  /** Registry settings for `mirror --config`: the CA of every host. */
  readonly mirrorConfig: string;
  /** For apply and reconcile: the bare remote and the clone the command runs in. */
  readonly bare?: string;
  readonly clone?: string;
  /** For reconcile. */
  readonly github?: GitHubServer;
  /** For reconcile: the smart-HTTP server the clone's `origin` names. */
  readonly gitServer?: GitHttpServer;
  /** Workload files holding a trigger (apply and reconcile). */
  readonly workloads: readonly string[];
  /** Faults injected outside the proxies and the forge (a race, a kill), counted by the scenario. */
  extraFaults: number;
  /** Where main was moved to by someone else during the run, when the remote races. */
  raced?: string;
}

/** Builds a scenario's world; `workloads` is how many workload files the repository holds. */
export async function makeWorld(
  t: TestContext,
  shared: Shared,
  command: Command,
  slug: string,
  workloads = 1,
): Promise<World> {
  const upstream = (r: Registry) => ({
    url: r.url,
    caPem: shared.certs.ca.certPem,
    certificates: shared.certs,
  });
  const [srcProxy, dstProxy] = await Promise.all([
    startFaultProxy(t, upstream(shared.src)),
    startFaultProxy(t, upstream(shared.dst)),
  ]);
  const registries = `registries:
  "${srcProxy.host}": {ca: ca.pem}
  "${dstProxy.host}": {ca: ca.pem}
  "${shared.tokens.host}": {ca: ca.pem}
`;
  const dir = await tempDir(t, "isg-faults-auth-");
  const dockerConfig = path.join(dir, "docker");
  await mkdir(dockerConfig);
  const basic = Buffer.from(`alice:${canaries.basic}`).toString("base64");
  await writeFile(
    path.join(dockerConfig, "config.json"),
    JSON.stringify({
      auths: { [dstProxy.host]: { auth: basic } },
      credHelpers: { [srcProxy.host]: helperName },
    }),
  );
  await writeFile(path.join(dir, "ca.pem"), shared.certs.ca.certPem);
  const mirrorConfig = path.join(dir, "imagestream-gitops.yaml");
  await writeFile(mirrorConfig, registries);
  const base = {
    shared,
    command,
    slug,
    srcProxy,
    dstProxy,
    dockerConfig,
    mirrorConfig,
    extraFaults: 0,
  };
  if (command === "mirror") return { ...base, dstRepo: `${slug}/app`, workloads: [] };
  const names = Array.from(
    { length: workloads },
    (_, i) => `apps/web-${String(i).padStart(3, "0")}.yaml`,
  );
  const files: Record<string, string> = {
    "imagestream-gitops.yaml": `localRegistry: ${dstProxy.host}/${slug}
importMode: PreserveOriginal
${registries}`,
    "ca.pem": shared.certs.ca.certPem,
    "streams.yaml": localTagStream(srcProxy.host),
  };
  for (const [i, name] of names.entries()) files[name] = followingDeployment(`web-${String(i)}`);
  const bare = await bareRepo(shared.genv, files);
  let github: GitHubServer | undefined;
  if (command === "reconcile") {
    github = await GitHubServer.start({
      owner: "acme",
      repo: "gitops",
      token: forgeToken,
      gitDir: bare,
    });
    t.after(() => github?.close());
    const seed = await cloneRepo(shared.genv, bare);
    const config = `${files["imagestream-gitops.yaml"] ?? ""}pullRequest:
  forge: github
  apiUrl: ${github.url}
  repository: acme/gitops
`;
    await commitAsHuman(
      seed,
      { "imagestream-gitops.yaml": config },
      "configure pull requests",
      shared.genv.env,
    );
    await git(seed, ["push", "-q", "origin", "HEAD:main"], shared.genv.env);
  }
  const clone = await cloneRepo(shared.genv, bare);
  let gitServer: GitHttpServer | undefined;
  if (command === "reconcile") {
    gitServer = await startGitHttpServer(t, shared.genv.root, canaries.git);
    const url = `${gitServer.origin}/${path.relative(shared.genv.root, bare)}`;
    await git(clone, ["remote", "set-url", "origin", url], shared.genv.env);
  }
  return {
    ...base,
    dstRepo: `${slug}/demo/app`,
    bare,
    clone,
    workloads: names,
    ...(github === undefined ? {} : { github }),
    ...(gitServer === undefined ? {} : { gitServer }),
  };
}

/** The command line of `world`'s command. */
export function commandLine(world: World): string[] {
  switch (world.command) {
    case "mirror":
      return [
        "mirror",
        "--config",
        world.mirrorConfig,
        `${world.srcProxy.host}/team/app:1.0`,
        `${world.dstProxy.host}/${world.dstRepo}:1.0`,
      ];
    case "apply":
      return ["apply", "--repo", world.clone ?? ""];
    case "reconcile":
      return ["reconcile", "--repo", world.clone ?? ""];
  }
}

/** The environment the command runs with. */
export function commandEnv(
  world: World,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    ...world.shared.genv.env,
    ISG_FORGE_TOKEN: forgeToken,
    ISG_GIT_TOKEN: canaries.git,
    DOCKER_CONFIG: world.dockerConfig,
    PATH: world.shared.path,
    ...extra,
  };
}

/** Runs the command in this process. */
export function runCommand(
  world: World,
  env: Readonly<Record<string, string>> = {},
): Promise<CliResult> {
  return runInProcess(commandLine(world), commandEnv(world, env), { now });
}

/** A run of the built CLI as a child process, killed with SIGKILL once `when` holds. */
export interface KilledRun extends CliResult {
  readonly signal: NodeJS.Signals | null;
}

export async function runKilled(
  world: World,
  when: () => boolean | Promise<boolean>,
  env: Readonly<Record<string, string>> = {},
): Promise<KilledRun> {
  const child = spawn(process.execPath, [main, ...commandLine(world)], {
    env: commandEnv(world, env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  const state = { exited: false };
  void exited.then(() => (state.exited = true));
  // Polls the condition; a run that ends first is reported as it ended.
  for (let i = 0; i < 2000 && !state.exited; i++) {
    if (await when()) {
      child.kill("SIGKILL");
      break;
    }
    await sleep(5);
  }
  const [code, signal] = await exited;
  return { code: code ?? -1, signal, stdout, stderr };
}

/** Whether `ref` (on a real registry) can be pulled whole: every manifest and blob, digests checked. */
export async function complete(
  t: TestContext,
  ref: string,
  options: SkopeoOptions,
): Promise<boolean> {
  const dir = await tempDir(t, "isg-faults-pull-");
  try {
    await copyToDir(ref, path.join(dir, "image"), options);
    return true;
  } catch {
    return false;
  }
}

/**
 * Tags of the destination repository that point at an image that cannot
 * be pulled whole (data lost: a tag to an incomplete image), and the tags.
 */
export async function incompleteTags(
  t: TestContext,
  world: World,
): Promise<{ tags: string[]; incomplete: string[] }> {
  const repo = `${world.shared.dst.host}/${world.dstRepo}`;
  let tags: string[];
  try {
    tags = await listTags(repo, world.shared.dstOracle);
  } catch (err) {
    if (/name unknown|repository name not known|not found/i.test(String(err)))
      return { tags: [], incomplete: [] };
    throw err;
  }
  const incomplete: string[] = [];
  for (const tag of tags)
    if (!(await complete(t, `${repo}:${tag}`, world.shared.dstOracle))) incomplete.push(tag);
  return { tags, incomplete };
}

/** Whether the destination tag 1.0 holds the source image, byte for byte, and whole. */
export async function mirrored(t: TestContext, world: World): Promise<boolean> {
  const ref = `${world.shared.dst.host}/${world.dstRepo}:1.0`;
  try {
    const raw = await inspectRaw(ref, world.shared.dstOracle);
    return raw.equals(world.shared.raw) && (await complete(t, ref, world.shared.dstOracle));
  } catch {
    return false;
  }
}

/** The pull spec the triggers point at once the job is done. */
export function copiedSpec(world: World): string {
  return `${world.dstProxy.host}/${world.dstRepo}@${world.shared.digest}`;
}

/** The `image:` values of the workload files in `texts`. */
export function images(texts: readonly string[]): string[] {
  return texts.map((text) => /^\s+image: (\S+)$/m.exec(text)?.[1] ?? "");
}

/** Every workload file's text in the clone's working tree. */
export async function workingWorkloads(world: World): Promise<string[]> {
  return Promise.all(world.workloads.map((f) => readFile(path.join(world.clone ?? "", f), "utf8")));
}

/** Every workload file's text at `ref` of the bare remote. */
export async function remoteWorkloads(world: World, ref: string): Promise<string[]> {
  return Promise.all(
    world.workloads.map((f) =>
      git(world.bare ?? "", ["show", `${ref}:${f}`], world.shared.genv.env),
    ),
  );
}

/** `git status --porcelain` of the clone. */
export function status(world: World): Promise<string> {
  return git(
    world.clone ?? "",
    ["status", "--porcelain", "--untracked-files=all"],
    world.shared.genv.env,
  );
}

/** The tips of main and the update branch on the remote. */
export async function tips(world: World): Promise<{ main?: string; update?: string }> {
  const env = world.shared.genv.env;
  const [mainTip, update] = await Promise.all([
    branchTip(world.bare ?? "", "main", env),
    branchTip(world.bare ?? "", branch, env),
  ]);
  return {
    ...(mainTip === undefined ? {} : { main: mainTip }),
    ...(update === undefined ? {} : { update }),
  };
}

/**
 * Makes the remote race the run: the first push it receives finds `main`
 * moved by someone else (a commit touching README.md only) and is declined
 * by a pre-receive hook that, like a forge's "require branches to be up to
 * date" rule, accepts only commits built on main's tip. Later pushes meet
 * the same rule without the race. Returns the sha main moves to.
 */
export async function raceTheRemote(world: World): Promise<string> {
  const env = world.shared.genv.env;
  const bare = world.bare ?? "";
  const side = await cloneRepo(world.shared.genv, bare);
  const sha = await commitAsHuman(
    side,
    { "README.md": "someone else's change\n" },
    "someone else on main",
    env,
  );
  await git(side, ["push", "-q", "origin", "HEAD:refs/race/main"], env);
  await writeFile(path.join(bare, "race-sha"), `${sha}\n`);
  const hook = path.join(bare, "hooks", "pre-receive");
  await writeFile(
    hook,
    `#!/bin/sh
# The race: someone else's commit lands on main while this push is in flight.
if [ -e race-sha ]; then
  env -u GIT_QUARANTINE_PATH git update-ref refs/heads/main "$(cat race-sha)" || exit 1
  rm race-sha
fi
main=$(git rev-parse refs/heads/main)
while read -r old new ref; do
  case "$ref" in refs/heads/main) continue ;; esac
  [ "$new" = 0000000000000000000000000000000000000000 ] && continue
  if ! git merge-base --is-ancestor "$main" "$new"; then
    echo "$ref is not built on main ($main): the base moved" >&2
    exit 1
  fi
done
exit 0
`,
  );
  await chmod(hook, 0o755);
  return sha;
}

/** The contents of `file` in the clone, or undefined. */
export async function readClone(world: World, file: string): Promise<string | undefined> {
  return readFile(path.join(world.clone ?? "", file), "utf8").catch(() => undefined);
}
