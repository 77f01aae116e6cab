/**
 * The copies a plan asks for (D9 and the config's mirrors): which tags need
 * one, where it goes and under which tag, and what the destination's answer
 * makes of it. Pure: registry answers come from a table.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultConfig } from "../../src/load/config.ts";
import { mappedDestination } from "../../src/plan/plan-mirrors.ts";
import { digest, image, planAgainst, streamsOf } from "../support/plan-fixture.ts";

const D1 = digest("1");
const D2 = digest("2");

function stream(tags: string): string {
  return `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
${tags}`;
}

const localTag = `  - name: "1.2"
    from: {kind: DockerImage, name: quay.io/o/app:1.2}
    referencePolicy: {type: Local}
    importPolicy: {insecure: true}
`;
const sourceTag = `  - name: "2.0"
    from: {kind: DockerImage, name: quay.io/o/app:2.0}
`;

describe("planMirrors: referencePolicy Local (D9)", () => {
  const streams = streamsOf(stream(localTag + sourceTag));
  const config = { localRegistry: "mirror.example/lab" };
  const registry = (held: boolean) => ({
    images: {
      "quay.io/o/app:1.2": image(D1),
      "quay.io/o/app:2.0": image(D2),
      ...(held ? { [`mirror.example/lab/demo/app@${D1}`]: image(D1) } : {}),
    },
  });

  it("asks for a copy of the Local tag's image, tagged with the stream tag, and none for a Source tag", () => {
    const { plan, imageRequests } = planAgainst(streams, registry(false), { config });
    assert.deepEqual(plan.mirrors, [
      {
        namespace: "demo",
        stream: "app",
        tag: "1.2",
        insecure: true,
        origin: "local",
        from: `quay.io/o/app@${D1}`,
        to: `mirror.example/lab/demo/app@${D1}`,
        destinationTag: "1.2",
        action: "copy",
        reason: "the destination lacks the image",
      },
    ]);
    // The destination is asked once, by digest, after the tags settled.
    assert.deepEqual(
      imageRequests.filter((r) => r.from.startsWith("mirror.example")).map((r) => r.from),
      [`mirror.example/lab/demo/app@${D1}`],
    );
  });

  it("is present when the local registry holds the digest", () => {
    const { plan } = planAgainst(streams, registry(true), { config });
    assert.deepEqual(
      plan.mirrors.map((m) => [m.tag, m.action]),
      [["1.2", "present"]],
    );
  });

  it("asks for nothing without a local registry (L4: Local falls back to Source)", () => {
    const { plan } = planAgainst(streams, registry(false));
    assert.deepEqual(plan.mirrors, []);
  });

  it("is unchecked when the local registry cannot be asked", () => {
    const { plan } = planAgainst(
      streams,
      {
        images: {
          ...registry(false).images,
          [`mirror.example/lab/demo/app@${D1}`]: {
            kind: "error",
            failure: { reason: "InternalError", message: "connection refused" },
          },
        },
      },
      { config },
    );
    const [unchecked] = plan.mirrors;
    assert.ok(unchecked);
    assert.equal(unchecked.action, "unchecked");
    assert.match(unchecked.reason, /connection refused/);
  });

  it("asks for nothing for a tag whose import failed", () => {
    const { plan } = planAgainst(streams, { images: {} }, { config });
    assert.deepEqual(plan.mirrors, []);
  });
});

describe("planMirrors: D1 follows the image, not the tag", () => {
  it("reads an alias tag's copy insecurely when the tag it follows imports insecurely", () => {
    const streams = streamsOf(
      stream(`  - name: "1.0"
    from: {kind: DockerImage, name: plain.example/o/app:1.0}
    importPolicy: {insecure: true}
  - name: stable
    from: {kind: ImageStreamTag, name: "1.0"}
    referencePolicy: {type: Local}
`),
    );
    const { plan } = planAgainst(
      streams,
      { images: { "plain.example/o/app:1.0": image(D1) } },
      { config: { localRegistry: "mirror.example" } },
    );
    assert.deepEqual(
      plan.mirrors.map((m) => [m.tag, m.from, m.insecure]),
      [["stable", `plain.example/o/app@${D1}`, true]],
    );
  });
});

describe("planMirrors: the config's mirrors", () => {
  const mirrors = [
    { from: "quay.io/o", to: "mirror.example/quay/o" },
    { from: "quay.io/o/app", to: "mirror.example/app-only" },
  ];

  it("copies a tag whose repository is under a mapping, the longest match winning, tagged with the source tag", () => {
    const streams = streamsOf(stream(sourceTag));
    const { plan } = planAgainst(
      streams,
      { images: { "quay.io/o/app:2.0": image(D2) } },
      { config: { mirrors, importMode: "PreserveOriginal" } },
    );
    assert.deepEqual(
      plan.mirrors.map((m) => [m.origin, m.from, m.to, m.destinationTag, m.action]),
      [["mapping", `quay.io/o/app@${D2}`, `mirror.example/app-only@${D2}`, "2.0", "copy"]],
    );
  });

  it("pushes a Legacy import by digest alone: the mirror's tag never names one platform of an index", () => {
    const streams = streamsOf(stream(sourceTag));
    const { plan } = planAgainst(
      streams,
      { images: { "quay.io/o/app:2.0": image(D2) } },
      { config: { mirrors, importMode: "Legacy" } },
    );
    assert.equal(plan.mirrors.length, 1);
    assert.equal(plan.mirrors[0]?.destinationTag, undefined);
  });

  it("maps Docker Hub names written either way, and leaves unmapped repositories alone", () => {
    const config = {
      ...defaultConfig(),
      mirrors: [{ from: "docker.io/library", to: "mirror.example/hub" }],
    };
    assert.equal(mappedDestination(config, `nginx@${D1}`), "mirror.example/hub/nginx");
    assert.equal(
      mappedDestination(config, `docker.io/library/nginx@${D1}`),
      "mirror.example/hub/nginx",
    );
    assert.equal(mappedDestination(config, `quay.io/o/app@${D1}`), undefined);
    // A prefix matches whole path components only.
    assert.equal(
      mappedDestination(
        { ...config, mirrors: [{ from: "quay.io/o", to: "m.example/x" }] },
        `quay.io/other/app@${D1}`,
      ),
      undefined,
    );
  });

  it("pushes by digest alone when the spec pins a digest", () => {
    const streams = streamsOf(
      stream(`  - name: pinned
    from: {kind: DockerImage, name: "quay.io/o/app@${D1}"}
`),
    );
    const { plan } = planAgainst(
      streams,
      { images: { [`quay.io/o/app@${D1}`]: image(D1) } },
      { config: { mirrors } },
    );
    assert.equal(plan.mirrors.length, 1);
    assert.equal(plan.mirrors[0]?.destinationTag, undefined);
  });
});
