/** The pull request title (and commit subject) of each shape of proposal. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderTitle } from "../../src/publish/pr-title.ts";
import type { Proposal } from "../../src/publish/proposal.ts";
import {
  digest,
  proposal,
  referenceTag,
  tagChange,
  triggerPatch,
} from "../support/proposal-builder.ts";

const ruby = (tag: string) =>
  tagChange({ namespace: "demo", stream: "ruby", tag, newImage: digest("22aa1c60025a") });
const web = (container: string, workload = "Deployment/web") =>
  triggerPatch({ workload, container, source: "demo/ruby:3.3", newImage: "r/ruby@sha256:1" });

const cases: readonly { name: string; input: Proposal; want: string }[] = [
  {
    name: "one tag",
    input: proposal({ tags: [ruby("3.3")] }),
    want: "Update demo/ruby:3.3 to sha256:22aa1c60",
  },
  {
    name: "one reference tag",
    input: proposal({
      tags: [
        referenceTag({
          namespace: "demo",
          stream: "ruby",
          tag: "3.3",
          newPullSpec: "quay.io/o/ruby:3.3",
        }),
      ],
    }),
    want: "Update demo/ruby:3.3 to quay.io/o/ruby:3.3",
  },
  {
    name: "one tag, too long for its digest",
    input: proposal({
      tags: [
        tagChange({
          namespace: "a-very-long-namespace-name",
          stream: "an-even-longer-stream-name",
          tag: "3.3",
        }),
      ],
    }),
    want: "Update a-very-long-namespace-name/an-even-longer-stream-name:3.3",
  },
  {
    name: "tags of one stream",
    input: proposal({ tags: [ruby("3.3"), ruby("3.4"), ruby("3")] }),
    want: "Update demo/ruby: 3 tags",
  },
  {
    name: "several streams",
    input: proposal({
      tags: [
        ruby("3.3"),
        ruby("3.4"),
        ...["a", "b", "c"].map((s) => tagChange({ namespace: "demo", stream: s, tag: "1" })),
      ],
    }),
    want: "Update 5 image stream tags in 4 streams",
  },
  {
    name: "tags and triggers",
    input: proposal({ tags: [ruby("3.3")], triggers: [web("web")] }),
    want: "Update demo/ruby:3.3 to sha256:22aa1c60",
  },
  {
    name: "only trigger patches",
    input: proposal({ triggers: [web("web"), web("sidecar"), web("worker", "Deployment/worker")] }),
    want: "Point 2 workloads at their image stream tags",
  },
  {
    name: "one workload's containers",
    input: proposal({ triggers: [web("web"), web("init")] }),
    want: "Point Deployment/web at demo/ruby:3.3",
  },
  {
    name: "only mirrors",
    input: proposal({
      mirrors: [{ subject: "demo/ruby:3.3", from: "a", to: "b", action: "copied", reason: "" }],
    }),
    want: "Mirror 1 image",
  },
  { name: "nothing", input: proposal(), want: "Update image streams" },
  {
    name: "never longer than 72",
    input: proposal({
      tags: [tagChange({ namespace: "n".repeat(40), stream: "s".repeat(40), tag: "t" })],
    }),
    want: `Update ${"n".repeat(40)}/${"s".repeat(23)}…`,
  },
];

describe("renderTitle", () => {
  for (const { name, input, want } of cases) {
    it(name, () => {
      const title = renderTitle(input);
      assert.equal(title, want);
      assert.ok(title.length <= 72 && !title.endsWith("."));
    });
  }
});
