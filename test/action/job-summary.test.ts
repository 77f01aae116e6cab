/** The job summary: what changes as tables, unchanged tags counted, long tables cut with a count. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderJobSummary, summaryRowLimit } from "../../src/action/job-summary.ts";
import type { PublishResult } from "../../src/publish/publish.ts";
import { digest, image, planAgainst, streamsOf, workloadsOf } from "../support/plan-fixture.ts";

const streams = streamsOf(`
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: team}
spec:
  tags:
    - name: "1.0"
      annotations: {imagestream-gitops.io/imported-from: "quay.io/acme/app:1.0 Legacy"}
      from: {kind: DockerImage, name: "quay.io/acme/app:1.0"}
    - name: "2.0"
      from: {kind: DockerImage, name: "quay.io/acme/app:2.0"}
    - name: gone
      from: {kind: DockerImage, name: "quay.io/acme/app:gone"}
status:
  tags:
    - tag: "1.0"
      items:
        - created: "2026-11-01T00:00:00Z"
          dockerImageReference: "quay.io/acme/app@${digest("1")}"
          image: "${digest("1")}"
          generation: 1
`);
const workloads = workloadsOf(
  `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:2.0"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'
spec:
  template:
    spec:
      containers:
        - name: web
          image: quay.io/acme/app:old
`,
  streams,
);

describe("renderJobSummary", () => {
  const { plan } = planAgainst(
    streams,
    {
      images: {
        "quay.io/acme/app:1.0": image(digest("1")),
        "quay.io/acme/app:2.0": image(digest("2")),
      },
    },
    { workloads },
  );

  it("lists the tags that change or fail, the trigger patches and the summary line; unchanged tags are only counted", () => {
    const md = renderJobSummary({ command: "plan", plan, dryRun: true });
    assert.match(md, /^## imagestream-gitops plan \(dry run\)\n/);
    assert.match(md, /\*\*Plan: 1 to import, 1 failed, 1 unchanged\.\*\*/);
    assert.match(md, /\| team\/app \| `2\.0` \| import \| — \| `2{12}` \| /);
    assert.match(
      md,
      /\| team\/app \| `gone` \| fail \| — \| — \| NotFound: .*"quay\.io\/acme\/app:gone" not found \|\n/,
    );
    assert.doesNotMatch(md, /`1\.0`/, "an unchanged tag is not a row");
    assert.match(md, /### Trigger patches\n\n\| File \| Workload \| Container \| New image \|/);
    assert.match(
      md,
      /\| workloads\.yaml \| Deployment\/web \| `web` \| `quay\.io\/acme\/app@sha256:2{12}` \|/,
    );
    assert.doesNotMatch(md, /### Pull requests/);
  });

  it("names the pull request of each branch a reconcile published", () => {
    const result = {
      branch: "imagestream-gitops/update",
      base: "main",
      title: "Update team/app:2.0 | now",
      body: "",
      pushed: true,
      pullRequest: { number: 7, url: "https://github.com/acme/gitops/pull/7", action: "created" },
      warnings: [],
    } as unknown as PublishResult;
    const md = renderJobSummary({ command: "reconcile", plan, dryRun: false, publish: [result] });
    assert.match(md, /^## imagestream-gitops reconcile\n/);
    assert.match(
      md,
      /\| `imagestream-gitops\/update` \| \[#7\]\(https:\/\/github\.com\/acme\/gitops\/pull\/7\) created \| Update team\/app:2\.0 \\\| now \| pushed \|/,
      "a pipe in the title cannot add a column",
    );
  });

  it(`shows at most ${String(summaryRowLimit)} rows a table and counts the rest`, () => {
    const many = streamsOf(`
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: many, namespace: team}
spec:
  tags:
${Array.from({ length: summaryRowLimit + 50 }, (_, i) => `    - {name: "t${String(i)}", from: {kind: DockerImage, name: "quay.io/acme/many:t${String(i)}"}}`).join("\n")}
`);
    const answers = Object.fromEntries(
      Array.from({ length: summaryRowLimit + 50 }, (_, i) => [
        `quay.io/acme/many:t${String(i)}`,
        image(digest("3")),
      ]),
    );
    const big = planAgainst(many, { images: answers }).plan;
    const md = renderJobSummary({ command: "plan", plan: big, dryRun: true });
    assert.equal(md.match(/^\| team\/many \|/gm)?.length, summaryRowLimit);
    assert.match(md, /…and 50 more rows \(250 in all; the plan-json output has every one\)\./);
  });
});
