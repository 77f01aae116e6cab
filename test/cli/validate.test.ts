import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { runInProcess } from "../support/run-cli.ts";
import { projectRoot, tempRepo } from "../support/temp-repo.ts";

const badStream = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
  - name: "1.2"
    from: {kind: DockerImage, name: quay.io/Org/app:1.2}
`;

describe("imagestream-gitops validate", () => {
  it("exits 0 on examples/ and prints a summary", async () => {
    const r = await runInProcess(["validate", "--repo", path.join(projectRoot, "examples")]);
    assert.equal(r.code, 0);
    assert.match(
      r.stderr,
      /^validate: 14 files, 9 image streams, 6 triggered workloads: no problems\n$/,
    );
  });

  it("prints file:line:col, the source line with a caret, and exits 2", async (t) => {
    const root = await tempRepo(t, { "s.yaml": badStream });
    const r = await runInProcess(["validate", "--repo", root]);
    assert.equal(r.code, 2);
    const lines = r.stderr.split("\n");
    assert.match(
      lines[0] ?? "",
      /^s\.yaml:7:45: error INVALID_REFERENCE: invalid reference "quay\.io\/Org\/app:1\.2": /,
    );
    assert.equal(lines[1], "  7 |     from: {kind: DockerImage, name: quay.io/Org/app:1.2}");
    // The caret sits on the "O" of "Org", the first character the grammar refuses.
    assert.equal(lines[2], `    | ${" ".repeat(44)}^`);
    assert.match(r.stderr, /validate: 1 error, 0 warnings in 1 file/);
  });

  it("prints one JSON document with --json", async (t) => {
    const root = await tempRepo(t, { "s.yaml": badStream });
    const r = await runInProcess(["validate", "--repo", root, "--json"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "");
    const doc = JSON.parse(r.stdout) as {
      ok: boolean;
      summary: Record<string, number>;
      diagnostics: { code: string; file: string; line: number; pointer: string }[];
    };
    assert.equal(doc.ok, false);
    assert.deepEqual(doc.summary, { files: 1, streams: 1, workloads: 0, errors: 1, warnings: 0 });
    assert.deepEqual(
      doc.diagnostics.map((d) => [d.code, d.file, d.line, d.pointer]),
      [["INVALID_REFERENCE", "s.yaml", 7, "/spec/tags/0/from/name"]],
    );
  });

  it("answers --help for the program and the command", async () => {
    const top = await runInProcess(["--help"]);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /Usage: imagestream-gitops <command>/);
    assert.match(top.stdout, /validate/);
    const sub = await runInProcess(["validate", "--help"]);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /--strict/);
  });

  const usageCases = [
    { name: "no command", argv: [], stream: "stdout", want: /Usage:/ },
    {
      name: "unknown command",
      argv: ["frobnicate"],
      stream: "stderr",
      want: /unknown command "frobnicate"/,
    },
    {
      name: "unknown option",
      argv: ["validate", "--nope"],
      stream: "stderr",
      want: /Unknown option '--nope'/,
    },
    {
      name: "missing repository",
      argv: ["validate", "--repo", "/nonexistent/isg"],
      stream: "stderr",
      want: /repository directory "\/nonexistent\/isg" does not exist/,
    },
  ] as const;
  for (const c of usageCases) {
    it(`exits 2 on ${c.name}`, async () => {
      const r = await runInProcess(c.argv);
      assert.equal(r.code, 2);
      assert.match(r[c.stream], c.want);
    });
  }

  it("reports a missing --config file as a diagnostic", async (t) => {
    const root = await tempRepo(t, { "s.yaml": "a: 1\n" });
    const r = await runInProcess(["validate", "--repo", root, "--config", "nope.yaml", "--json"]);
    assert.equal(r.code, 2);
    const doc = JSON.parse(r.stdout) as { diagnostics: { code: string; file: string }[] };
    assert.deepEqual(
      doc.diagnostics.map((d) => [d.code, d.file]),
      [["FILE_UNREADABLE", "nope.yaml"]],
    );
  });

  it("resolves --config against the working directory, as a shell user expects", async (t) => {
    const parent = await tempRepo(t, {
      "repo/custom.yaml": "history: -1\n",
      "repo/a.yaml": "a: 1\n",
    });
    const cli = path.join(projectRoot, "build/src/cli/main.js");
    const args = [cli, "validate", "--repo", "repo", "--config", "repo/custom.yaml", "--json"];
    const stdout = await new Promise<string>((resolve) => {
      execFile(process.execPath, args, { cwd: parent }, (_error, out) => {
        resolve(out);
      });
    });
    const doc = JSON.parse(stdout) as {
      diagnostics: { code: string; file: string; line: number }[];
    };
    assert.deepEqual(
      doc.diagnostics.map((d) => [d.code, d.file, d.line]),
      [["CONFIG", "custom.yaml", 1]],
    );
  });
});
