/**
 * `demo`, and `npm start` run exactly as the README's "Try it" writes it: a
 * child process in the project root, with its own TMPDIR so that what it
 * leaves behind can be seen. Real git, the OCI layouts shipped in
 * examples/offline, no network.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { access, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { findExamples, gitEnvironment } from "../../src/cli/demo-repository.ts";
import { git, gitTestEnv, tempDir } from "../support/git-repos.ts";
import { runInProcess } from "../support/run-cli.ts";
import { projectRoot } from "../support/temp-repo.ts";

const execFileAsync = promisify(execFile);

/** The README's first command: install (done by the suite already), then the demo. */
const readmeCommand = "npm ci && npm start";
/** What this test runs of it: `npm ci` is how the suite itself was installed and built. */
const demoCommand = "npm start";

/** The commands of the first code block under "## Try it", comments dropped. */
async function tryItCommands(): Promise<string[]> {
  const readme = await readFile(path.join(projectRoot, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## Try it"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block !== undefined, "README: no sh block under ## Try it");
  return block
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line !== "");
}

/** Every file under `dir` (relative path → sha256 of its bytes). */
async function fingerprint(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const hash = createHash("sha256")
      .update(await readFile(file))
      .digest("hex");
    files.set(path.relative(dir, file), hash);
  }
  return files;
}

async function gitStatus(): Promise<string> {
  const { stdout } = await execFileAsync("git", ["status", "--porcelain", "--ignored"], {
    cwd: projectRoot,
  });
  return stdout;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

describe("demo", () => {
  it("the README's first command is the one this test runs", async () => {
    const [first] = await tryItCommands();
    assert.equal(first, readmeCommand);
    assert.ok(readmeCommand.endsWith(`&& ${demoCommand}`));
  });

  it("npm start runs the whole reconcile offline, prints the pull request, and leaves nothing behind", async (t) => {
    const tmp = await tempDir(t, "isg-demo-test-");
    const examples = path.join(projectRoot, "examples");
    const before = { status: await gitStatus(), examples: await fingerprint(examples) };

    const { stdout, stderr } = await execFileAsync("sh", ["-c", demoCommand], {
      cwd: projectRoot,
      env: { ...process.env, TMPDIR: tmp },
      maxBuffer: 16 * 1024 * 1024,
    });

    assert.match(stdout, /STREAM +TAG +ACTION/, "the plan table");
    assert.match(stdout, /shared\/postgresql +15 +import +e0590aaf2e58 +[0-9a-f]{12} /);
    assert.match(stdout, /^Mirrors: 1 copied\.$/m);
    assert.match(stdout, /^Triggers: 1 to patch/m);
    assert.match(
      stdout,
      /^Branch imagestream-gitops\/update \(into main\): pushed [0-9a-f]{12}: a new branch\.$/m,
    );
    assert.match(stdout, /^Title: Update \d+ image stream tags in \d+ streams$/m);
    assert.match(stdout, /^### shared\/postgresql$/m, "the pull request's body");
    assert.match(stdout, /<!-- imagestream-gitops: fingerprint=[0-9a-f]{64} -->/);
    assert.match(
      stdout,
      /The remote's branch imagestream-gitops\/update, against main:\n.*ledger-db/,
    );
    assert.match(stdout, /^Demo done in [\d.]+ s \(exit status 0\)\.$/m);
    const removed = /^Removed (\S+) /m.exec(stdout)?.[1];
    assert.ok(removed !== undefined && removed.startsWith(tmp), stdout);
    assert.doesNotMatch(stderr, /error/i);

    assert.deepEqual(await readdir(tmp), [], "nothing left in the temporary directory");
    assert.deepEqual(await fingerprint(examples), before.examples, "examples/ unchanged");
    assert.equal(await gitStatus(), before.status, "the checkout unchanged");
  });

  it("--keep keeps the repository, its remote with the branch, and the mirrored layout", async (t) => {
    const genv = await gitTestEnv(t);
    const tmp = await tempDir(t, "isg-demo-test-");
    const result = await runInProcess(["demo", "--keep"], { ...genv.env, TMPDIR: tmp });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const [root, ...others] = await readdir(tmp);
    assert.ok(root !== undefined && others.length === 0, "one demo directory");
    const kept = path.join(tmp, root);
    assert.match(result.stdout, new RegExp(`^Kept ${kept} `, "m"));
    const remote = path.join(kept, "remote.git");
    const log = await git(remote, ["log", "--format=%s", "main..imagestream-gitops/update"], {});
    assert.equal(log.trim().split("\n").length, 1, "one commit above main");
    const mirrored = "offline/registries/registry.example.com/mirror/sclorg/ruby-33-c9s";
    assert.ok(await exists(path.join(kept, mirrored, "index.json")), "the mirror copy");
    assert.ok(!(await exists(path.join(kept, "repo", "offline"))), "offline/ is not in the repo");
  });

  it("answers --help and refuses an unknown option", async () => {
    const help = await runInProcess(["demo", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: imagestream-gitops demo/);
    const bad = await runInProcess(["demo", "--nope"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Usage: imagestream-gitops demo/);
  });

  it("finds the examples above its own directory, and says so when there are none", async (t) => {
    assert.equal(
      await findExamples(path.join(projectRoot, "build", "src", "cli")),
      path.join(projectRoot, "examples"),
    );
    const empty = await tempDir(t);
    await assert.rejects(findExamples(empty), { code: "INPUT_INVALID" });
  });

  it("runs git without the user's git config, GIT_* or ISG_* variables", () => {
    const env = gitEnvironment(
      {
        PATH: "/bin",
        EDITOR: "vi",
        GIT_DIR: "/x",
        ISG_GIT_TOKEN: "secret",
        GIT_CONFIG_GLOBAL: "/home/u/.gitconfig",
      },
      "/tmp/isg-demo-1",
    );
    assert.equal(env["PATH"], "/bin");
    assert.equal(env["GIT_DIR"], undefined);
    assert.equal(env["ISG_GIT_TOKEN"], undefined);
    assert.equal(env["GIT_CONFIG_GLOBAL"], "/tmp/isg-demo-1/gitconfig");
    assert.equal(env["GIT_CONFIG_NOSYSTEM"], "1");
    assert.equal(env["EDITOR"], undefined, "simple-git refuses EDITOR");
  });
});
