/** KIND/NAME as kubectl spells it: the kinds that take triggers, by any of their names. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { kindOfAlias, parseKindName } from "../../src/cli/trigger-targets.ts";

describe("kindOfAlias", () => {
  const cases: [text: string, want: string | undefined][] = [
    ["deployment", "Deployment"],
    ["Deployments", "Deployment"],
    ["deploy", "Deployment"],
    ["deployment.apps", "Deployment"],
    ["statefulset", "StatefulSet"],
    ["sts", "StatefulSet"],
    ["daemonsets", "DaemonSet"],
    ["ds", "DaemonSet"],
    ["cronjob", "CronJob"],
    ["cj", "CronJob"],
    ["cronjobs.batch", "CronJob"],
    ["job", "Job"],
    ["jobs", "Job"],
    ["replicaset", "ReplicaSet"],
    ["rs", "ReplicaSet"],
    ["replicationcontrollers", "ReplicationController"],
    ["rc", "ReplicationController"],
    ["pod", "Pod"],
    ["po", "Pod"],
    ["pods", "Pod"],
    ["deploymentconfig", "DeploymentConfig"],
    ["DC", "DeploymentConfig"],
    ["deploymentconfigs.apps.openshift.io", "DeploymentConfig"],
    ["bc", undefined],
    ["buildconfig", undefined],
    ["service", undefined],
    ["d", undefined],
  ];
  for (const [text, want] of cases) {
    it(`${text} is ${want ?? "no kind that takes triggers"}`, () => {
      assert.equal(kindOfAlias(text), want);
    });
  }
});

describe("parseKindName", () => {
  it("splits KIND/NAME", () => {
    assert.deepEqual(parseKindName("deploy/web"), { kind: "deploy", name: "web" });
  });

  it("refuses anything else", () => {
    for (const text of ["web", "deploy/", "/web", "apps/demo/web.yaml"]) {
      assert.equal(parseKindName(text), undefined, text);
    }
  });
});
