/**
 * The git workspace against real git: bare repositories on disk as remotes,
 * a local checkout that must stay untouched, and a git http-backend over
 * HTTP with a token that must never leak.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { openWorkspace } from "../../src/publish/git/git-workspace.ts";
import { GitError } from "../../src/publish/git/git-error.ts";
import { buildGitEnvironment, tokenOrigin } from "../../src/publish/git/git-environment.ts";
import type { Workspace, WorkspaceOptions } from "../../src/publish/git/workspace.ts";
import {
  bareRepo,
  branchTip,
  cloneRepo,
  git,
  gitTestEnv,
  human,
  pushAsSomeoneElse,
  type GitTestEnv,
} from "../support/git-repos.ts";
import { startGitHttpServer } from "../support/git-http-server.ts";

const execFileAsync = promisify(execFile);

const bot = { name: "imagestream-gitops", email: "bot@example.com" } as const;
const seedFiles = { "streams/app.yaml": "kind: ImageStream\n", "README.md": "hello\n" } as const;
const thisProcess = {
  pid: process.pid,
  signalZero: (pid: number) => {
    process.kill(pid, 0);
  },
};

/** Opens a workspace disposed when `t` ends. */
async function open(
  t: TestContext,
  genv: GitTestEnv,
  options: Partial<WorkspaceOptions> & { readonly repo: string },
): Promise<Workspace> {
  const workspace = await openWorkspace({
    base: "main",
    env: genv.env,
    tmpDir: genv.root,
    runProcess: thisProcess,
    ...options,
  });
  t.after(() => workspace.dispose());
  return workspace;
}

/** Changes a file in the work tree and commits it as the bot. */
async function commitChange(workspace: Workspace, contents: string, message = "update app") {
  await writeFile(path.join(workspace.dir, "streams/app.yaml"), contents);
  const commit = await workspace.commit({ message, author: bot });
  assert.ok(commit, "the change is committed");
  return commit;
}

/** What a person sees of a checkout: HEAD, status, branches, worktrees. */
async function checkoutState(dir: string, env: Readonly<Record<string, string>>) {
  const run = (args: readonly string[]) => git(dir, args, env);
  return {
    head: await run(["rev-parse", "HEAD"]),
    symbolic: await run(["symbolic-ref", "HEAD"]),
    status: await run(["status", "--porcelain=v1", "--untracked-files=all"]),
    branches: await run(["for-each-ref", "refs/heads"]),
    worktrees: await run(["worktree", "list", "--porcelain"]),
    index: await readFile(path.join(dir, ".git/index")),
  };
}

describe("git workspace on a bare repository", () => {
  it("works from a local checkout without touching it, and pushes a new branch", async (t) => {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, seedFiles);
    const checkout = await cloneRepo(genv, bare);
    await writeFile(path.join(checkout, "README.md"), "edited by the developer\n");
    await writeFile(path.join(checkout, "untracked.txt"), "mine\n");
    const before = await checkoutState(checkout, genv.env);

    const workspace = await openWorkspace({
      repo: checkout,
      base: "main",
      env: genv.env,
      tmpDir: genv.root,
      runProcess: thisProcess,
    });
    assert.equal(workspace.baseSha, await branchTip(bare, "main", genv.env));
    assert.equal(workspace.remoteUrl, bare);
    assert.equal(await readFile(path.join(workspace.dir, "README.md"), "utf8"), "hello\n");
    const commit = await commitChange(workspace, "kind: ImageStream\nspec: {}\n");
    assert.deepEqual(await workspace.push("isg/update", commit.sha, undefined), { pushed: true });
    assert.equal(await branchTip(bare, "isg/update", genv.env), commit.sha);

    const remote = await workspace.remoteBranch("isg/update");
    assert.deepEqual(remote, {
      sha: commit.sha,
      parents: [workspace.baseSha],
      message: "update app",
      author: bot,
      committer: bot,
      tree: commit.tree,
    });
    await workspace.dispose();
    await workspace.dispose();
    const after = await checkoutState(checkout, genv.env);
    assert.deepEqual({ ...after, index: undefined }, { ...before, index: undefined });
    assert.ok(after.index.equals(before.index), "the checkout's index is unchanged");
  });

  it("works from a checkout whose remote is a relative path", async (t) => {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, seedFiles);
    const checkout = await cloneRepo(genv, bare);
    await git(checkout, ["remote", "set-url", "origin", path.relative(checkout, bare)], genv.env);
    const workspace = await open(t, genv, { repo: checkout });
    const commit = await commitChange(workspace, "relative\n");
    assert.deepEqual(await workspace.push("isg/update", commit.sha, undefined), { pushed: true });
    assert.equal(await branchTip(bare, "isg/update", genv.env), commit.sha);
    assert.equal((await workspace.remoteBranch("isg/update"))?.sha, commit.sha);
  });

  it("lists branches by prefix, reads a file at a commit, and resets to the base", async (t) => {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, seedFiles);
    const workspace = await open(t, genv, { repo: bare });
    const first = await commitChange(workspace, "one\n");
    await workspace.push("isg/update-a/x", first.sha, undefined);
    await workspace.push("isg/update-b/y", first.sha, undefined);
    await workspace.push("isg/other", first.sha, undefined);
    assert.deepEqual(await workspace.remoteBranches("isg/update-"), [
      "isg/update-a/x",
      "isg/update-b/y",
    ]);
    assert.equal(await workspace.readFile(first.sha, "streams/app.yaml"), "one\n");
    assert.equal(await workspace.readFile(first.sha, "missing.yaml"), undefined);

    await writeFile(path.join(workspace.dir, "untracked.txt"), "x\n");
    await workspace.reset();
    assert.equal(
      await readFile(path.join(workspace.dir, "streams/app.yaml"), "utf8"),
      seedFiles["streams/app.yaml"],
    );
    await assert.rejects(readFile(path.join(workspace.dir, "untracked.txt")), { code: "ENOENT" });
    const second = await commitChange(workspace, "two\n");
    const tip = await workspace.remoteBranch("isg/other");
    assert.ok(tip !== undefined);
    await workspace.push("isg/next", second.sha, undefined);
    assert.deepEqual(
      (await workspace.remoteBranch("isg/next"))?.parents,
      [workspace.baseSha],
      "after a reset, commits sit on the base",
    );
  });

  it("pushes again with the right lease, and reports a stale lease without overwriting", async (t) => {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, seedFiles);
    const workspace = await open(t, genv, { repo: bare });
    const first = await commitChange(workspace, "first\n");
    assert.deepEqual(await workspace.push("isg/update", first.sha, undefined), { pushed: true });
    const second = await commitChange(workspace, "second\n");
    assert.deepEqual(await workspace.push("isg/update", second.sha, first.sha), { pushed: true });
    assert.equal(await branchTip(bare, "isg/update", genv.env), second.sha);

    const theirs = await pushAsSomeoneElse(genv, bare, "isg/update", { "x.txt": "theirs\n" });
    const third = await commitChange(workspace, "third\n");
    const result = await workspace.push("isg/update", third.sha, second.sha);
    assert.ok(!result.pushed, "the lease refuses the push");
    assert.equal(result.reason, "stale-lease");
    assert.match(result.detail, /stale info/);
    assert.equal(await branchTip(bare, "isg/update", genv.env), theirs);
    const created = await workspace.push("isg/update", third.sha, undefined);
    assert.equal(created.pushed, false, "undefined lease: the branch must not exist");
  });

  it("opens at the base's new tip after the base moved", async (t) => {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, seedFiles);
    const checkout = await cloneRepo(genv, bare);
    const old = await open(t, genv, { repo: checkout });
    const moved = await pushAsSomeoneElse(genv, bare, "main", { "new.txt": "new\n" });
    assert.notEqual(old.baseSha, moved);
    for (const repo of [checkout, bare]) {
      const workspace = await open(t, genv, { repo });
      assert.equal(workspace.baseSha, moved);
      assert.equal(await readFile(path.join(workspace.dir, "new.txt"), "utf8"), "new\n");
      const commit = await commitChange(workspace, "on the new base\n");
      assert.deepEqual(
        (await git(workspace.dir, ["rev-parse", `${commit.sha}^`], genv.env)).trim(),
        moved,
      );
    }
  });

  it("leaves the checkout's FETCH_HEAD alone and no ref of its own behind", async (t) => {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, seedFiles);
    const checkout = await cloneRepo(genv, bare);
    await git(checkout, ["fetch", "-q", "origin", "main"], genv.env);
    const fetchHead = await readFile(path.join(checkout, ".git/FETCH_HEAD"), "utf8");
    const refs = await git(checkout, ["for-each-ref"], genv.env);
    await pushAsSomeoneElse(genv, bare, "main", { "new.txt": "new\n" });
    const workspace = await open(t, genv, { repo: checkout });
    assert.equal(workspace.baseSha, await branchTip(bare, "main", genv.env));
    assert.equal(await readFile(path.join(checkout, ".git/FETCH_HEAD"), "utf8"), fetchHead);
    assert.equal(await git(checkout, ["for-each-ref"], genv.env), refs);
  });

  it("runs started at once from one checkout each open at their own base's tip", async (t) => {
    // The checkout's FETCH_HEAD is shared: a run reading it back could get another run's base.
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, seedFiles);
    await pushAsSomeoneElse(genv, bare, "release", { "release.txt": "r\n" });
    const checkout = await cloneRepo(genv, bare);
    for (let round = 0; round < 3; round++) {
      const tips = {
        main: await pushAsSomeoneElse(genv, bare, "main", {
          "round.txt": `main ${String(round)}\n`,
        }),
        release: await pushAsSomeoneElse(genv, bare, "release", {
          "round.txt": `release ${String(round)}\n`,
        }),
      };
      const bases = ["main", "release", "main", "release", "main", "release"] as const;
      const opened = await Promise.all(
        bases.map((base) => open(t, genv, { repo: checkout, base })),
      );
      assert.deepEqual(
        opened.map((w) => w.baseSha),
        bases.map((base) => tips[base]),
      );
      await Promise.all(opened.map((w) => w.dispose()));
    }
    const trees = await git(checkout, ["worktree", "list", "--porcelain"], genv.env);
    assert.equal(trees.trim().split("\n\n").length, 1, trees);
  });

  it("commits nothing when the work tree has no change, and everything when it has", async (t) => {
    const genv = await gitTestEnv(t);
    const workspace = await open(t, genv, { repo: await bareRepo(genv, seedFiles) });
    assert.equal(await workspace.commit({ message: "nothing", author: bot }), undefined);
    await writeFile(path.join(workspace.dir, "streams/app.yaml"), "kind: ImageStream\n");
    assert.equal(await workspace.commit({ message: "same bytes", author: bot }), undefined);
    await writeFile(path.join(workspace.dir, "added.yaml"), "a: 1\n");
    await rm(path.join(workspace.dir, "README.md"));
    const commit = await workspace.commit({
      message: "add and delete",
      author: bot,
      committer: human,
    });
    assert.ok(commit);
    const names = await git(
      workspace.dir,
      ["show", "--name-status", "--format=%an|%cn", commit.sha],
      genv.env,
    );
    assert.match(names, /^imagestream-gitops\|A Human\n/);
    assert.match(names, /^A\tadded\.yaml$/m);
    assert.match(names, /^D\tREADME\.md$/m);
  });

  it("deletes a branch only with the right lease; a branch already gone is success", async (t) => {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, seedFiles);
    const workspace = await open(t, genv, { repo: bare });
    const commit = await commitChange(workspace, "doomed\n");
    await workspace.push("isg/update", commit.sha, undefined);
    const stale = await workspace.deleteBranch("isg/update", workspace.baseSha);
    assert.equal(stale.pushed, false);
    assert.equal(await branchTip(bare, "isg/update", genv.env), commit.sha);
    assert.deepEqual(await workspace.deleteBranch("isg/update", commit.sha), { pushed: true });
    assert.equal(await branchTip(bare, "isg/update", genv.env), undefined);
    assert.deepEqual(await workspace.deleteBranch("isg/update", commit.sha), { pushed: true });
    assert.equal(await workspace.remoteBranch("isg/update"), undefined);
  });

  it("clones a bare repository by path shallowly, leaving the path alone", async (t) => {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, seedFiles);
    await pushAsSomeoneElse(genv, bare, "main", { "second.txt": "2\n" });
    const workspace = await open(t, genv, { repo: bare });
    assert.equal(workspace.remoteUrl, bare);
    assert.equal(
      (await git(workspace.dir, ["rev-parse", "--is-shallow-repository"], genv.env)).trim(),
      "true",
    );
    assert.equal((await git(workspace.dir, ["rev-list", "--count", "HEAD"], genv.env)).trim(), "1");
  });

  it("fails with GIT errors naming what is missing", async (t) => {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, seedFiles);
    const checkout = await cloneRepo(genv, bare);
    const cases = [
      {
        name: "no such remote",
        options: { repo: checkout, remote: "upstream" },
        want: /no remote "upstream"/,
      },
      { name: "no such base", options: { repo: bare, base: "trunk" }, want: /trunk/ },
      {
        name: "bad base name",
        options: { repo: bare, base: "a:b" },
        want: /invalid branch name "a:b"/,
      },
    ];
    for (const c of cases) {
      await assert.rejects(open(t, genv, c.options), (err: unknown) => {
        assert.ok(err instanceof GitError, c.name);
        assert.equal(err.code, "GIT");
        assert.match(err.message, c.want, c.name);
        return true;
      });
    }
    const workspace = await open(t, genv, { repo: bare });
    await assert.rejects(workspace.push("x", "HEAD", undefined), {
      code: "GIT",
      message: /invalid commit sha/,
    });
    await assert.rejects(workspace.remoteBranch("-x..y"), { code: "GIT" });
  });
});

describe("git workspace over HTTP with a token", () => {
  const token = "s3cr3t-t0ken-value";

  async function served(t: TestContext) {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, seedFiles);
    await rename(bare, path.join(genv.root, "app.git"));
    const server = await startGitHttpServer(t, genv.root, token);
    return { genv, server, url: `${server.origin}/app.git`, bare: path.join(genv.root, "app.git") };
  }

  it("clones by URL shallowly, pushes with the token in a header only", async (t) => {
    const { genv, server, url, bare } = await served(t);
    const workspace = await open(t, genv, { repo: url, token });
    assert.equal(workspace.remoteUrl, url);
    const commit = await commitChange(workspace, "over http\n");
    assert.deepEqual(await workspace.push("isg/update", commit.sha, undefined), { pushed: true });
    assert.equal(await branchTip(bare, "isg/update", genv.env), commit.sha);
    assert.equal((await workspace.remoteBranch("isg/update"))?.sha, commit.sha);
    const other = await pushAsSomeoneElse(genv, bare, "isg/update", { "x.txt": "x\n" });
    const next = await commitChange(workspace, "again\n");
    const refused = await workspace.push("isg/update", next.sha, commit.sha);
    assert.ok(!refused.pushed, "the lease refuses the push");
    assert.ok(!refused.detail.includes(token));
    assert.equal(await branchTip(bare, "isg/update", genv.env), other);

    const config = await readFile(path.join(workspace.dir, ".git/config"), "utf8");
    assert.ok(
      !config.includes(token) && !config.includes(base64(token)),
      ".git/config holds no token",
    );
    assert.ok(server.requests.length > 0);
    assert.ok(
      server.requests.every((r) => r.authorized),
      "every request carried the token",
    );
    assert.ok(
      server.requests.some((r) => r.method === "POST" && r.url.endsWith("git-receive-pack")),
    );
    assert.ok(
      server.requests.every((r) => !r.url.includes(token)),
      "no URL holds the token",
    );
    assert.equal((await fetch(`${url}/info/refs?service=git-upload-pack`)).status, 401);
  });

  it("fails without the token or with a wrong one, never naming it", async (t) => {
    const { genv, server, url } = await served(t);
    const wrong = "wr0ng-t0ken-value";
    for (const options of [{ repo: url }, { repo: url, token: wrong }]) {
      await assert.rejects(open(t, genv, options), (err: unknown) => {
        assert.ok(err instanceof GitError);
        assert.equal(err.subcommand, "clone");
        assert.equal(typeof err.exitCode, "number");
        const text = `${err.message}\n${err.stderr}\n${err.stack ?? ""}`;
        assert.ok(!text.includes(wrong) && !text.includes(base64(wrong)), text);
        return true;
      });
    }
    assert.ok(server.requests.length >= 2);
    assert.ok(server.requests.every((r) => !r.authorized));
    assert.ok(
      server.requests.some((r) => r.authorizationSent),
      "the wrong token was sent, in a header",
    );
  });

  it("keeps the caller's own GIT_CONFIG_COUNT entries beside the token's", async (t) => {
    const { genv, url } = await served(t);
    const env = {
      ...genv.env,
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: `url.${url}.insteadOf`,
      GIT_CONFIG_VALUE_0: "https://git.example.invalid/app.git",
    };
    const workspace = await open(t, genv, {
      repo: "https://git.example.invalid/app.git",
      token,
      env,
    });
    const commit = await commitChange(workspace, "rewritten\n");
    assert.deepEqual(await workspace.push("isg/update", commit.sha, undefined), { pushed: true });
  });
});

function base64(secret: string): string {
  return Buffer.from(`x-access-token:${secret}`).toString("base64");
}

describe("git workspace and the user's git configuration", () => {
  it("signs as the user's global config says, and not when asked not to", async (t) => {
    const genv = await gitTestEnv(t);
    const key = path.join(genv.root, "signing-key");
    await execFileAsync("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
    const config = `[gpg]\n\tformat = ssh\n[user]\n\tsigningkey = ${key}.pub\n[commit]\n\tgpgsign = true\n`;
    await writeFile(genv.globalConfig, config);
    const workspace = await open(t, genv, { repo: await bareRepo(genv, seedFiles) });
    const signed = await commitChange(workspace, "signed\n");
    assert.match(
      await git(workspace.dir, ["cat-file", "-p", signed.sha], genv.env),
      /^gpgsig -----BEGIN SSH SIGNATURE-----/m,
    );
    await writeFile(path.join(workspace.dir, "streams/app.yaml"), "unsigned\n");
    const unsigned = await workspace.commit({ message: "unsigned", author: bot, sign: false });
    assert.ok(unsigned);
    assert.doesNotMatch(
      await git(workspace.dir, ["cat-file", "-p", unsigned.sha], genv.env),
      /^gpgsig/m,
    );
  });

  it("honours inherited GIT_* variables such as GIT_CONFIG_GLOBAL", async (t) => {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, seedFiles);
    const alias = "https://git.example.invalid/team/app.git";
    const other = path.join(genv.root, "ci-gitconfig");
    await writeFile(other, `[url "${pathToFileURL(bare).href}"]\n\tinsteadOf = ${alias}\n`);
    const env = {
      ...genv.env,
      GIT_CONFIG_GLOBAL: other,
      GIT_SSH_COMMAND: "ssh -o BatchMode=yes",
      EDITOR: "false",
    };
    const workspace = await open(t, genv, { repo: alias, env });
    assert.equal(workspace.baseSha, await branchTip(bare, "main", genv.env));
    const commit = await commitChange(workspace, "via insteadOf\n");
    assert.deepEqual(await workspace.push("isg/update", commit.sha, undefined), { pushed: true });
    assert.equal(await branchTip(bare, "isg/update", genv.env), commit.sha);
  });
});

describe("git workspace guards", () => {
  it("runs none of the checkout's hooks, not even those --no-verify leaves on", async (t) => {
    const genv = await gitTestEnv(t);
    const bare = await bareRepo(genv, seedFiles);
    const checkout = await cloneRepo(genv, bare);
    const marker = path.join(genv.root, "hook-ran");
    for (const hook of [
      "prepare-commit-msg",
      "commit-msg",
      "post-commit",
      "pre-commit",
      "pre-push",
    ]) {
      const file = path.join(checkout, ".git", "hooks", hook);
      await writeFile(
        file,
        `#!/bin/sh\necho ${hook} >> "${marker}"\n[ -n "$1" ] && echo HOOKED >> "$1"\nexit 0\n`,
      );
      await chmod(file, 0o755);
    }
    const workspace = await open(t, genv, { repo: checkout });
    const commit = await commitChange(
      workspace,
      "hooked?\n",
      "message\n\nImagestream-Gitops-Fingerprint: abc",
    );
    assert.deepEqual(await workspace.push("isg/update", commit.sha, undefined), { pushed: true });
    const tip = await workspace.remoteBranch("isg/update");
    assert.equal(
      tip?.message,
      "message\n\nImagestream-Gitops-Fingerprint: abc",
      "the message as written",
    );
    await assert.rejects(stat(marker), { code: "ENOENT" }, "no hook ran");
  });

  it("refuses to send a token over plain http to a host other than loopback, before connecting", async (t) => {
    const genv = await gitTestEnv(t);
    await assert.rejects(
      open(t, genv, { repo: "http://git.example.invalid/app.git", token: "secret-token-1" }),
      (err: unknown) =>
        err instanceof GitError &&
        /refusing to send a token over plain http to git\.example\.invalid/.test(err.message) &&
        !err.message.includes("secret-token-1"),
    );
  });

  it("scopes the token's header to the origin git connects to", () => {
    assert.deepEqual(tokenOrigin("https://github.com/acme/gitops.git"), {
      origin: "https://github.com",
    });
    assert.deepEqual(tokenOrigin("http://127.0.0.1:8080/x.git"), {
      origin: "http://127.0.0.1:8080",
    });
    assert.equal(tokenOrigin("http://gitlab.example.com/x.git"), "refused");
    assert.equal(tokenOrigin("git@github.com:acme/gitops.git"), undefined);
    assert.equal(tokenOrigin("ssh://git@github.com/acme/gitops.git"), undefined);
    const env = buildGitEnvironment(
      { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "a.b", GIT_CONFIG_VALUE_0: "c" },
      { token: "t", user: "x-access-token" },
      { tokenOrigin: "https://github.com", hooksPath: "/tmp/none" },
    );
    assert.equal(env["GIT_CONFIG_KEY_0"], "a.b", "the caller's entry kept");
    assert.equal(env["GIT_CONFIG_KEY_1"], "core.hooksPath");
    assert.equal(env["GIT_CONFIG_KEY_2"], "http.https://github.com/.extraHeader");
    assert.equal(env["GIT_CONFIG_COUNT"], "3");
  });
});

describe("git errors", () => {
  const cases = [
    {
      name: "authorization header",
      input: "Authorization: Basic eHl6\nnext",
      want: "Authorization: ***\nnext",
    },
    {
      name: "http user info",
      input: "fatal: https://user:pw@host/x.git",
      want: "fatal: https://***@host/x.git",
    },
    { name: "token as user", input: "https://tok@host/x", want: "https://***@host/x" },
    { name: "ssh password", input: "ssh://git:pw@host/x", want: "ssh://git:***@host/x" },
    { name: "known secret", input: "bad s3cr3t here", want: "bad *** here" },
  ];
  for (const c of cases) {
    it(`redacts ${c.name}`, () => {
      const err = new GitError({ subcommand: "fetch", exitCode: 128, stderr: c.input }, ["s3cr3t"]);
      assert.equal(err.stderr, c.want);
      assert.equal(err.code, "GIT");
    });
  }

  it("says which subcommand failed and keeps only the stderr tail", () => {
    const stderr = [
      ...Array.from({ length: 30 }, (_, i) => `line ${String(i)}`),
      "fatal: gone",
    ].join("\n");
    const err = new GitError({ subcommand: "push", exitCode: 128, stderr });
    assert.equal(err.message, "git push exited 128: fatal: gone");
    assert.equal(err.stderr.split("\n").length, 20);
    assert.equal(err.exitCode, 128);
  });

  it("keeps git's first error line (the cause) with its last (the consequence)", () => {
    const stderr = [
      "error: RPC failed; HTTP 500 curl 22 The requested URL returned error: 500",
      "send-pack: unexpected disconnect while reading sideband packet",
      "fatal: the remote end hung up unexpectedly",
    ].join("\n");
    const err = new GitError({ subcommand: "push", exitCode: 1, stderr });
    assert.equal(
      err.message,
      "git push exited 1: error: RPC failed; HTTP 500 curl 22 The requested URL returned error: 500; fatal: the remote end hung up unexpectedly",
    );
  });

  it("a refused push says which ref and why: the rejected refs and the remote's words, token masked", () => {
    const stderr = [
      "remote: refs/heads/update is not built on main (05e58dd): the base moved",
      "To https://x-access-token:s3cr3t@example.com/acme/gitops.git",
      " ! [remote rejected] a39a4a3 -> update (pre-receive hook declined)",
      "error: failed to push some refs to 'https://x-access-token:s3cr3t@example.com/acme/gitops.git'",
    ].join("\n");
    const err = new GitError({ subcommand: "push", exitCode: 1, stderr }, ["s3cr3t"]);
    assert.equal(
      err.message,
      [
        "git push exited 1: error: failed to push some refs to 'https://***@example.com/acme/gitops.git'",
        "  remote: refs/heads/update is not built on main (05e58dd): the base moved",
        "  ! [remote rejected] a39a4a3 -> update (pre-receive hook declined)",
      ].join("\n"),
    );
  });
});
