/**
 * set-triggers' flags as a request, checked as `oc set triggers` checks them
 * (O1, O2 and oc's Validate), with oc's messages verbatim where oc has one.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "../../src/errors.ts";
import {
  parseContainers,
  parseFromImage,
  parseTriggerRequest,
  type TriggerFlags,
} from "../../src/cli/trigger-request.ts";

const none: TriggerFlags = { paused: false, remove: false, removeAll: false };

describe("parseFromImage", () => {
  const good: [input: string, want: object][] = [
    ["app:1.2", { stream: "app", tag: "1.2", text: "app:1.2" }],
    ["shared/pg:15", { namespace: "shared", stream: "pg", tag: "15", text: "shared/pg:15" }],
    ["my-app.web:latest", { stream: "my-app.web", tag: "latest", text: "my-app.web:latest" }],
  ];
  for (const [input, want] of good) {
    it(`reads ${input}`, () => {
      assert.deepEqual(parseFromImage(input), want);
    });
  }

  const bad: [input: string, message: string | RegExp][] = [
    ["quay.io", "the value of --from-image must point to an image stream tag on this server"],
    [
      "quay.io/org/app:1",
      "the value of --from-image must point to an image stream tag on this server",
    ],
    [
      "localhost:5000/app:1",
      "the value of --from-image must point to an image stream tag on this server",
    ],
    [
      `app@sha256:${"a".repeat(64)}`,
      "the value of --from-image must point to an image stream tag on this server",
    ],
    ["app", "the value of --from-image must include the tag you wish to pull from"],
    ["shared/app", "the value of --from-image must include the tag you wish to pull from"],
    ["App:1", /^the value of --from-image does not appear to be a valid reference to an image: /],
    ["app:", /^the value of --from-image does not appear to be a valid reference to an image: /],
    ["a/b/c:1", /^--from-image=a\/b\/c:1: invalid image stream name "b\/c"/],
    ["Bad_NS/app:1", /^the value of --from-image does not appear to be a valid reference/],
  ];
  for (const [input, message] of bad) {
    it(`refuses ${input}`, () => {
      assert.throws(
        () => parseFromImage(input),
        (err: unknown) =>
          err instanceof UsageError &&
          (typeof message === "string" ? err.message === message : message.test(err.message)),
      );
    });
  }
});

describe("parseContainers", () => {
  it("splits on commas and drops blanks", () => {
    assert.deepEqual(parseContainers("web, sidecar,,"), ["web", "sidecar"]);
  });

  it("refuses a container named twice (O3)", () => {
    assert.throws(() => parseContainers("web,db,web,db"), {
      code: "USAGE",
      message: "only one trigger may reference each container: db, web",
    });
  });
});

describe("parseTriggerRequest", () => {
  const from = { stream: "app", tag: "1.2", text: "app:1.2" };
  const good: [name: string, flags: Partial<TriggerFlags>, want: object][] = [
    ["lists without flags", {}, { action: "list" }],
    [
      "sets",
      { fromImage: "app:1.2", containers: "web,sidecar" },
      { action: "set", from, containers: ["web", "sidecar"], paused: false },
    ],
    [
      "sets paused",
      { fromImage: "app:1.2", containers: "web", paused: true },
      { action: "set", from, containers: ["web"], paused: true },
    ],
    [
      "removes by container",
      { remove: true, containers: "web" },
      { action: "remove", containers: ["web"] },
    ],
    ["removes by image", { remove: true, fromImage: "app:1.2" }, { action: "remove", from }],
    [
      "removes by both",
      { remove: true, fromImage: "app:1.2", containers: "web" },
      { action: "remove", from, containers: ["web"] },
    ],
    ["removes all", { removeAll: true }, { action: "removeAll" }],
  ];
  for (const [name, flags, want] of good) {
    it(name, () => {
      assert.deepEqual(parseTriggerRequest({ ...none, ...flags }), want);
    });
  }

  const bad: [flags: Partial<TriggerFlags>, message: string][] = [
    [{ fromImage: "app:1.2" }, "you must specify --containers when setting --from-image"],
    [
      { fromImage: "app:1.2", containers: " , " },
      "you must specify --containers when setting --from-image",
    ],
    [{ remove: true, removeAll: true }, "you must specify either --remove or --remove-all"],
    [{ removeAll: true, fromImage: "app:1.2" }, "--remove-all may not be used with any other flag"],
    [{ removeAll: true, containers: "web" }, "--remove-all may not be used with any other flag"],
    [{ removeAll: true, paused: true }, "--remove-all may not be used with any other flag"],
    [{ remove: true }, "--remove needs --from-image, --containers or both to name the triggers"],
    [
      { remove: true, containers: "," },
      "--remove needs --from-image, --containers or both to name the triggers",
    ],
    [{ remove: true, containers: "web", paused: true }, "--paused may not be used with --remove"],
    [{ containers: "web" }, "--containers needs --from-image (or --remove)"],
    [{ paused: true }, "--paused needs --from-image"],
  ];
  for (const [flags, message] of bad) {
    it(`refuses ${JSON.stringify(flags)}`, () => {
      assert.throws(() => parseTriggerRequest({ ...none, ...flags }), { code: "USAGE", message });
    });
  }
});
