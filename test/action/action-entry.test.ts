/**
 * The Action as GitHub runs it: dist/index.js in a child process under
 * Node.js 24 (action.yml's runtime) and the machine's Node.js, inputs as
 * INPUT_* variables, outputs and the job summary read from the runner's
 * files, against the real registry, a bare git remote and the GitHub API
 * server that validates every request against GitHub's OpenAPI description.
 */
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { push } from "../support/examples-registry.ts";
import { examplesRemote } from "../support/examples-remote.ts";
import { actionBundle, node24, runActionBundle, type ActionRun } from "../support/action-runner.ts";
import { branchTip, git, gitTestEnv } from "../support/git-repos.ts";
import { GitHubServer } from "../support/github-server.ts";
import { projectRoot } from "../support/temp-repo.ts";

const token = "ghs_actionCANARY0123456789abcdef";
const branch = "imagestream-gitops/update";

/** The token may appear only in the ::add-mask:: command that hides it. */
function tokenOnlyMasked(run: ActionRun): void {
  const lines = `${run.stdout}\n${run.stderr}`.split("\n").filter((l) => l.includes(token));
  assert.deepEqual(lines, [`::add-mask::${token}`]);
  assert.ok(!run.summary.includes(token) && !JSON.stringify(run.outputs).includes(token));
}

describe("the Action's bundle", () => {
  for (const [runtime, node] of [
    ["Node.js 24", node24],
    ["the machine's Node.js", process.execPath],
  ] as const) {
    it(`validate under ${runtime}: each diagnostic is an annotation on its file and line, and the step fails once`, async (t) => {
      const workspace = await mkdtemp(path.join(tmpdir(), "isg-workspace-"));
      t.after(() => rm(workspace, { recursive: true, force: true }));
      const repo = path.join(workspace, "gitops");
      await cp(path.join(projectRoot, "examples"), repo, { recursive: true });
      await writeFile(
        path.join(repo, "imagestreams", "broken.yaml"),
        `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: broken, namespace: demo}
spec:
  tags:
    - name: "1"
      from: {kind: DockerImage, name: "quay.io/Acme/app:1"}
`,
      );
      const run = await runActionBundle(
        t,
        node,
        workspace,
        { command: "validate", "working-directory": "gitops" },
        {
          PATH: process.env["PATH"] ?? "",
        },
      );
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(
        run.stdout,
        /^::error title=INVALID_REFERENCE,file=gitops\/imagestreams\/broken\.yaml,line=7,endLine=7,col=48,endColumn=\d+::invalid reference "quay\.io\/Acme\/app:1": repository name "Acme\/app" must be lowercase$/m,
      );
      assert.deepEqual(
        run.stdout.split("\n").filter((l) => l.startsWith("::error::")),
        ["::error::validate: 1 error in 1 file: see the annotations"],
      );
      assert.deepEqual(run.outputs, {}, "validate sets no output");
    });
  }

  it("plan then reconcile: plan-json and the job summary, then the pull request on GitHub with its number and address as outputs; a re-run changes nothing", async (t) => {
    const f = await examplesRemote(t);
    const gh = await GitHubServer.start({ owner: "acme", repo: "gitops", token, gitDir: f.bare });
    t.after(() => gh.close());
    await push(t, f.registry, "docker.io/library/postgres:15", "pg15-b");
    const env = { ...f.genv.env, GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: "acme/gitops" };

    const plan = await runActionBundle(t, node24, f.clone, { command: "plan", token }, env);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.equal(plan.outputs["changed"], "true");
    assert.equal(plan.outputs["pr-number"], "");
    const document = JSON.parse(await readFile(plan.outputs["plan-json"] ?? "", "utf8")) as {
      version: number;
      summary: { import: number };
    };
    assert.equal(document.version, 1);
    assert.ok(document.summary.import >= 1);
    assert.match(plan.summary, /^## imagestream-gitops plan \(dry run\)$/m);
    assert.match(plan.summary, /\| shared\/postgresql \| `15` \| import \|/);
    assert.equal(await branchTip(f.bare, branch, f.genv.env), undefined, "plan pushes nothing");
    tokenOnlyMasked(plan);

    const first = await runActionBundle(t, node24, f.clone, { command: "reconcile", token }, env);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(first.outputs["changed"], "true");
    assert.equal(first.outputs["pr-number"], "1");
    assert.equal(first.outputs["pr-url"], "https://github.com/acme/gitops/pull/1");
    assert.match(first.summary, /^## imagestream-gitops reconcile$/m);
    assert.match(first.summary, /\| `imagestream-gitops\/update` \| \[#1\]\(.+\) created \|/);
    assert.equal(gh.pulls.length, 1);
    const tip = await branchTip(f.bare, branch, f.genv.env);
    assert.ok(tip !== undefined, "the branch is pushed");
    tokenOnlyMasked(first);

    const again = await runActionBundle(
      t,
      process.execPath,
      f.clone,
      { command: "reconcile", token },
      env,
    );
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(again.outputs["pr-number"], "1");
    assert.match(again.summary, /\[#1\]\(.+\) unchanged/);
    assert.equal(await branchTip(f.bare, branch, f.genv.env), tip, "no new commit");
    assert.equal(gh.pulls.length, 1);
    assert.deepEqual(gh.violations, []);
    assert.equal(
      await git(f.clone, ["status", "--porcelain"], f.genv.env),
      "",
      "checkout untouched",
    );
    tokenOnlyMasked(again);
  });

  it("a bad input fails the step with the input named, before any work", async (t) => {
    const genv = await gitTestEnv(t);
    const run = await runActionBundle(t, node24, genv.root, { command: "apply" }, genv.env);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /^::error::input command must be one of validate, plan, reconcile, not "apply"$/m,
    );
  });

  it("dist/index.js is the bundle of the sources as they are (rebuild it with npm run bundle)", async (t) => {
    const { execFile } = await import("node:child_process");
    const temp = await mkdtemp(path.join(tmpdir(), "isg-bundle-"));
    t.after(() => rm(temp, { recursive: true, force: true }));
    const fresh = path.join(temp, "index.js");
    const script = JSON.parse(await readFile(path.join(projectRoot, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const args = (script.scripts["bundle"] ?? "").replace(/--outfile=\S+/, `--outfile=${fresh}`);
    await new Promise<void>((resolve, reject) => {
      execFile(
        "sh",
        ["-c", `npx --no-install ${args}`],
        { cwd: projectRoot },
        (err, _out, stderr) => {
          if (err === null) resolve();
          else reject(new Error(`bundle failed: ${stderr}`));
        },
      );
    });
    const [built, committed] = await Promise.all([
      readFile(fresh, "utf8"),
      readFile(actionBundle, "utf8"),
    ]);
    assert.ok(
      built === committed,
      "dist/index.js differs from a fresh bundle: run npm run bundle and commit dist/",
    );
  });
});
