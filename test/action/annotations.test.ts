/** Diagnostics as GitHub annotations: the workspace-relative file, lines, columns only on one line. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { annotationOf, countDiagnostics } from "../../src/action/annotations.ts";
import type { Diagnostic } from "../../src/model/diagnostic.ts";

const base: Diagnostic = {
  severity: "error",
  code: "SCHEMA",
  message: 'must be string, got number 2 at "tag"',
  file: "imagestreams/ruby.yaml",
  line: 12,
  col: 14,
  pointer: "/spec/tags/0/name",
};

describe("annotationOf", () => {
  const cases: {
    name: string;
    d: Diagnostic;
    prefix: string;
    want: ReturnType<typeof annotationOf>;
  }[] = [
    {
      name: "a one-line diagnostic keeps its columns, the code is the title",
      d: { ...base, endLine: 12, endCol: 17 },
      prefix: ".",
      want: {
        severity: "error",
        message: base.message,
        properties: {
          title: "SCHEMA",
          file: "imagestreams/ruby.yaml",
          startLine: 12,
          endLine: 12,
          startColumn: 14,
          endColumn: 17,
        },
      },
    },
    {
      name: "a multi-line one loses them (GitHub drops them), the hint follows the message",
      d: { ...base, severity: "warning", endLine: 15, endCol: 2, hint: "quote it" },
      prefix: "gitops",
      want: {
        severity: "warning",
        message: `${base.message}\nhint: quote it`,
        properties: {
          title: "SCHEMA",
          file: "gitops/imagestreams/ruby.yaml",
          startLine: 12,
          endLine: 15,
        },
      },
    },
    {
      name: "the working directory's prefix is normalised",
      d: base,
      prefix: "./deploy/../gitops/",
      want: {
        severity: "error",
        message: base.message,
        properties: {
          title: "SCHEMA",
          file: "gitops/imagestreams/ruby.yaml",
          startLine: 12,
          endLine: 12,
          startColumn: 14,
        },
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(annotationOf(c.d, c.prefix), c.want);
    });
  }

  it("a file outside the repository (a config named by path) is made relative to the workspace", () => {
    const d: Diagnostic = { ...base, code: "CONFIG", file: "/home/runner/work/gitops/ci/isg.yaml" };
    assert.equal(
      annotationOf(d, "gitops", "/home/runner/work/gitops").properties.file,
      "ci/isg.yaml",
    );
  });
});

describe("countDiagnostics", () => {
  it("counts errors, warnings and files", () => {
    const warning: Diagnostic = { ...base, severity: "warning", file: "apps/a.yaml" };
    assert.equal(countDiagnostics([base]), "1 error in 1 file");
    assert.equal(countDiagnostics([base, base, warning]), "2 errors and 1 warning in 2 files");
  });
});
