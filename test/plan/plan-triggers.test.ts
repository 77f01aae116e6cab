/**
 * Trigger patches, rule by rule (SEMANTICS §5, §6.4, §6.6, D9): streams
 * and workloads from inline YAML through the real loader's checks, registry
 * answers from a table.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Plan, TriggerPlan, WorkloadPlan } from "../../src/model/plan.ts";
import { planHasChanges } from "../../src/model/plan.ts";
import { planEdits } from "../../src/write/plan-edits.ts";
import {
  digest,
  image,
  planAgainst,
  streamsOf,
  workloadsOf,
  type FakeRegistry,
} from "../support/plan-fixture.ts";

const D1 = digest("1");
const D2 = digest("2");
const D3 = digest("3");

function item(ref: string, d: string, generation = 1): string {
  return `      - created: "2026-11-01T00:00:00Z"
        dockerImageReference: ${ref}@${d}
        image: ${d}
        generation: ${generation}`;
}

/**
 * The stream `app` in `demo`: tag 1.2 from quay.io/o/a:1.2 (imported at D1,
 * recorded), `stable` tracking it, `ref` a reference tag, `local` Local,
 * `new` never imported.
 */
const stream = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: demo
spec:
  tags:
  - name: "1.2"
    annotations: {imagestream-gitops.io/imported-from: "quay.io/o/a:1.2 Legacy"}
    from: {kind: DockerImage, name: quay.io/o/a:1.2}
    importPolicy: {scheduled: true}
  - name: stable
    annotations: {imagestream-gitops.io/imported-from: "ImageStreamTag demo/app:1.2"}
    from: {kind: ImageStreamTag, name: "1.2"}
  - name: ref
    annotations: {imagestream-gitops.io/imported-from: "quay.io/o/a:latest reference"}
    from: {kind: DockerImage, name: quay.io/o/a:latest}
    reference: true
  - name: local
    annotations: {imagestream-gitops.io/imported-from: "quay.io/o/l:1 Legacy"}
    from: {kind: DockerImage, name: quay.io/o/l:1}
    referencePolicy: {type: Local}
  - name: new
    from: {kind: DockerImage, name: quay.io/o/n:1}
status:
  tags:
  - tag: "1.2"
    items:
${item("quay.io/o/a", D1)}
  - tag: local
    items:
${item("quay.io/o/l", D1)}
  - tag: pushed
    items:
${item("quay.io/o/p", D3)}
  - tag: ref
    items:
      - created: "2026-11-01T00:00:00Z"
        dockerImageReference: quay.io/o/a:latest
        image: ""
        generation: 1
  - tag: stable
    items:
${item("quay.io/o/a", D1)}
`;

/** A Deployment `web` in `demo` with the given annotation entries and containers (YAML). */
function deployment(entries: readonly object[], containers: string, init = ""): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
  annotations:
    image.openshift.io/triggers: '${JSON.stringify(entries)}'
spec:
  template:
    spec:
${init === "" ? "" : `      initContainers:\n${init}\n`}      containers:
${containers}
`;
}

function entry(from: string, container: string, extra: object = {}): object {
  return {
    from: { kind: "ImageStreamTag", name: from },
    fieldPath: `spec.template.spec.containers[?(@.name=="${container}")].image`,
    ...extra,
  };
}

function container(name: string, img: string): string {
  return `        - name: ${name}\n          image: ${img}`;
}

/** The 1.2 tag moves to D2 unless `registry` says otherwise; the local registry is `mirror.example`. */
function run(
  workloadYaml: string,
  registry: FakeRegistry = {},
  localRegistry?: string,
): { plan: Plan; requests: readonly string[] } {
  const streams = streamsOf(stream);
  const workloads = workloadsOf(workloadYaml, streams);
  const { plan, imageRequests } = planAgainst(
    streams,
    { images: { "quay.io/o/a:1.2": image(D2), "quay.io/o/n:1": image(D3), ...registry.images } },
    {
      workloads,
      now: new Date("2026-11-23T12:00:00Z"),
      ...(localRegistry === undefined ? {} : { config: { localRegistry } }),
    },
  );
  return { plan, requests: imageRequests.map((r) => `${r.from} ${r.mode}`) };
}

function only(plan: Plan): { workload: WorkloadPlan; trigger: TriggerPlan } {
  const [workload] = plan.workloads;
  assert.ok(workload !== undefined && workload.triggers.length === 1);
  const [trigger] = workload.triggers;
  assert.ok(trigger !== undefined);
  return { workload, trigger };
}

describe("trigger patches: what a trigger resolves to (W1, §5)", () => {
  it("a Source tag imported this run: the container gets items[0].dockerImageReference (L2)", () => {
    const { plan } = run(
      deployment([entry("app:1.2", "web")], container("web", `quay.io/o/a@${D1}`)),
    );
    const { workload, trigger } = only(plan);
    assert.deepEqual(
      { kind: workload.kind, name: workload.name, file: workload.file, line: workload.line },
      { kind: "Deployment", name: "web", file: "workloads.yaml", line: 1 },
    );
    assert.equal(trigger.action, "patch");
    assert.equal(trigger.source, "demo/app:1.2");
    assert.equal(trigger.image, `quay.io/o/a@${D2}`);
    assert.deepEqual(trigger.targets, [
      {
        container: "web",
        list: "containers",
        index: 0,
        path: ["spec", "template", "spec", "containers", 0, "image"],
        current: `quay.io/o/a@${D1}`,
        next: `quay.io/o/a@${D2}`,
      },
    ]);
    assert.deepEqual(plan.triggerSummary, { patch: 1, unchanged: 0, paused: 0, skip: 0 });
    assert.ok(planHasChanges(plan));
  });

  it("a tracking tag follows its source's new image in the same run (T1)", () => {
    const { plan } = run(
      deployment([entry("app:stable", "web")], container("web", "quay.io/o/a:1.2")),
    );
    const { trigger } = only(plan);
    assert.equal(trigger.action, "patch");
    assert.equal(trigger.targets[0]?.next, `quay.io/o/a@${D2}`);
  });

  it("W3: a container already on the image is unchanged, and its file gets no edit", () => {
    const { plan } = run(
      deployment([entry("app:1.2", "web")], container("web", `quay.io/o/a@${D1}`)),
      { images: { "quay.io/o/a:1.2": image(D1) } },
    );
    const { trigger } = only(plan);
    assert.equal(trigger.action, "unchanged");
    assert.equal(trigger.rule, "current");
    assert.equal(trigger.targets[0]?.next, undefined);
    assert.equal(planEdits(plan, 5).get("workloads.yaml"), undefined);
  });

  it("a reference tag resolves to the referenced pull spec, and a latest tag is warned about (H9, K1)", () => {
    const { plan } = run(
      deployment([entry("app:ref", "web")], container("web", `quay.io/o/a@${D1}`)),
    );
    const { trigger } = only(plan);
    assert.equal(trigger.action, "patch");
    assert.equal(trigger.targets[0]?.next, "quay.io/o/a:latest");
    assert.match(
      trigger.targets[0].warning ?? "",
      /quay\.io\/o\/a:latest is a latest tag without a digest/,
    );
  });

  it("a status-only tag resolves to its items[0] (L6)", () => {
    const { plan } = run(
      deployment([entry("app:pushed", "web")], container("web", "quay.io/o/p:old")),
    );
    assert.equal(only(plan).trigger.targets[0]?.next, `quay.io/o/p@${D3}`);
  });

  it("from.namespace names another namespace's stream (A3)", () => {
    const other = deployment(
      [
        {
          ...entry("app:1.2", "web"),
          from: { kind: "ImageStreamTag", name: "app:1.2", namespace: "demo" },
        },
      ],
      container("web", "x"),
    ).replace("namespace: demo\n  annotations", "namespace: elsewhere\n  annotations");
    const { plan } = run(other);
    const { workload, trigger } = only(plan);
    assert.equal(workload.namespace, "elsewhere");
    assert.equal(trigger.source, "demo/app:1.2");
    assert.equal(trigger.action, "patch");
  });
});

describe("trigger patches: what is left alone", () => {
  it("A4: a paused trigger is reported and left alone, though its tag moved", () => {
    const { plan } = run(
      deployment(
        [entry("app:1.2", "web", { paused: true })],
        container("web", `quay.io/o/a@${D1}`),
      ),
    );
    const { trigger } = only(plan);
    assert.equal(trigger.action, "paused");
    assert.equal(trigger.targets[0]?.next, undefined);
    assert.equal(planEdits(plan, 5).get("workloads.yaml"), undefined);
  });

  it("W2: a tag that has no image yet is skipped, not an error, and the container stays", () => {
    const { plan } = run(deployment([entry("app:new", "web")], container("web", "quay.io/o/n:1")), {
      images: {
        "quay.io/o/n:1": { kind: "error", failure: { reason: "NotFound", message: "nope" } },
      },
    });
    const { trigger } = only(plan);
    assert.equal(trigger.action, "skip");
    assert.equal(trigger.rule, "no-status");
    assert.match(trigger.reason, /the tag has no image yet/);
    assert.equal(trigger.targets[0]?.next, undefined);
  });

  it("a stream left out of the plan (it has errors) skips its triggers", () => {
    const streams = streamsOf(stream);
    const workloads = workloadsOf(
      deployment([entry("app:1.2", "web")], container("web", "x")),
      streams,
    );
    const { plan } = planAgainst([], {}, { workloads });
    const { trigger } = only(plan);
    assert.equal(trigger.action, "skip");
    assert.equal(trigger.rule, "stream-not-planned");
  });

  it("K1/K2: a container left on a latest tag, or on no tag, without a digest is warned about", () => {
    const { plan } = run(
      deployment(
        [entry("app:1.2", "web", { paused: true }), entry("app:1.2", "side", { paused: true })],
        [
          container("web", "quay.io/o/a:latest"),
          container("side", "quay.io/o/a"),
          container("pinned", `quay.io/o/a:latest@${D1}`),
        ].join("\n"),
      ),
    );
    const [web, side] = plan.workloads[0]?.triggers ?? [];
    assert.match(web?.targets[0]?.warning ?? "", /is a latest tag without a digest/);
    assert.match(side?.targets[0]?.warning ?? "", /has no tag \(so latest\) without a digest/);
  });
});

describe("trigger patches: containers and fieldPaths", () => {
  it("init containers, index fieldPaths and two triggers in one object each get their image", () => {
    const entries = [
      {
        from: { kind: "ImageStreamTag", name: "app:pushed" },
        fieldPath: 'spec.template.spec.initContainers[?(@.name=="migrate")].image',
      },
      {
        from: { kind: "ImageStreamTag", name: "app:1.2" },
        fieldPath: "spec.template.spec.containers[1].image",
      },
    ];
    const { plan } = run(
      deployment(
        entries,
        [container("sidecar", "s:1"), container("web", "w:1")].join("\n"),
        container("migrate", "m:1"),
      ),
    );
    const [init, web] = plan.workloads[0]?.triggers ?? [];
    assert.deepEqual(
      init?.targets.map((t) => [t.container, t.list, t.index, t.next]),
      [["migrate", "initContainers", 0, `quay.io/o/p@${D3}`]],
    );
    assert.deepEqual(
      web?.targets.map((t) => [t.container, t.path.join("."), t.next]),
      [["web", "spec.template.spec.containers.1.image", `quay.io/o/a@${D2}`]],
    );
    const edits = planEdits(plan, 5).get("workloads.yaml");
    assert.deepEqual(edits, [
      {
        document: 0,
        pointer: "",
        edits: [
          {
            kind: "setString",
            path: ["spec", "template", "spec", "initContainers", 0, "image"],
            value: `quay.io/o/p@${D3}`,
          },
          {
            kind: "setString",
            path: ["spec", "template", "spec", "containers", 1, "image"],
            value: `quay.io/o/a@${D2}`,
          },
        ],
      },
    ]);
  });

  it("each kind's pod spec path is followed (CronJob, Pod)", () => {
    const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: demo
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:1.2"},"fieldPath":"spec.jobTemplate.spec.template.spec.containers[?(@.name==\\"job\\")].image"}]'
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: old
---
apiVersion: v1
kind: Pod
metadata:
  name: once
  namespace: demo
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:1.2"},"fieldPath":"spec.containers[?(@.name==''once'')].image"}]'
spec:
  containers:
    - name: once
      image: old
`;
    const { plan } = run(cronJob);
    assert.deepEqual(
      plan.workloads.map((w) => [w.kind, w.document, w.triggers[0]?.targets[0]?.path.join(".")]),
      [
        ["CronJob", 0, "spec.jobTemplate.spec.template.spec.containers.0.image"],
        ["Pod", 1, "spec.containers.0.image"],
      ],
    );
    assert.ok(plan.workloads.every((w) => w.triggers[0]?.action === "patch"));
  });
});

describe("trigger patches: referencePolicy Local (D9, L3)", () => {
  const local = deployment([entry("app:local", "web")], container("web", `quay.io/o/l@${D1}`));
  const to = `mirror.example/demo/app@${D1}`;

  it("points at the local registry when it holds the image, after asking it once by digest", () => {
    const { plan, requests } = run(local, { images: { [to]: image(D1) } }, "mirror.example");
    const { trigger } = only(plan);
    assert.equal(trigger.action, "patch");
    assert.equal(trigger.targets[0]?.next, to);
    assert.deepEqual(trigger.mirror, { from: `quay.io/o/l@${D1}`, to, present: true });
    assert.deepEqual(
      requests.filter((r) => r.startsWith("mirror.example")),
      [`${to} PreserveOriginal`],
    );
  });

  it("never points at an image the local registry does not hold: the trigger waits", () => {
    const { plan } = run(local, {}, "mirror.example");
    const { trigger } = only(plan);
    assert.equal(trigger.action, "skip");
    assert.equal(trigger.rule, "mirror-missing");
    assert.match(
      trigger.reason,
      /does not hold mirror\.example\/demo\/app@sha256:1{64} yet: apply copies it from quay\.io\/o\/l@/,
    );
    assert.equal(trigger.targets[0]?.next, undefined);
    assert.equal(planEdits(plan, 5).get("workloads.yaml"), undefined);
  });

  it("an unreadable local registry is not taken for an empty one", () => {
    const { plan } = run(
      local,
      {
        images: {
          [to]: {
            kind: "error",
            failure: { reason: "Unauthorized", message: "you may not have access" },
          },
        },
      },
      "mirror.example",
    );
    const { trigger } = only(plan);
    assert.equal(trigger.rule, "mirror-unchecked");
    assert.match(trigger.reason, /you may not have access/);
  });

  it("asks the local registry about the image the tag settles on, not the one it moves from", () => {
    const streams = streamsOf(
      stream.replace(
        `  - name: stable
    annotations: {imagestream-gitops.io/imported-from: "ImageStreamTag demo/app:1.2"}
    from: {kind: ImageStreamTag, name: "1.2"}`,
        `  - name: stable
    annotations: {imagestream-gitops.io/imported-from: "ImageStreamTag demo/app:1.2"}
    from: {kind: ImageStreamTag, name: "1.2"}
    referencePolicy: {type: Local}`,
      ),
    );
    const workloads = workloadsOf(
      deployment([entry("app:stable", "web")], container("web", `quay.io/o/a@${D1}`)),
      streams,
    );
    const moved = `mirror.example/demo/app@${D2}`;
    const { plan, imageRequests } = planAgainst(
      streams,
      { images: { "quay.io/o/a:1.2": image(D2), "quay.io/o/n:1": image(D3), [moved]: image(D2) } },
      { workloads, config: { localRegistry: "mirror.example" } },
    );
    assert.deepEqual(
      imageRequests.filter((r) => r.from.startsWith("mirror.example")).map((r) => r.from),
      [moved],
    );
    assert.equal(only(plan).trigger.targets[0]?.next, moved);
    // Only the tag that moved needs a copy; `local` keeps its image and nothing newly follows it.
    assert.deepEqual(
      plan.mirrors.map((m) => [m.tag, m.to, m.action]),
      [["stable", moved, "present"]],
    );
  });

  it("asks nothing when the container already points at the local copy", () => {
    const { plan, requests } = run(
      deployment([entry("app:local", "web")], container("web", to)),
      {},
      "mirror.example",
    );
    assert.equal(only(plan).trigger.action, "unchanged");
    assert.ok(!requests.some((r) => r.startsWith("mirror.example")));
    assert.deepEqual(plan.mirrors, []);
  });

  it("without a local registry, a Local tag resolves as Source (L4)", () => {
    const { plan } = run(deployment([entry("app:local", "web")], container("web", "x")));
    assert.equal(only(plan).trigger.targets[0]?.next, `quay.io/o/l@${D1}`);
  });
});

describe("trigger patches: DeploymentConfig ImageChange triggers (§6.6)", () => {
  function dc(triggers: string, containers: string): string {
    return `apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: legacy
  namespace: demo
spec:
  template:
    spec:
      containers:
${containers}
  triggers:
    - type: ConfigChange
${triggers}
`;
  }
  function imageChange(
    from: string,
    names: readonly string[],
    automatic: boolean,
    last?: string,
  ): string {
    return `    - type: ImageChange
      imageChangeParams:
        automatic: ${String(automatic)}
        containerNames: [${names.join(", ")}]
        from: {kind: ImageStreamTag, name: "${from}"}${last === undefined ? "" : `\n        lastTriggeredImage: ${last}`}`;
  }

  it("DC1: an automatic trigger writes every named container and lastTriggeredImage", () => {
    const { plan } = run(
      dc(
        imageChange("app:1.2", ["a", "b"], true, `quay.io/o/a@${D1}`),
        [container("a", "x"), container("b", "y")].join("\n"),
      ),
    );
    const { trigger } = only(plan);
    assert.equal(trigger.action, "patch");
    assert.equal(trigger.fieldPath, "spec.triggers[1]");
    assert.deepEqual(
      trigger.targets.map((t) => t.next),
      [`quay.io/o/a@${D2}`, `quay.io/o/a@${D2}`],
    );
    assert.deepEqual(trigger.lastTriggeredImage, {
      path: ["spec", "triggers", 1, "imageChangeParams", "lastTriggeredImage"],
      current: `quay.io/o/a@${D1}`,
      next: `quay.io/o/a@${D2}`,
    });
    const edits = planEdits(plan, 5).get("workloads.yaml")?.[0]?.edits;
    assert.equal(edits?.length, 3);
  });

  it("DC1: lastTriggeredImage alone is brought up to date when the containers already are", () => {
    const { plan } = run(
      dc(imageChange("app:1.2", ["a"], true), container("a", `quay.io/o/a@${D2}`)),
    );
    const { trigger } = only(plan);
    assert.equal(trigger.action, "patch");
    assert.equal(trigger.targets[0]?.next, undefined);
    assert.equal(trigger.lastTriggeredImage?.next, `quay.io/o/a@${D2}`);
  });

  it("DC1: a trigger that is not automatic is left alone", () => {
    const { plan } = run(dc(imageChange("app:1.2", ["a"], false), container("a", "x")));
    const { trigger } = only(plan);
    assert.equal(trigger.action, "paused");
    assert.equal(trigger.rule, "not-automatic");
  });

  it("DC2: an unresolvable automatic trigger that never fired holds the others back", () => {
    const yaml = dc(
      [imageChange("app:1.2", ["a"], true), imageChange("app:new", ["b"], true)].join("\n"),
      [container("a", "x"), container("b", "y")].join("\n"),
    );
    const { plan } = run(yaml, {
      images: {
        "quay.io/o/n:1": { kind: "error", failure: { reason: "NotFound", message: "nope" } },
      },
    });
    const first = plan.workloads[0]?.triggers[0];
    const second = plan.workloads[0]?.triggers[1];
    assert.equal(second?.rule, "no-status");
    assert.equal(first?.action, "skip");
    assert.equal(first.rule, "unresolved-sibling");
    assert.match(first.reason, /spec\.triggers\[2\] \(demo\/app:new\) cannot be resolved yet/);
    assert.equal(first.targets[0]?.next, undefined);
  });

  it("DC2: one that fired before (lastTriggeredImage set) does not", () => {
    const yaml = dc(
      [
        imageChange("app:1.2", ["a"], true),
        imageChange("app:new", ["b"], true, "quay.io/o/n@sha256:" + "9".repeat(64)),
      ].join("\n"),
      [container("a", "x"), container("b", "y")].join("\n"),
    );
    const { plan } = run(yaml, {
      images: {
        "quay.io/o/n:1": { kind: "error", failure: { reason: "NotFound", message: "nope" } },
      },
    });
    assert.deepEqual(
      plan.workloads[0]?.triggers.map((t) => t.action),
      ["patch", "skip"],
    );
  });
});
