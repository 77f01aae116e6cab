/**
 * What a diagnostic echoes from a file stays on one line, holds no control
 * character and has a bounded length, and a control character in the file
 * is itself an error at its position (Kubernetes' reader refuses such a file).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { maxMessageLength, printable } from "../../src/load/diagnose.ts";
import { loadRepository } from "../../src/load/load-repository.ts";
import { renderDiagnostic } from "../../src/cli/render-diagnostics.ts";
import { tempRepo } from "../support/temp-repo.ts";

const streamNamed = (name: string): string => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: ${name}
  namespace: demo
`;

describe("diagnostic text", () => {
  it("escapes line breaks and control characters", () => {
    assert.equal(printable('name "a\n::error::x\u001b[31m"'), 'name "a\\n::error::x\\u001b[31m"');
    assert.equal(printable("tab\there\r\u2028"), "tab\\there\\r\\u2028");
  });

  it("cuts a message echoing a huge value", () => {
    const cut = printable(`invalid tag "${"a".repeat(5_000_000)}"`);
    assert.ok(cut.length < maxMessageLength + 40, String(cut.length));
    assert.match(cut, /… \(\d+ more characters\)$/);
  });

  it("never lets a name from a file split the file:line:col line", async (t) => {
    const root = await tempRepo(t, {
      "nl.yaml": streamNamed('"a\\n::error file=x::forged\\e[2J"'),
    });
    const { diagnostics, model } = await loadRepository({ root });
    const [d] = diagnostics;
    assert.ok(d !== undefined);
    assert.equal(d.code, "INVALID_NAME");
    const rendered = renderDiagnostic(d, model.files[0]);
    assert.equal(rendered.split("\n")[0], `nl.yaml:4:9: error INVALID_NAME: ${d.message}`);
    assert.doesNotMatch(rendered, /^::error/m);
    assert.ok(!rendered.includes("\u001b"), rendered);
  });

  it("reports a raw control character at its position and shows it as a picture", async (t) => {
    const root = await tempRepo(t, { "esc.yaml": streamNamed("a\u001b[31mpp") });
    const { diagnostics, model } = await loadRepository({ root });
    const control = diagnostics.find((d) => d.code === "YAML_SYNTAX");
    assert.ok(control !== undefined, JSON.stringify(diagnostics));
    assert.deepEqual(
      [control.line, control.col, control.message],
      [4, 10, "control character U+001B is not allowed in YAML"],
    );
    const rendered = renderDiagnostic(control, model.files[0]);
    assert.ok(!rendered.includes("\u001b"), rendered);
    assert.match(rendered, /name: a\u241b\[31mpp\n +\| +\^/);
    // The caret sits under the stand-in: one column per character.
    const [, source = "", caret = ""] = rendered.split("\n");
    assert.equal(
      caret.indexOf("^") - caret.indexOf("|"),
      source.indexOf("\u241b") - source.indexOf("|"),
    );
  });

  it("calls a stack overflow in the parser nesting that is too deep", async (t) => {
    const deep = Array.from({ length: 3000 }, (_, i) => `${"  ".repeat(i)}k:`).join("\n");
    const root = await tempRepo(t, { "deep.yaml": `${deep}\n` });
    const { diagnostics } = await loadRepository({ root });
    assert.ok(
      diagnostics.some(
        (d) => d.code === "YAML_SYNTAX" && d.line >= 1 && /nested too deep/.test(d.message),
      ),
      JSON.stringify(diagnostics.map((d) => d.message)),
    );
  });
});
