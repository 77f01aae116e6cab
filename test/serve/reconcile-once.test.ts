/**
 * A run's outcome as the runner counts it: changes proposed are branches
 * pushed and pull requests opened or updated, registry requests the sum
 * over hosts; and the run log as JSON lines.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PublishResult } from "../../src/publish/publish.ts";
import type { ReconcileOutcome } from "../../src/reconcile/reconcile-repository.ts";
import {
  logImportFailures,
  logMirrorFailures,
  runLog,
  summarize,
} from "../../src/serve/reconcile-once.ts";
import { planAgainst, streamsOf } from "../support/plan-fixture.ts";
import { memoryLog } from "./fakes.ts";

function result(
  branch: string,
  pushed: boolean,
  action?: "created" | "updated" | "unchanged" | "closed",
): PublishResult {
  return {
    branch,
    base: "main",
    decision: { branch: { kind: "keep", reason: "" }, pullRequest: { kind: "none" } },
    title: "t",
    body: "b",
    pushed,
    ...(action === undefined ? {} : { pullRequest: { number: 7, url: "https://x/7", action } }),
    warnings: [],
  };
}

function outcome(
  publish: readonly PublishResult[],
  registries: Record<string, unknown>,
  plan = planAgainst([], { images: {} }).plan,
): ReconcileOutcome {
  return {
    exitCode: 0,
    stopped: false,
    forge: "github",
    dryRun: false,
    plan,
    diagnostics: [],
    changes: [],
    publish,
    registries,
    timings: { load: 1.5 },
    mask: (text) => text,
  };
}

describe("summarize", () => {
  const cases = [
    { name: "nothing published", publish: [], want: 0 },
    {
      name: "a branch pushed, its pull request created",
      publish: [result("a", true, "created")],
      want: 1,
    },
    {
      name: "a pull request updated without a push",
      publish: [result("a", false, "updated")],
      want: 1,
    },
    { name: "a branch pushed with the local forge", publish: [result("a", true)], want: 1 },
    {
      name: "unchanged and closed are not proposals",
      publish: [result("a", false, "unchanged"), result("b", false, "closed")],
      want: 0,
    },
    {
      name: "one per branch, per stream",
      publish: [result("a", true, "created"), result("b", true, "updated"), result("c", false)],
      want: 2,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(summarize(outcome(c.publish, {})).changesProposed, c.want);
    });
  }

  it("adds up the requests of every registry host, ignoring what is not a count", () => {
    const registries = {
      "quay.io": { requests: 12, retries: 1 },
      "mirror registry.example.com": { requests: 30 },
      odd: { requests: "many" },
    };
    const summary = summarize(outcome([result("a", true, "created")], registries));
    assert.equal(summary.registryRequests, 42);
    assert.deepEqual(summary.details?.["publish"], [
      {
        branch: "a",
        base: "main",
        pushed: true,
        pullRequest: { number: 7, url: "https://x/7", action: "created" },
      },
    ]);
  });
});

describe("runLog", () => {
  it("writes a diagnostic as one line with its code and position", () => {
    const logged = memoryLog(() => new Date(0));
    runLog(logged.log).diagnostics(
      [
        {
          severity: "error",
          code: "DUPLICATE_TAG",
          message: 'tag "1" is defined twice',
          file: "a.yaml",
          line: 3,
          col: 5,
          pointer: "/spec/tags/1",
          hint: "remove one",
        },
      ],
      new Map(),
    );
    assert.deepEqual(logged.lines, [
      {
        time: "1970-01-01T00:00:00.000Z",
        level: "error",
        msg: 'tag "1" is defined twice',
        code: "DUPLICATE_TAG",
        file: "a.yaml",
        line: 3,
        col: 5,
        hint: "remove one",
      },
    ]);
  });
});

describe("logImportFailures", () => {
  it("writes one error line per failed import, with the stream, tag, reason and masked message", () => {
    const streams = streamsOf(`apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
    - name: "1"
      from: {kind: DockerImage, name: quay.io/o/a:1}
`);
    const { plan } = planAgainst(streams, {
      images: {
        "quay.io/o/a:1": {
          kind: "error",
          failure: { reason: "Unauthorized", message: "token s3cret refused" },
        },
      },
    });
    const logged = memoryLog(() => new Date(0));
    const masked = { ...outcome([], {}, plan), mask: (t: string) => t.replace("s3cret", "***") };
    logImportFailures(masked, logged.log);
    assert.deepEqual(logged.lines, [
      {
        time: "1970-01-01T00:00:00.000Z",
        level: "error",
        msg: "import failed",
        stream: "demo/app",
        file: "streams.yaml",
        line: 1,
        tag: "1",
        code: "Unauthorized",
        error: "token *** refused",
      },
    ]);
  });
});

describe("logMirrorFailures", () => {
  it("writes one error line per failed copy and unchecked destination, none for the others", () => {
    const { plan } = planAgainst([], {});
    const mirror = {
      namespace: "payments",
      stream: "ledger",
      tag: "4.2",
      origin: "local" as const,
      from: "quay.io/o/ledger@sha256:1",
      to: "registry.example.com/mirror/payments/ledger@sha256:1",
    };
    const mirrors = [
      { ...mirror, action: "failed" as const, reason: "copy failed: token s3cret: 403 denied" },
      {
        ...mirror,
        tag: "4.3",
        action: "unchecked" as const,
        reason: "the destination did not answer",
      },
      { ...mirror, tag: "4.4", action: "copied" as const, reason: "copied" },
    ];
    const logged = memoryLog(() => new Date(0));
    const failed = {
      ...outcome([], {}, { ...plan, mirrors }),
      mask: (t: string) => t.replace("s3cret", "***"),
    };
    logMirrorFailures(failed, logged.log);
    assert.deepEqual(
      logged.lines.map((l) => [l.level, l.msg, l.tag, l.code, l.error]),
      [
        ["error", "copy failed", "4.2", "MIRROR_FAILED", "copy failed: token ***: 403 denied"],
        [
          "error",
          "mirror destination not checked",
          "4.3",
          "MIRROR_UNCHECKED",
          "the destination did not answer",
        ],
      ],
    );
  });
});
