/** JSON log lines: one object a line, time, level and msg first and never overwritten by fields. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonLog } from "../../src/serve/json-log.ts";

describe("jsonLog", () => {
  it("writes one object per line, with the fields of `with` and of the call", () => {
    const written: string[] = [];
    const log = jsonLog(
      (line) => written.push(line),
      () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    );
    log
      .with({ run: 3 })
      .warn("multi\nline", { level: "forged", msg: "forged", count: 2n, err: new Error("boom") });
    log.info("plain");
    assert.equal(written.length, 2);
    assert.ok(written.every((line) => line.endsWith("\n") && !line.slice(0, -1).includes("\n")));
    assert.equal(
      written[0],
      '{"time":"2026-01-02T03:04:05.000Z","level":"warn","msg":"multi\\nline","run":3,"count":"2","err":"boom"}\n',
    );
    assert.equal(written[1], '{"time":"2026-01-02T03:04:05.000Z","level":"info","msg":"plain"}\n');
  });
});
