import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadRepository } from "../../src/load/load-repository.ts";
import { tempRepo } from "../support/temp-repo.ts";

const streams = `apiVersion: image.openshift.io/v1
kind: List
items:
- apiVersion: image.openshift.io/v1
  kind: ImageStream
  metadata: {name: app, namespace: demo}
  spec:
    tags:
    - {name: "1.2", from: {kind: DockerImage, name: quay.io/o/app:1.2}}
- apiVersion: image.openshift.io/v1
  kind: ImageStream
  metadata: {name: base, namespace: shared}
  spec:
    tags:
    - {name: "1.0", from: {kind: DockerImage, name: quay.io/o/base:1.0}}
`;

function workload(kind: string, podSpec: string, triggers: string, extra = ""): string {
  const indent = " ".repeat(podSpec.split(".").length * 2);
  const nest = podSpec
    .split(".")
    .map((key, i) => `${" ".repeat(i * 2)}${key}:`)
    .join("\n");
  return `apiVersion: v1
kind: ${kind}
metadata:
  name: w
  namespace: demo
  annotations:
    image.openshift.io/triggers: '${triggers}'
${nest}
${indent}initContainers:
${indent}- {name: migrate, image: quay.io/o/app:1.1}
${indent}containers:
${indent}- {name: web, image: quay.io/o/app:1.1}
${indent}- {name: side, image: busybox}
${extra}`;
}

async function load(t: Parameters<typeof tempRepo>[0], files: Record<string, string>) {
  const root = await tempRepo(t, { "streams.yaml": streams, ...files });
  return loadRepository({ root });
}

describe("trigger annotations", () => {
  const cases = [
    {
      name: "canonical name selector on a Deployment",
      kind: "Deployment",
      pod: "spec.template.spec",
      triggers: `[{"from":{"kind":"ImageStreamTag","name":"app:1.2"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]`,
      want: {
        list: "containers",
        index: 0,
        pointer: "/spec/template/spec/containers/0/image",
        paused: false,
        source: "demo/app:1.2",
      },
      warnings: [],
    },
    {
      name: "a name under containers[] finds an init container (F3)",
      kind: "StatefulSet",
      pod: "spec.template.spec",
      triggers: `[{"from":{"kind":"ImageStreamTag","name":"app:1.2"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"migrate\\")].image"}]`,
      want: {
        list: "initContainers",
        index: 0,
        pointer: "/spec/template/spec/initContainers/0/image",
        paused: false,
        source: "demo/app:1.2",
      },
      warnings: [],
    },
    {
      name: "index selector on a CronJob, stream in another namespace",
      kind: "CronJob",
      pod: "spec.jobTemplate.spec.template.spec",
      triggers: `[{"from":{"kind":"ImageStreamTag","name":"base:1.0","namespace":"shared"},"fieldPath":"spec.jobTemplate.spec.template.spec.containers[1].image"}]`,
      want: {
        list: "containers",
        index: 1,
        pointer: "/spec/jobTemplate/spec/template/spec/containers/1/image",
        paused: false,
        source: "shared/base:1.0",
      },
      warnings: [],
    },
    {
      name: "a Pod's pod spec is spec, paused true",
      kind: "Pod",
      pod: "spec",
      triggers: `[{"from":{"kind":"ImageStreamTag","name":"app:1.2"},"fieldPath":"spec.containers[?(@.name==\\"web\\")].image","paused":true}]`,
      want: {
        list: "containers",
        index: 0,
        pointer: "/spec/containers/0/image",
        paused: true,
        source: "demo/app:1.2",
      },
      warnings: [],
    },
    {
      name: "the seeds' single-quoted selector is accepted with a warning (D2)",
      kind: "Deployment",
      pod: "spec.template.spec",
      triggers: `[{"from":{"kind":"ImageStreamTag","name":"app:1.2"},"fieldPath":"spec.template.spec.containers[?(@.name=''web'')].image"}]`,
      want: {
        list: "containers",
        index: 0,
        pointer: "/spec/template/spec/containers/0/image",
        paused: false,
        source: "demo/app:1.2",
      },
      warnings: ["TRIGGER_FIELD_PATH"],
    },
    {
      name: 'the string "true" for paused is accepted with a warning (D4)',
      kind: "DaemonSet",
      pod: "spec.template.spec",
      triggers: `[{"from":{"kind":"ImageStreamTag","name":"app:1.2"},"fieldPath":"spec.template.spec.containers[0].image","paused":"true"}]`,
      want: {
        list: "containers",
        index: 0,
        pointer: "/spec/template/spec/containers/0/image",
        paused: true,
        source: "demo/app:1.2",
      },
      warnings: ["TRIGGER_INVALID"],
    },
  ] as const;

  for (const c of cases) {
    it(c.name, async (t) => {
      const { model, diagnostics } = await load(t, {
        "w.yaml": workload(c.kind, c.pod, c.triggers),
      });
      assert.deepEqual(
        diagnostics.map((d) => [d.severity, d.code]),
        c.warnings.map((w) => ["warning", w]),
      );
      const trigger = model.workloads[0]?.triggers[0];
      assert.ok(trigger !== undefined);
      const target = trigger.targets[0];
      assert.deepEqual(
        {
          list: target?.list,
          index: target?.index,
          pointer: target?.imagePointer,
          paused: trigger.paused,
          source: `${trigger.source.namespace}/${trigger.source.stream}:${trigger.source.tag}`,
        },
        c.want,
      );
    });
  }

  it("rejects the whole annotation when one entry is wrong", async (t) => {
    const triggers = `[{"from":{"kind":"ImageStreamTag","name":"app:1.2"},"fieldPath":"spec.template.spec.containers[0].image"},{"from":{"kind":"ImageStreamTag","name":"app:1.2"},"fieldPath":"spec.template.spec.containers[5].image"}]`;
    const { model, diagnostics } = await load(t, {
      "w.yaml": workload("Deployment", "spec.template.spec", triggers),
    });
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.line]),
      [["TRIGGER_NO_CONTAINER", 7]],
    );
    assert.deepEqual(model.workloads, []);
  });

  it("reads a DeploymentConfig's ImageChange triggers; automatic false is paused", async (t) => {
    const dc = `apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: {name: dc, namespace: demo}
spec:
  triggers:
  - type: ConfigChange
  - type: ImageChange
    imageChangeParams:
      automatic: false
      containerNames: [web, migrate]
      from: {kind: ImageStreamTag, name: "app:1.2"}
  template:
    spec:
      initContainers: [{name: migrate, image: x}]
      containers: [{name: web, image: y}]
`;
    const { model, diagnostics } = await load(t, { "dc.yaml": dc });
    assert.deepEqual(diagnostics, []);
    const trigger = model.workloads[0]?.triggers[0];
    assert.equal(trigger?.paused, true);
    assert.equal(trigger.origin, "deploymentConfig");
    assert.deepEqual(
      trigger.targets.map((x) => x.imagePointer),
      ["/spec/template/spec/containers/0/image", "/spec/template/spec/initContainers/0/image"],
    );
  });

  it("warns about an annotation on a kind without a pod template", async (t) => {
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    image.openshift.io/triggers: '[]'\n`;
    const { diagnostics } = await load(t, { "cm.yaml": cm });
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.line]),
      [["warning", "TRIGGER_UNSUPPORTED_KIND", 6]],
    );
  });
});
