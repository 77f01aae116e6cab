/**
 * Scalars as go-yaml v2 (Kubernetes' reader) resolves them, where yaml's
 * YAML 1.1 schema differs: found by the input fuzzer (test/inputs), which
 * named a container e5 and saw it vanish as null.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { kubernetesYamlOptions } from "../../src/model/yaml-options.ts";

const read = (scalar: string): unknown =>
  (parse(`v: ${scalar}`, kubernetesYamlOptions) as { v: unknown }).v;

describe("YAML scalars as go-yaml v2 reads them", () => {
  it("reads a float only with a digit in its mantissa", () => {
    for (const s of ["e5", "E5", ".e5", "e+5", ".", "-.", "._5"]) assert.equal(read(s), s, s);
    const floats: [string, number][] = [
      ["1e5", 1e5],
      ["1.5e3", 1500],
      [".5", 0.5],
      ["-.5e2", -50],
      ["1.", 1],
      ["1_000.5", 1000.5],
      ["2.0", 2],
    ];
    for (const [s, n] of floats) assert.equal(read(s), n, s);
    assert.equal(read(".inf"), Infinity);
    assert.ok(Number.isNaN(read(".NaN")));
  });

  it("has no base-60 numbers", () => {
    for (const s of ["1:20", "-1:30", "190:20:30.15"]) assert.equal(read(s), s, s);
  });

  it("keeps YAML 1.1's booleans, octals and hex", () => {
    assert.equal(read("yes"), true);
    assert.equal(read("010"), 8);
    assert.equal(read("0x1F"), 31);
  });
});
