/**
 * --shard i/n: the split is stable, disjoint and complete; streams that
 * resolve from one another share a shard; every trigger goes with its
 * stream's shard.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { loadRepository } from "../../src/load/load-repository.ts";
import type { StreamEntry } from "../../src/model/repository.ts";
import { parseShard, selectShard, shardOfKey } from "../../src/plan/shard.ts";
import { projectRoot } from "../support/temp-repo.ts";

function entry(
  namespace: string,
  name: string,
  from?: { kind: string; name: string; namespace?: string },
): StreamEntry {
  const tags = from === undefined ? [] : [{ name: "t", from }];
  return {
    namespace,
    stream: {
      apiVersion: "image.openshift.io/v1",
      kind: "ImageStream",
      metadata: { name },
      spec: { tags },
    },
    at: { file: { path: `${name}.yaml`, text: "" }, document: 0, pointer: "", line: 1, endLine: 1 },
  } as unknown as StreamEntry;
}

describe("parseShard", () => {
  const cases: readonly [string, ReturnType<typeof parseShard>][] = [
    ["1/1", { index: 1, count: 1 }],
    ["3/4", { index: 3, count: 4 }],
    [" 2/2 ", { index: 2, count: 2 }],
    ["0/4", undefined],
    ["5/4", undefined],
    ["1/1025", undefined],
    ["1-4", undefined],
    ["a/b", undefined],
    ["", undefined],
  ];
  for (const [text, want] of cases) {
    it(JSON.stringify(text), () => {
      assert.deepEqual(parseShard(text), want);
    });
  }
});

describe("selectShard", () => {
  it("is stable: these shards are pinned, since a new hash would move streams to other shards' branches", () => {
    // sha256(key)[0..4] as a big-endian uint32, mod 4, plus 1.
    const keys = ["demo/ruby", "shared/base", "shared/postgresql", "payments/ledger"];
    assert.deepEqual(
      keys.map((k) => shardOfKey(k, 4)),
      [3, 4, 2, 2],
    );
    assert.equal(shardOfKey("demo/ruby", 1), 1);
  });

  it("splits 1,000 streams into disjoint shards that cover them all, none empty or far off the mean", () => {
    const streams = Array.from({ length: 1000 }, (_, i) =>
      entry(`ns${String(i % 7)}`, `s${String(i)}`),
    );
    const seen = new Set<string>();
    for (let index = 1; index <= 4; index++) {
      const part = selectShard(streams, [], { index, count: 4 });
      assert.ok(
        part.streams.length > 180 && part.streams.length < 320,
        String(part.streams.length),
      );
      for (const s of part.streams) {
        const key = `${s.namespace}/${s.stream.metadata.name}`;
        assert.ok(!seen.has(key), `${key} in two shards`);
        seen.add(key);
      }
    }
    assert.equal(seen.size, 1000);
  });

  it("keeps streams that resolve from one another together, across namespaces and chains", () => {
    for (let count = 2; count <= 16; count++) {
      // b/app resolves from a/base; c/tool from b/app: one chain across namespaces.
      const streams = [
        entry("a", "base"),
        entry("b", "app", { kind: "ImageStreamTag", name: "base:1", namespace: "a" }),
        entry("c", "tool", {
          kind: "ImageStreamImage",
          name: `app@sha256:${"1".repeat(64)}`,
          namespace: "b",
        }),
        entry("d", "self", { kind: "ImageStreamTag", name: "2.0" }),
      ];
      const owner = (ns: string, name: string): number =>
        [...Array(count).keys()]
          .map((i) => i + 1)
          .find((index) => selectShard(streams, [], { index, count }).owns(ns, name)) ?? 0;
      assert.equal(owner("b", "app"), owner("a", "base"), `count ${String(count)}`);
      assert.equal(owner("c", "tool"), owner("a", "base"), `count ${String(count)}`);
    }
  });

  it("on examples/: every stream and every trigger is planned by exactly one shard", async () => {
    const { model } = await loadRepository({ root: path.join(projectRoot, "examples") });
    const triggers = model.workloads.reduce((n, w) => n + w.triggers.length, 0);
    let streams = 0;
    let planned = 0;
    for (let index = 1; index <= 3; index++) {
      const part = selectShard(model.streams, model.workloads, { index, count: 3 });
      streams += part.streams.length;
      planned += part.workloads.reduce((n, w) => n + w.triggers.length, 0);
      for (const w of part.workloads) {
        for (const t of w.triggers) assert.ok(part.owns(t.source.namespace, t.source.stream));
      }
    }
    assert.equal(streams, model.streams.length);
    assert.equal(planned, triggers);
  });
});
