/** The metrics text: Prometheus exposition format 0.0.4, a HELP and TYPE line before each sample. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { emptyMetrics, renderMetrics } from "../../src/serve/metrics.ts";

describe("renderMetrics", () => {
  it("writes every metric with its HELP and TYPE, in the exposition format", () => {
    const text = renderMetrics({
      ...emptyMetrics(),
      runs: 3,
      failures: 1,
      changesProposed: 2,
      registryRequests: 41,
      skippedTicks: 5,
      lastSuccessMs: 1_782_900_000_500,
      lastRunMs: 2_250,
      runInProgress: true,
    });
    const samples = Object.fromEntries(
      text
        .split("\n")
        .filter((line) => line !== "" && !line.startsWith("#"))
        .map((line) => line.split(" ") as [string, string]),
    );
    assert.deepEqual(samples, {
      imagestream_gitops_runs_total: "3",
      imagestream_gitops_run_failures_total: "1",
      imagestream_gitops_changes_proposed_total: "2",
      imagestream_gitops_registry_requests_total: "41",
      imagestream_gitops_skipped_ticks_total: "5",
      imagestream_gitops_last_success_timestamp_seconds: "1782900000.5",
      imagestream_gitops_last_run_duration_seconds: "2.25",
      imagestream_gitops_run_in_progress: "1",
    });
    assert.ok(text.endsWith("\n"));
  });

  it("keeps the format's grammar: HELP, TYPE, then one sample of that name", () => {
    const lines = renderMetrics(emptyMetrics()).trimEnd().split("\n");
    assert.equal(lines.length % 3, 0);
    for (let i = 0; i < lines.length; i += 3) {
      const help = /^# HELP (imagestream_gitops_[a-z_]+) \S.*$/.exec(lines[i] ?? "");
      assert.ok(help, lines[i]);
      const name = help[1] ?? "";
      const type = /^# TYPE (\S+) (counter|gauge)$/.exec(lines[i + 1] ?? "");
      assert.equal(type?.[1], name);
      assert.equal(
        type[2] === "counter",
        name.endsWith("_total"),
        `${name}: counters end in _total`,
      );
      assert.match(lines[i + 2] ?? "", new RegExp(`^${name} [0-9.]+$`));
    }
  });
});
