/**
 * set-triggers' decisions, table-driven: a workload's triggers and a
 * request in, the annotation or spec.triggers it writes out (applied with
 * the real writer), or the error, with oc's messages (SEMANTICS.md §6.5).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { InputError } from "../../src/errors.ts";
import { checkStreams } from "../../src/load/check-streams.ts";
import { objectsOf } from "../../src/load/objects.ts";
import { parseYamlFile } from "../../src/load/parse-yaml.ts";
import { StreamIndex } from "../../src/load/stream-index.ts";
import type { TriggerScope } from "../../src/load/trigger-scope.ts";
import { changeTriggers, listTriggers } from "../../src/cli/trigger-changes.ts";
import { parseFromImage, type TriggerRequest } from "../../src/cli/trigger-request.ts";
import { fileTargets } from "../../src/cli/trigger-targets.ts";
import type { TriggerTarget } from "../../src/cli/trigger-workload.ts";
import { editFile } from "../../src/write/edit-file.ts";
import { parseOptions } from "../../src/write/parse-options.ts";

type Change = Exclude<TriggerRequest, { action: "list" }>;

const streamsYaml = `apiVersion: v1
kind: List
items:
- {apiVersion: image.openshift.io/v1, kind: ImageStream, metadata: {name: app, namespace: demo}, spec: {tags: [{name: "1.1"}, {name: "1.2"}]}}
- {apiVersion: image.openshift.io/v1, kind: ImageStream, metadata: {name: side, namespace: demo}, spec: {tags: [{name: "1"}]}}
- {apiVersion: image.openshift.io/v1, kind: ImageStream, metadata: {name: mig, namespace: demo}, spec: {tags: [{name: "1"}]}}
- {apiVersion: image.openshift.io/v1, kind: ImageStream, metadata: {name: pg, namespace: shared}, spec: {tags: [{name: "15"}]}}
`;

function scopeOf(): TriggerScope {
  const { file } = parseYamlFile("imagestreams.yaml", streamsYaml);
  const { streams } = checkStreams(objectsOf(file), "demo", false);
  return { streams: new StreamIndex(streams), otherKeys: new Set(), strict: false };
}
const scope = scopeOf();

const fp = (list: string, name: string) =>
  `spec.template.spec.${list}[?(@.name==${JSON.stringify(name)})].image`;
const ist = (name: string, namespace?: string) => ({
  kind: "ImageStreamTag",
  name,
  ...(namespace === undefined ? {} : { namespace }),
});
const entry = (from: string, container: string, extra: object = {}) => ({
  from: ist(from),
  fieldPath: fp("containers", container),
  ...extra,
});

/** A YAML single-quoted scalar holding `value`. */
const quoted = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** A Deployment in demo with init container migrate and containers web and sidecar. */
function deployment(annotation?: string): string {
  const annotations =
    annotation === undefined
      ? ""
      : `  annotations:\n    image.openshift.io/triggers: ${annotation}\n`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
${annotations}spec:
  template:
    spec:
      initContainers:
        - {name: migrate, image: quay.io/o/mig:1}
      containers:
        - {name: web, image: quay.io/o/app:1.1}
        - {name: sidecar, image: quay.io/o/side:1}
`;
}

/** A DeploymentConfig in demo with init container migrate, containers web and worker. */
function deploymentConfig(items?: readonly unknown[], annotation?: string): string {
  const annotations =
    annotation === undefined
      ? ""
      : `  annotations:\n    image.openshift.io/triggers: ${annotation}\n`;
  const triggers = items === undefined ? "" : `  triggers: ${JSON.stringify(items)}\n`;
  return `apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: app
  namespace: demo
${annotations}spec:
  template:
    spec:
      initContainers: [{name: migrate, image: quay.io/o/mig:1}]
      containers: [{name: web, image: quay.io/o/app:1}, {name: worker, image: quay.io/o/app:1}]
${triggers}`;
}

function targetIn(text: string): TriggerTarget {
  const { file } = parseYamlFile("apps/web.yaml", text);
  const [target] = fileTargets(file, "demo", undefined);
  assert.ok(target !== undefined);
  return target;
}

/** The text after `request`, and the change. */
function apply(text: string, request: Change) {
  const target = targetIn(text);
  const change = changeTriggers(target, request, scope);
  const { at } = target.object;
  const edits = [{ document: at.doc.index, pointer: at.pointer, edits: change.edits }];
  return { change, text: editFile(text, edits) };
}

function dataOf(text: string): Record<string, Record<string, unknown>> {
  const [document] = parseAllDocuments(text, parseOptions);
  assert.ok(document !== undefined && !("empty" in document));
  assert.deepEqual(document.errors, []);
  return document.toJS() as Record<string, Record<string, unknown>>;
}

/** The annotation's raw value, or undefined without one. */
function annotationOf(text: string): string | undefined {
  const annotations = dataOf(text)["metadata"]?.["annotations"] as
    Record<string, string> | undefined;
  return annotations?.["image.openshift.io/triggers"];
}

const set = (from: string, containers: string[], paused = false): Change => ({
  action: "set",
  from: parseFromImage(from),
  containers,
  paused,
});
const remove = (from?: string, containers?: string[]): Change => ({
  action: "remove",
  ...(from === undefined ? {} : { from: parseFromImage(from) }),
  ...(containers === undefined ? {} : { containers }),
});
const removeAll: Change = { action: "removeAll" };

describe("set-triggers on the annotation", () => {
  const web11 = entry("app:1.1", "web");
  const side = entry("side:1", "sidecar");
  // Another author's key order, kept when the entry is re-serialized.
  const sideOddOrder = {
    fieldPath: fp("containers", "sidecar"),
    paused: false,
    from: ist("side:1"),
  };
  const cases: {
    name: string;
    before: unknown[] | string | undefined;
    request: Change;
    /** The annotation's entries after; undefined: removed; "unchanged": no edit. */
    want: unknown[] | undefined | "unchanged";
  }[] = [
    {
      name: "adds the first trigger",
      before: undefined,
      request: set("app:1.2", ["web"]),
      want: [entry("app:1.2", "web")],
    },
    {
      name: "updates a container's trigger in place, keeping the others",
      before: [web11, side],
      request: set("app:1.2", ["web"]),
      want: [entry("app:1.2", "web"), side],
    },
    {
      name: "keeps other entries with their key order",
      before: [sideOddOrder, web11],
      request: set("app:1.2", ["web"]),
      want: [sideOddOrder, entry("app:1.2", "web")],
    },
    {
      name: "appends a trigger for a new container",
      before: [web11],
      request: set("side:1", ["sidecar"]),
      want: [web11, side],
    },
    {
      name: "writes one entry per container",
      before: undefined,
      request: set("app:1.2", ["web", "sidecar"]),
      want: [entry("app:1.2", "web"), entry("app:1.2", "sidecar")],
    },
    {
      name: "writes paused only when asked",
      before: [web11],
      request: set("app:1.1", ["web"], true),
      want: [entry("app:1.1", "web", { paused: true })],
    },
    {
      name: "changes nothing when the entry already says it",
      before: [entry("app:1.2", "web", { paused: false }), side],
      request: set("app:1.2", ["web"]),
      want: "unchanged",
    },
    {
      name: "omits from.namespace when it is the object's",
      before: undefined,
      request: set("demo/app:1.2", ["web"]),
      want: [entry("app:1.2", "web")],
    },
    {
      name: "writes from.namespace for another namespace",
      before: undefined,
      request: set("shared/pg:15", ["web"]),
      want: [{ from: ist("pg:15", "shared"), fieldPath: fp("containers", "web") }],
    },
    {
      name: "writes an init container's trigger under initContainers",
      before: undefined,
      request: set("mig:1", ["migrate"]),
      want: [{ from: ist("mig:1"), fieldPath: fp("initContainers", "migrate") }],
    },
    {
      name: "rewrites oc's containers[] path of an init container",
      before: [{ from: ist("mig:1"), fieldPath: fp("containers", "migrate") }],
      request: set("mig:1", ["migrate"]),
      want: [{ from: ist("mig:1"), fieldPath: fp("initContainers", "migrate") }],
    },
    {
      name: "replaces an index or single-quoted path with the canonical one",
      before: [
        { from: ist("app:1.1"), fieldPath: "spec.template.spec.containers[0].image" },
        {
          from: ist("side:1"),
          fieldPath: "spec.template.spec.containers[?(@.name='sidecar')].image",
        },
      ],
      request: set("app:1.1", ["web", "sidecar"]),
      want: [entry("app:1.1", "web"), entry("app:1.1", "sidecar")],
    },
    {
      name: "keeps one entry where two wrote the same container",
      before: [
        web11,
        side,
        { from: ist("app:1.1"), fieldPath: "spec.template.spec.containers[0].image" },
      ],
      request: set("app:1.2", ["web"]),
      want: [entry("app:1.2", "web"), side],
    },
    {
      name: "keeps an entry whose container is gone",
      before: [entry("app:1.1", "gone"), web11],
      request: set("app:1.2", ["web"]),
      want: [entry("app:1.1", "gone"), entry("app:1.2", "web")],
    },
    {
      name: "rewrites the string paused as a boolean (D4)",
      before: [entry("app:1.1", "web", { paused: "true" })],
      request: set("app:1.1", ["web"], true),
      want: [entry("app:1.1", "web", { paused: true })],
    },
    {
      name: "removes by container",
      before: [web11, side],
      request: remove(undefined, ["web"]),
      want: [side],
    },
    {
      name: "removes by image stream tag",
      before: [web11, side, entry("app:1.1", "migrate")],
      request: remove("app:1.1"),
      want: [side],
    },
    {
      name: "removes by image stream tag in its namespace only",
      before: [{ from: ist("app:1.1", "other"), fieldPath: fp("containers", "web") }, side],
      request: remove("app:1.1"),
      want: "unchanged",
    },
    {
      name: "removes by both",
      before: [web11, side],
      request: remove("side:1", ["web", "sidecar"]),
      want: [web11],
    },
    {
      name: "removes the annotation with its last entry",
      before: [web11],
      request: remove(undefined, ["web"]),
      want: undefined,
    },
    {
      name: "removes nothing that is not there",
      before: [web11],
      request: remove(undefined, ["sidecar"]),
      want: "unchanged",
    },
    {
      name: "removes from no annotation",
      before: undefined,
      request: remove("app:1.1"),
      want: "unchanged",
    },
    { name: "removes all", before: [web11, side], request: removeAll, want: undefined },
    {
      name: "removes all of an annotation that does not parse",
      before: quoted("[{"),
      request: removeAll,
      want: undefined,
    },
    { name: "removes all of none", before: undefined, request: removeAll, want: "unchanged" },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const before =
        c.before === undefined || typeof c.before === "string"
          ? c.before
          : quoted(JSON.stringify(c.before));
      const text = deployment(before);
      const after = apply(text, c.request);
      if (c.want === "unchanged") {
        assert.deepEqual(after.change.edits, []);
        assert.equal(after.text, text);
      } else if (c.want === undefined) {
        assert.equal(annotationOf(after.text), undefined);
      } else {
        assert.equal(
          annotationOf(after.text),
          JSON.stringify(c.want),
          "compact, in this key order",
        );
      }
    });
  }

  it("lists the triggers after the change", () => {
    const { change } = apply(
      deployment(quoted(JSON.stringify([side]))),
      set("shared/pg:15", ["web"]),
    );
    assert.deepEqual(change.rows, [
      { type: "config", containers: [], auto: true },
      { type: "image", from: "side:1", fromNamespace: "demo", containers: ["sidecar"], auto: true },
      { type: "image", from: "pg:15", fromNamespace: "shared", containers: ["web"], auto: true },
    ]);
  });
});

describe("set-triggers on a DeploymentConfig", () => {
  const ic = (from: string, names: string[], automatic = true, extra: object = {}) => ({
    type: "ImageChange",
    imageChangeParams: { automatic, containerNames: names, from: ist(from), ...extra },
  });
  const config = { type: "ConfigChange" };
  const last = { lastTriggeredImage: "quay.io/o/app@sha256:1111" };
  const cases: {
    name: string;
    before: unknown[] | undefined;
    request: Change;
    want: unknown[] | "unchanged";
  }[] = [
    {
      name: "replaces the trigger of a container in place, dropping the old source's last image",
      before: [config, ic("app:1.1", ["web"], true, last)],
      request: set("app:1.2", ["web"]),
      want: [config, ic("app:1.2", ["web"])],
    },
    {
      name: "pauses in place, keeping lastTriggeredImage",
      before: [ic("app:1.1", ["web"], true, last), config],
      request: set("app:1.1", ["web"], true),
      want: [ic("app:1.1", ["web"], false, last), config],
    },
    {
      name: "changes nothing when the trigger already says it",
      before: [config, ic("app:1.1", ["web"], true, last)],
      request: set("app:1.1", ["web"]),
      want: "unchanged",
    },
    {
      name: "adds a container to the trigger of the same source",
      before: [config, ic("app:1.1", ["web"], true, last)],
      request: set("app:1.1", ["worker"]),
      want: [config, ic("app:1.1", ["web", "worker"], true, last)],
    },
    {
      name: "moves a container to a new trigger, keeping the rest of the old one",
      before: [config, ic("app:1.1", ["web", "worker"])],
      request: set("app:1.2", ["worker"]),
      want: [config, ic("app:1.1", ["web"]), ic("app:1.2", ["worker"])],
    },
    {
      name: "merges into the trigger of the same source and removes the one left empty",
      before: [ic("app:1.1", ["web"]), ic("app:1.2", ["worker"])],
      request: set("app:1.1", ["worker"]),
      want: [ic("app:1.1", ["web", "worker"])],
    },
    {
      name: "creates spec.triggers with the ConfigChange the API server would default",
      before: undefined,
      request: set("app:1.2", ["web"]),
      want: [config, ic("app:1.2", ["web"])],
    },
    {
      name: "appends to an empty spec.triggers without adding ConfigChange",
      before: [],
      request: set("app:1.2", ["web"]),
      want: [ic("app:1.2", ["web"])],
    },
    {
      name: "writes from.namespace only for another namespace",
      before: [config],
      request: set("shared/pg:15", ["web"]),
      want: [
        config,
        {
          type: "ImageChange",
          imageChangeParams: {
            automatic: true,
            containerNames: ["web"],
            from: ist("pg:15", "shared"),
          },
        },
      ],
    },
    {
      name: "triggers an init container by name",
      before: [config],
      request: set("demo/mig:1", ["migrate"]),
      want: [config, ic("mig:1", ["migrate"])],
    },
    {
      name: "removes a container from its trigger",
      before: [config, ic("app:1.1", ["web", "worker"])],
      request: remove(undefined, ["worker"]),
      want: [config, ic("app:1.1", ["web"])],
    },
    {
      name: "removes a trigger left without containers",
      before: [config, ic("app:1.1", ["web"]), ic("side:1", ["worker"])],
      request: remove(undefined, ["web"]),
      want: [config, ic("side:1", ["worker"])],
    },
    {
      name: "removes by image stream tag",
      before: [config, ic("app:1.1", ["web"]), ic("side:1", ["worker"])],
      request: remove("side:1"),
      want: [config, ic("app:1.1", ["web"])],
    },
    {
      name: "removes all image triggers and keeps ConfigChange",
      before: [ic("app:1.1", ["web"]), config, ic("side:1", ["worker"])],
      request: removeAll,
      want: [config],
    },
    {
      name: "leaves [] when only image triggers were there",
      before: [ic("app:1.1", ["web"])],
      request: removeAll,
      want: [],
    },
    { name: "removes all of none", before: undefined, request: removeAll, want: "unchanged" },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const text = deploymentConfig(c.before);
      const after = apply(text, c.request);
      if (c.want === "unchanged") {
        assert.deepEqual(after.change.edits, []);
        assert.equal(after.text, text);
      } else {
        assert.deepEqual(dataOf(after.text)["spec"]?.["triggers"], c.want);
      }
    });
  }

  it("lists ConfigChange and each ImageChange trigger", () => {
    const target = targetIn(deploymentConfig([ic("app:1.1", ["web", "worker"], false)]));
    assert.deepEqual(listTriggers(target).rows, [
      { type: "config", containers: [], auto: false },
      {
        type: "image",
        from: "app:1.1",
        fromNamespace: "demo",
        containers: ["web", "worker"],
        auto: false,
      },
    ]);
  });
});

describe("set-triggers errors", () => {
  const cases: { name: string; text: string; request: Change; message: RegExp }[] = [
    {
      name: "a container that does not exist (O3)",
      text: deployment(),
      request: set("app:1.2", ["web", "nope", "db"]),
      message:
        /^apps\/web\.yaml:9: deployment\.apps\/web: not all container names exist: db, nope \(accepts: migrate, sidecar, web\)$/,
    },
    {
      name: "a container that does not exist, on --remove",
      text: deployment(),
      request: remove(undefined, ["nope"]),
      message: /not all container names exist: nope \(accepts: migrate, sidecar, web\)$/,
    },
    {
      name: "a DeploymentConfig container its annotation already triggers (O3)",
      text: deploymentConfig([], quoted(JSON.stringify([entry("app:1.1", "web")]))),
      request: set("app:1.2", ["worker", "web"]),
      message:
        /^apps\/web\.yaml:7: deploymentconfig\.apps\.openshift\.io\/app: only one trigger may reference each container: web\n {2}hint: /,
    },
    {
      name: "a stream tag the repository lacks",
      text: deployment(),
      request: set("app:9", ["web"]),
      message:
        /^apps\/web\.yaml:1: deployment\.apps\/web: --from-image=app:9: imagestreamtag "demo\/app:9" not found\n {2}hint: .*'imagestream-gitops tag SOURCE demo\/app:9' creates the tag$/,
    },
    {
      name: "a stream the repository lacks",
      text: deployment(),
      request: set("other/app:1.1", ["web"]),
      message:
        /imagestream "other\/app" not found in the repository\n {2}hint: .*import-image other\/app:1\.1/,
    },
    {
      name: "an annotation that does not parse, at the line of the error",
      text: deployment(
        `|-\n      [\n        {"from": {"kind": "ImageStreamTag"},\n        "fieldPath" "x"}\n      ]`,
      ),
      request: set("app:1.2", ["web"]),
      message:
        /^apps\/web\.yaml:10: deployment\.apps\/web: the image\.openshift\.io\/triggers annotation is not valid JSON: .*remove it with --remove-all$/,
    },
    {
      name: "an annotation that is not an array",
      text: deployment(quoted('{"from": {}}')),
      request: remove(undefined, ["web"]),
      message:
        /^apps\/web\.yaml:7: deployment\.apps\/web: the image\.openshift\.io\/triggers annotation must be a JSON array$/,
    },
    {
      name: "an annotation that is not a string",
      text: deployment("[]"),
      request: set("app:1.2", ["web"]),
      message: /annotation must be a string$/,
    },
    {
      name: "spec.triggers that is not a list",
      text: deploymentConfig().concat("  triggers: {type: ConfigChange}\n"),
      request: set("app:1.2", ["web"]),
      message:
        /^apps\/web\.yaml:1: deploymentconfig\.apps\.openshift\.io\/app: spec\.triggers is not a list$/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const target = targetIn(c.text);
      assert.throws(
        () => changeTriggers(target, c.request, scope),
        (err: unknown) => err instanceof InputError && c.message.test(err.message),
      );
    });
  }

  it("reports an annotation that does not parse when listing, too", () => {
    assert.throws(() => listTriggers(targetIn(deployment(quoted("[{]")))), {
      code: "INPUT_INVALID",
      message: /not valid JSON/,
    });
  });
});
