/**
 * examples/kubernetes agrees with the commands it runs: every flag it
 * passes is one `serve` or `reconcile` takes, the probes point at the
 * endpoint serve answers, no credential is applied from the file, and the
 * Indexed Job's shards cover 1..N with a retry budget per shard.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { reconcileHelp } from "../../src/cli/reconcile.ts";
import { serveHelp } from "../../src/serve/serve-command.ts";
import { projectRoot } from "../support/temp-repo.ts";

type Doc = Record<string, unknown>;

async function documents(name: string): Promise<Doc[]> {
  const text = await readFile(path.join(projectRoot, "examples", "kubernetes", name), "utf8");
  return parseAllDocuments(text).map((d) => d.toJS() as Doc);
}

function at(doc: unknown, ...keys: (string | number)[]): unknown {
  return keys.reduce<unknown>(
    (v, k) => (v as Record<string | number, unknown> | undefined)?.[k],
    doc,
  );
}

function flagsOf(words: readonly string[]): string[] {
  return words.filter((w) => w.startsWith("--"));
}

describe("examples/kubernetes", () => {
  it("serve-deployment.yaml runs serve with flags it takes, probes /healthz, and applies no Secret", async () => {
    const docs = await documents("serve-deployment.yaml");
    assert.deepEqual(
      docs.map((d) => d["kind"]),
      ["Deployment", "Service"],
    );
    const container = at(docs[0], "spec", "template", "spec", "containers", 0) as Doc;
    const args = container["args"] as string[];
    assert.equal(args[0], "serve");
    for (const flag of flagsOf(args))
      assert.ok(serveHelp.includes(`  ${flag} `), `serve takes ${flag}`);
    assert.equal(args[args.indexOf("--listen") + 1], "0.0.0.0:9090");
    for (const probe of ["readinessProbe", "livenessProbe"])
      assert.equal(at(container, probe, "httpGet", "path"), "/healthz");
    assert.equal(
      at(docs[1], "metadata", "annotations"),
      undefined,
      "scraped once, through the pod",
    );
  });

  it("reconcile-cronjob.yaml runs one reconcile per shard, 1..N, each with its own retry budget", async () => {
    const [cron] = await documents("reconcile-cronjob.yaml");
    const job = at(cron, "spec", "jobTemplate", "spec") as Doc;
    assert.equal(job["completionMode"], "Indexed");
    assert.equal(job["backoffLimitPerIndex"], 0);
    assert.equal(job["backoffLimit"], undefined, "one failing shard must not end the others");
    const script = (at(job, "template", "spec", "containers", 0, "args", 0) as string).split(/\s+/);
    assert.equal(script.slice(0, 3).join(" "), "exec imagestream-gitops reconcile");
    for (const flag of flagsOf(script))
      assert.ok(reconcileHelp.includes(`  ${flag} `), `reconcile takes ${flag}`);
    assert.match(
      script.join(" "),
      new RegExp(
        `--shard "\\$\\(\\(JOB_COMPLETION_INDEX \\+ 1\\)\\)/${String(job["completions"])}"`,
      ),
    );
  });
});
