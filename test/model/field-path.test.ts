import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalFieldPath, parseFieldPath } from "../../src/model/field-path.ts";

const deployment = "spec.template.spec";
const cronJob = "spec.jobTemplate.spec.template.spec";

const cases = [
  {
    name: "canonical name",
    path: `${deployment}.containers[?(@.name=="web")].image`,
    pod: deployment,
    want: { list: "containers", form: "canonical", name: "web" },
  },
  {
    name: "seeds' single quotes",
    path: `${deployment}.containers[?(@.name='web')].image`,
    pod: deployment,
    want: { list: "containers", form: "single-quoted", name: "web" },
  },
  {
    name: "index",
    path: `${deployment}.containers[1].image`,
    pod: deployment,
    want: { list: "containers", form: "index", index: 1 },
  },
  {
    name: "init container by name",
    path: `${deployment}.initContainers[?(@.name=="migrate")].image`,
    pod: deployment,
    want: { list: "initContainers", form: "canonical", name: "migrate" },
  },
  {
    name: "CronJob path",
    path: `${cronJob}.containers[0].image`,
    pod: cronJob,
    want: { list: "containers", form: "index", index: 0 },
  },
  {
    name: "Pod path",
    path: `spec.containers[?(@.name=="app")].image`,
    pod: "spec",
    want: { list: "containers", form: "canonical", name: "app" },
  },
  {
    name: "wrong prefix for a Deployment (OpenShift skips silently)",
    path: "spec.containers[0].image",
    pod: deployment,
    want: { reason: "PREFIX" },
  },
  {
    name: "CronJob path on a Deployment",
    path: `${cronJob}.containers[0].image`,
    pod: deployment,
    want: { reason: "PREFIX" },
  },
  {
    name: "double-quoted name without ==",
    path: `${deployment}.containers[?(@.name="web")].image`,
    pod: deployment,
    want: { reason: "INVALID" },
  },
  {
    name: "spaces in selector",
    path: `${deployment}.containers[?(@.name == "web")].image`,
    pod: deployment,
    want: { reason: "INVALID" },
  },
  {
    name: "xpath-like selector",
    path: `${deployment}.containers[@name=="web"].image`,
    pod: deployment,
    want: { reason: "INVALID" },
  },
  {
    name: "not .image",
    path: `${deployment}.containers[0].imagePullPolicy`,
    pod: deployment,
    want: { reason: "INVALID" },
  },
  {
    name: "other list",
    path: `${deployment}.volumes[0].image`,
    pod: deployment,
    want: { reason: "INVALID" },
  },
  {
    name: "negative index",
    path: `${deployment}.containers[-1].image`,
    pod: deployment,
    want: { reason: "INVALID" },
  },
] as const;

describe("parseFieldPath", () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = parseFieldPath(c.path, c.pod);
      if ("reason" in c.want) {
        assert.ok("reason" in got, `want a problem, got ${JSON.stringify(got)}`);
        assert.equal(got.reason, c.want.reason);
      } else {
        assert.deepEqual(got, c.want);
      }
    });
  }

  it("canonicalFieldPath writes what oc set triggers writes", () => {
    assert.equal(
      canonicalFieldPath(deployment, "containers", "web"),
      'spec.template.spec.containers[?(@.name=="web")].image',
    );
  });
});
