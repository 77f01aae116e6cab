/**
 * The planner, rule by rule (SEMANTICS Part A and §1-§5, acceptance
 * scenarios 10-27): streams from inline YAML, registry answers from a table.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planHasChanges } from "../../src/model/plan.ts";
import {
  digest,
  image,
  planAgainst,
  streamPlan,
  streamsOf,
  tagPlan,
} from "../support/plan-fixture.ts";

const D1 = digest("1");
const D2 = digest("2");
const D3 = digest("3");
const now = new Date("2026-11-23T12:00:00Z");

/** A stream `app` in `demo` with the given spec tags and status tags (YAML fragments, 4-space indented items). */
function app(tags: string, status = "", annotations = ""): string {
  return `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: demo
${annotations === "" ? "" : `  annotations:\n${annotations}\n`}spec:
  tags:
${tags}
${status === "" ? "" : `status:\n  tags:\n${status}`}`;
}

function item(ref: string, d: string, generation = 1, created = "2026-11-01T00:00:00Z"): string {
  return `      - created: "${created}"
        dockerImageReference: ${ref}@${d}
        image: ${d}
        generation: ${generation}`;
}

/** `tag` (a spec tag fragment) with an imported-from record on its first line. */
function rec(tag: string, record: string): string {
  const [first, ...rest] = tag.split("\n");
  return [
    first,
    `    annotations: {imagestream-gitops.io/imported-from: "${record}"}`,
    ...rest,
  ].join("\n");
}

const tag12 = `  - name: "1.2"
    from: {kind: DockerImage, name: quay.io/o/a:1.2}`;

describe("planner: DockerImage tags", () => {
  it("first-import: an empty status imports the tag (scenario 10)", () => {
    const { plan } = planAgainst(streamsOf(app(tag12)), {
      images: { "quay.io/o/a:1.2": image(D1) },
    });
    const t = tagPlan(plan, "app", "1.2");
    assert.equal(t.action, "import");
    assert.equal(t.rule, "first-import");
    assert.equal(t.history, "prepend");
    assert.deepEqual(t.next, {
      created: "2026-11-23T12:00:00Z",
      dockerImageReference: `quay.io/o/a@${D1}`,
      image: D1,
      generation: 1,
    });
    assert.equal(t.record, "quay.io/o/a:1.2 Legacy");
    assert.equal(t.pullSpec, `quay.io/o/a@${D1}`);
    assert.equal(plan.summary.import, 1);
    assert.ok(planHasChanges(plan));
  });

  it("G10/H4: an unchanged digest on a scheduled re-import changes nothing (scenario 11, 21)", () => {
    const tag = rec(`${tag12}\n    importPolicy: {scheduled: true}`, "quay.io/o/a:1.2 Legacy");
    const status = `    - tag: "1.2"\n      items:\n${item("quay.io/o/a", D1, 3)}`;
    const { plan, imageRequests } = planAgainst(streamsOf(app(tag, status)), {
      images: { "quay.io/o/a:1.2": image(D1) },
    });
    const t = tagPlan(plan, "app", "1.2");
    assert.equal(imageRequests.length, 1, "a scheduled tag is asked every run");
    assert.equal(t.action, "unchanged");
    assert.equal(t.history, "none");
    assert.equal(t.record, undefined);
    assert.equal(planHasChanges(plan), false);
  });

  it("H7: a moved scheduled tag prepends the new image, generation above all before (scenario 12, 21)", () => {
    const tag = `${tag12}\n    importPolicy: {scheduled: true}`;
    const status = `    - tag: "1.2"\n      items:\n${item("quay.io/o/a", D1, 3)}`;
    const { plan } = planAgainst(streamsOf(app(tag, status)), {
      images: { "quay.io/o/a:1.2": image(D2) },
    });
    const t = tagPlan(plan, "app", "1.2");
    assert.equal(t.action, "import");
    assert.equal(t.rule, "scheduled");
    assert.equal(t.history, "prepend");
    assert.equal(t.next?.image, D2);
    assert.equal(t.next.generation, 4);
    assert.equal(t.current?.image, D1);
  });

  it("a non-scheduled imported tag whose spec is unchanged asks no registry", () => {
    const status = `    - tag: "1.2"\n      items:\n${item("quay.io/o/a", D1)}`;
    const { plan, imageRequests } = planAgainst(
      streamsOf(app(rec(tag12, "quay.io/o/a:1.2 Legacy"), status)),
      {},
    );
    assert.equal(imageRequests.length, 0);
    assert.equal(tagPlan(plan, "app", "1.2").rule, "imported");
  });

  it("scenario 13: a name without a tag imports as written; the status spec keeps the name", () => {
    const tag = `  - name: latest\n    from: {kind: DockerImage, name: quay.io/o/a}`;
    const { plan, imageRequests } = planAgainst(streamsOf(app(tag)), {
      images: { "quay.io/o/a": image(D1) },
    });
    assert.equal(imageRequests[0]?.from, "quay.io/o/a");
    assert.equal(tagPlan(plan, "app", "latest").next?.dockerImageReference, `quay.io/o/a@${D1}`);
  });

  it("D10/H1: docker.io names are not expanded in status", () => {
    const tag = `  - name: "1.25"\n    from: {kind: DockerImage, name: "nginx:1.25"}`;
    const { plan } = planAgainst(streamsOf(app(tag)), { images: { "nginx:1.25": image(D1) } });
    assert.equal(tagPlan(plan, "app", "1.25").next?.dockerImageReference, `nginx@${D1}`);
  });

  it("D6/H12: a failed import is reported and leaves the status (scenario 14)", () => {
    const status = `    - tag: "1.2"\n      items:\n${item("quay.io/o/b", D1)}`;
    const { plan } = planAgainst(streamsOf(app(tag12, status)), {});
    const t = tagPlan(plan, "app", "1.2");
    assert.equal(t.action, "fail");
    assert.equal(t.failure?.reason, "NotFound");
    assert.equal(t.history, "none");
    assert.equal(t.next, undefined);
    assert.equal(t.record, undefined);
    assert.equal(planHasChanges(plan), false);
  });

  it("H9: a reference tag records from.name verbatim, with no registry request (scenario 16)", () => {
    const tag = `  - name: upstream\n    reference: true\n    from: {kind: DockerImage, name: quay.io/o/a:1.2}\n    referencePolicy: {type: Local}`;
    const { plan, imageRequests } = planAgainst(
      streamsOf(app(tag)),
      {},
      { config: { localRegistry: "registry.example.com/mirror" } },
    );
    const t = tagPlan(plan, "app", "upstream");
    assert.equal(imageRequests.length, 0);
    assert.equal(t.action, "reference");
    assert.equal(t.next?.dockerImageReference, "quay.io/o/a:1.2");
    assert.equal(t.next.image, "");
    assert.equal(t.record, "quay.io/o/a:1.2 reference");
    assert.equal(t.pullSpec, "quay.io/o/a:1.2", "L4: Local falls back to Source without an image");
    assert.equal(t.mirror, undefined);
  });

  it("H9: a recorded reference tag is unchanged on the next run", () => {
    const tag = rec(
      `  - name: upstream\n    reference: true\n    from: {kind: DockerImage, name: quay.io/o/a:1.2}`,
      "quay.io/o/a:1.2 reference",
    );
    const status = `    - tag: upstream\n      items:\n      - {created: "2026-11-01T00:00:00Z", dockerImageReference: "quay.io/o/a:1.2", image: "", generation: 1}`;
    const { plan } = planAgainst(streamsOf(app(tag, status)), {});
    assert.equal(tagPlan(plan, "app", "upstream").action, "unchanged");
  });

  describe("D11/G2: re-import only when from.name, from.namespace, reference or importMode change (scenario 19)", () => {
    const recorded = (extra: string, record = "quay.io/o/a:1.2 Legacy"): string =>
      `  - name: "1.2"\n    annotations: {imagestream-gitops.io/imported-from: "${record}"}\n    from: {kind: DockerImage, name: quay.io/o/a:1.2}\n${extra}`;
    const status = `    - tag: "1.2"\n      items:\n${item("quay.io/o/a", D1)}`;
    for (const [what, extra] of [
      ["referencePolicy", "    referencePolicy: {type: Local}"],
      ["insecure", "    importPolicy: {insecure: true}"],
      ["importMode set to the default", "    importPolicy: {importMode: Legacy}"],
    ] as const) {
      it(`changing ${what} does not re-import`, () => {
        const { plan, imageRequests } = planAgainst(streamsOf(app(recorded(extra), status)), {});
        assert.equal(imageRequests.length, 0);
        assert.equal(tagPlan(plan, "app", "1.2").action, "unchanged");
      });
    }
    it("changing importMode re-imports", () => {
      const { plan, imageRequests } = planAgainst(
        streamsOf(app(recorded("    importPolicy: {importMode: PreserveOriginal}"), status)),
        { images: { "quay.io/o/a:1.2": image(D2) } },
      );
      assert.equal(imageRequests[0]?.mode, "PreserveOriginal");
      const t = tagPlan(plan, "app", "1.2");
      assert.equal(t.rule, "spec-changed");
      assert.equal(t.record, "quay.io/o/a:1.2 PreserveOriginal");
    });
    it("changing from.name to another tag of the same repository re-imports (the record catches it)", () => {
      const tag = `  - name: "1.2"\n    annotations: {imagestream-gitops.io/imported-from: "quay.io/o/a:1.1 Legacy"}\n    from: {kind: DockerImage, name: quay.io/o/a:1.2}`;
      const { plan } = planAgainst(streamsOf(app(tag, status)), {
        images: { "quay.io/o/a:1.2": image(D1) },
      });
      const t = tagPlan(plan, "app", "1.2");
      assert.equal(t.rule, "spec-changed");
      assert.equal(t.history, "none", "same image again: no history item");
      assert.equal(t.action, "import", "the record still changes");
      assert.equal(t.record, "quay.io/o/a:1.2 Legacy");
    });
    it("without a record, a status that cannot come from from.name re-imports", () => {
      const tag = `  - name: "1.2"\n    from: {kind: DockerImage, name: quay.io/o/b:1.2}`;
      const { plan } = planAgainst(streamsOf(app(tag, status)), {
        images: { "quay.io/o/b:1.2": image(D2) },
      });
      const t = tagPlan(plan, "app", "1.2");
      assert.equal(t.rule, "spec-changed");
      assert.equal(t.history, "prepend");
    });
    it("turning reference on records the pull spec again", () => {
      const tag = `  - name: "1.2"\n    reference: true\n    annotations: {imagestream-gitops.io/imported-from: "quay.io/o/a:1.2 Legacy"}\n    from: {kind: DockerImage, name: quay.io/o/a:1.2}`;
      const { plan } = planAgainst(streamsOf(app(tag, status)), {});
      assert.equal(tagPlan(plan, "app", "1.2").action, "reference");
    });
  });

  it("P3/scenario 22: a scheduled tag pinned to a digest is imported once, then never asked again", () => {
    const tag = `  - name: pinned\n    from: {kind: DockerImage, name: "quay.io/o/a@${D1}"}\n    importPolicy: {scheduled: true}`;
    const first = planAgainst(streamsOf(app(tag)), {
      images: { [`quay.io/o/a@${D1}`]: image(D1) },
    });
    assert.equal(tagPlan(first.plan, "app", "pinned").action, "import");
    const status = `    - tag: pinned\n      items:\n${item("quay.io/o/a", D1)}`;
    assert.equal(tagPlan(first.plan, "app", "pinned").record, `quay.io/o/a@${D1} Legacy`);
    const second = planAgainst(streamsOf(app(rec(tag, `quay.io/o/a@${D1} Legacy`), status)), {});
    assert.equal(second.imageRequests.length, 0);
    assert.equal(tagPlan(second.plan, "app", "pinned").rule, "pinned-digest");
  });

  it("D1/scenario 30: the stream annotation makes a tag with insecure: false insecure", () => {
    const tag = `${tag12}\n    importPolicy: {insecure: false}`;
    const { imageRequests } = planAgainst(
      streamsOf(app(tag, "", `    openshift.io/image.insecureRepository: "true"`)),
      { images: { "quay.io/o/a:1.2": image(D1) } },
    );
    assert.equal(imageRequests[0]?.insecure, true);
  });

  it("D1: the config can mark the registry insecure; otherwise imports are secure", () => {
    const secure = planAgainst(streamsOf(app(tag12)), { images: { "quay.io/o/a:1.2": image(D1) } });
    assert.equal(secure.imageRequests[0]?.insecure, false);
    const byConfig = planAgainst(
      streamsOf(app(tag12)),
      { images: { "quay.io/o/a:1.2": image(D1) } },
      { insecureRegistries: ["quay.io"] },
    );
    assert.equal(byConfig.imageRequests[0]?.insecure, true);
  });

  it("D8/M1: Legacy asks for the tag's preferred platform; PreserveOriginal for the index (scenarios 17, 18)", () => {
    const tags = `  - name: arm\n    annotations: {importer.image.openshift.io/prefer-arch: arm64}\n    from: {kind: DockerImage, name: quay.io/o/a:arm}\n  - name: all\n    from: {kind: DockerImage, name: quay.io/o/a:all}\n    importPolicy: {importMode: PreserveOriginal}`;
    const { imageRequests } = planAgainst(streamsOf(app(tags)), {
      images: { "quay.io/o/a:arm": image(D1), "quay.io/o/a:all": image(D2) },
    });
    const arm = imageRequests.find((r) => r.from === "quay.io/o/a:arm");
    assert.deepEqual(arm?.platform, { os: "linux", architecture: "arm64" });
    assert.equal(arm.mode, "Legacy");
    assert.equal(imageRequests.find((r) => r.from === "quay.io/o/a:all")?.mode, "PreserveOriginal");
  });

  it("D11: a tag without a record whose status fits its spec gets the record, with no request", () => {
    const status = `    - tag: "1.2"\n      items:\n${item("quay.io/o/a", D1)}`;
    const { plan, imageRequests } = planAgainst(streamsOf(app(tag12, status)), {});
    const t = tagPlan(plan, "app", "1.2");
    assert.equal(imageRequests.length, 0);
    assert.equal(t.action, "record");
    assert.equal(t.history, "none");
    assert.equal(t.record, "quay.io/o/a:1.2 Legacy");
    assert.equal(plan.summary.record, 1);
  });

  it("D11: without a record, a pinned digest other than the status's re-imports", () => {
    const tag = `  - name: pinned\n    from: {kind: DockerImage, name: "quay.io/o/a@${D2}"}`;
    const status = `    - tag: pinned\n      items:\n${item("quay.io/o/a", D1)}`;
    const { plan } = planAgainst(streamsOf(app(tag, status)), {
      images: { [`quay.io/o/a@${D2}`]: image(D2) },
    });
    const t = tagPlan(plan, "app", "pinned");
    assert.equal(t.rule, "spec-changed");
    assert.equal(t.next?.image, D2);
  });

  it("D11: a DockerImage tag that was an alias (its record says so) is imported again", () => {
    const tag = rec(tag12, "latest");
    const status = `    - tag: "1.2"\n      items:\n${item("quay.io/o/a", D3)}`;
    const { plan } = planAgainst(streamsOf(app(tag, status)), {
      images: { "quay.io/o/a:1.2": image(D1) },
    });
    const t = tagPlan(plan, "app", "1.2");
    assert.equal(t.rule, "spec-changed");
    assert.equal(t.next?.image, D1);
    assert.equal(t.record, "quay.io/o/a:1.2 Legacy");
  });

  it("a malformed ImageStreamTag source is skipped; the stream's other tags are still planned", () => {
    const tags = `${tag12}\n  - name: bad\n    from: {kind: ImageStreamTag, name: "x:y:z"}`;
    const entries = streamsOf(app(tags), ["INVALID_SOURCE_NAME"]);
    const { plan } = planAgainst(entries, { images: { "quay.io/o/a:1.2": image(D1) } });
    assert.equal(tagPlan(plan, "app", "bad").rule, "invalid-source");
    assert.equal(tagPlan(plan, "app", "1.2").action, "import");
  });

  it("the config's importMode is the default of tags that set none", () => {
    const { imageRequests } = planAgainst(
      streamsOf(app(tag12)),
      { images: { "quay.io/o/a:1.2": image(D1) } },
      { config: { importMode: "PreserveOriginal" } },
    );
    assert.equal(imageRequests[0]?.mode, "PreserveOriginal");
  });
});

describe("planner: tags from other tags and images", () => {
  const scheduled = rec(`${tag12}\n    importPolicy: {scheduled: true}`, "quay.io/o/a:1.2 Legacy");
  const alias = rec(`  - name: stable\n    from: {kind: ImageStreamTag, name: "1.2"}`, "1.2");
  const status12 = `    - tag: "1.2"\n      items:\n${item("quay.io/o/a", D1, 2)}`;
  const statusStable = `    - tag: stable\n      items:\n${item("quay.io/o/a", D1, 2)}`;

  it("T1/scenario 23: a tracking tag takes its source's new image in the same run", () => {
    const { plan } = planAgainst(
      streamsOf(app(`${scheduled}\n${alias}`, `${status12}\n${statusStable}`)),
      {
        images: { "quay.io/o/a:1.2": image(D2) },
      },
    );
    const stable = tagPlan(plan, "app", "stable");
    assert.equal(stable.action, "follow");
    assert.equal(stable.rule, "tracking");
    assert.deepEqual(stable.next, tagPlan(plan, "app", "1.2").next, "T1 copies the event");
    assert.equal(stable.record, undefined, "its record is current");
  });

  it("G10: a tracking tag at its source's image with another generation is unchanged", () => {
    const status = `    - tag: "1.2"\n      items:\n${item("quay.io/o/a", D1, 3)}\n    - tag: stable\n      items:\n${item("quay.io/o/a", D1, 2)}`;
    const { plan } = planAgainst(
      streamsOf(app(`${rec(tag12, "quay.io/o/a:1.2 Legacy")}\n${alias}`, status)),
      {},
    );
    assert.equal(tagPlan(plan, "app", "stable").action, "unchanged");
    assert.equal(planHasChanges(plan), false);
  });

  it("T1: alias chains settle in one run", () => {
    const chain = `${scheduled}\n${alias}\n  - name: prod\n    from: {kind: ImageStreamTag, name: "app:stable"}`;
    const { plan } = planAgainst(streamsOf(app(chain, status12)), {
      images: { "quay.io/o/a:1.2": image(D2) },
    });
    assert.equal(tagPlan(plan, "app", "prod").next?.image, D2);
    assert.equal(tagPlan(plan, "app", "stable").next?.image, D2);
  });

  it("T1: a tracking tag already at its source's image is unchanged", () => {
    const { plan } = planAgainst(
      streamsOf(app(`${tag12}\n${alias}`, `${status12}\n${statusStable}`)),
      {},
    );
    assert.equal(tagPlan(plan, "app", "stable").action, "unchanged");
  });

  it("scenario 24: a permanent tag (ImageStreamImage) stays on its image when the source moves", () => {
    const pinned = rec(
      `  - name: static\n    from: {kind: ImageStreamImage, name: "app@${D1}"}`,
      `app@${D1}`,
    );
    const status = `${status12}\n    - tag: static\n      items:\n${item("quay.io/o/a", D1, 2)}`;
    const { plan } = planAgainst(streamsOf(app(`${scheduled}\n${pinned}`, status)), {
      images: { "quay.io/o/a:1.2": image(D2) },
    });
    assert.equal(tagPlan(plan, "app", "static").action, "unchanged");
    assert.equal(tagPlan(plan, "app", "static").rule, "pinned");
  });

  it("H10: a new permanent tag resolves from the stream's history", () => {
    const pinned = `  - name: static\n    from: {kind: ImageStreamImage, name: "app@${D1}"}`;
    const status = `    - tag: "1.2"\n      items:\n${item("quay.io/o/a", D2, 3)}\n${item("quay.io/o/a", D1, 2)}`;
    const { plan } = planAgainst(streamsOf(app(`${tag12}\n${pinned}`, status)), {});
    const t = tagPlan(plan, "app", "static");
    assert.equal(t.action, "resolve");
    assert.equal(t.next?.image, D1);
  });

  const base = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: base, namespace: shared}
spec:
  tags:
  - name: "1.0"
    from: {kind: DockerImage, name: quay.io/o/base:1.0}
    importPolicy: {scheduled: true}
status:
  tags:
  - tag: "1.0"
    items:
${item("quay.io/o/base", D1, 1).replaceAll("      ", "    ")}
---
`;
  const cross = `  - name: stable\n    from: {kind: ImageStreamTag, name: "base:1.0", namespace: shared}`;

  it("T2/scenario 25: a tag from another stream is resolved once and not kept in sync", () => {
    const status = `    - tag: stable\n      items:\n${item("quay.io/o/base", D1, 1)}`;
    const { plan } = planAgainst(streamsOf(base + app(rec(cross, "shared/base:1.0"), status)), {
      images: { "quay.io/o/base:1.0": image(D2) },
    });
    assert.equal(tagPlan(plan, "base", "1.0").next?.image, D2);
    const t = tagPlan(plan, "app", "stable");
    assert.equal(t.action, "unchanged");
    assert.equal(t.rule, "resolved-once");
  });

  it("T2: a new cross-stream tag takes the source's image as this run leaves it, and records its source", () => {
    const { plan } = planAgainst(streamsOf(base + app(cross)), {
      images: { "quay.io/o/base:1.0": image(D2) },
    });
    const t = tagPlan(plan, "app", "stable");
    assert.equal(t.action, "resolve");
    assert.equal(t.next?.image, D2);
    assert.equal(t.record, "shared/base:1.0");
  });

  it("T2: changing a cross-stream source re-resolves", () => {
    const changed = `  - name: stable\n    annotations: {imagestream-gitops.io/imported-from: "shared/base:0.9"}\n    from: {kind: ImageStreamTag, name: "base:1.0", namespace: shared}`;
    const status = `    - tag: stable\n      items:\n${item("quay.io/o/base", D3, 1)}`;
    const { plan } = planAgainst(streamsOf(base + app(changed, status)), {
      images: { "quay.io/o/base:1.0": image(D1) },
    });
    const t = tagPlan(plan, "app", "stable");
    assert.equal(t.action, "resolve");
    assert.equal(t.next?.image, D1);
  });

  it("a tracking tag whose source has no image yet is skipped, not an error (scenario 40)", () => {
    const { plan } = planAgainst(streamsOf(app(`${tag12}\n${alias}`)), {});
    assert.equal(tagPlan(plan, "app", "stable").action, "skip");
  });
});

describe("planner: removal, reference policy, repository imports, gates", () => {
  it("D7/H13: a status tag without a spec tag is listed as status-only and kept", () => {
    const status = `    - tag: "1.2"\n      items:\n${item("quay.io/o/a", D1)}\n    - tag: old\n      items:\n${item("quay.io/o/a", D2)}`;
    const { plan } = planAgainst(streamsOf(app(tag12, status)), {});
    const t = tagPlan(plan, "app", "old");
    assert.equal(t.action, "status-only");
    assert.match(t.reason, /tag -d/);
    assert.equal(t.pullSpec, `quay.io/o/a@${D2}`, "L6: resolves to its reference");
  });

  it("D9/L3: Local gives the local registry's pull spec and asks for a mirror; Source gives the reference (scenario 31)", () => {
    const tags = `  - name: local\n    from: {kind: DockerImage, name: quay.io/o/a:1}\n    referencePolicy: {type: Local}\n  - name: source\n    from: {kind: DockerImage, name: quay.io/o/a:2}`;
    const registry = { images: { "quay.io/o/a:1": image(D1), "quay.io/o/a:2": image(D2) } };
    const { plan } = planAgainst(streamsOf(app(tags)), registry, {
      config: { localRegistry: "registry.example.com/mirror" },
    });
    const local = tagPlan(plan, "app", "local");
    assert.equal(local.pullSpec, `registry.example.com/mirror/demo/app@${D1}`);
    assert.deepEqual(local.mirror, {
      from: `quay.io/o/a@${D1}`,
      to: `registry.example.com/mirror/demo/app@${D1}`,
    });
    assert.equal(tagPlan(plan, "app", "source").pullSpec, `quay.io/o/a@${D2}`);
    const none = planAgainst(streamsOf(app(tags)), registry);
    assert.equal(
      tagPlan(none.plan, "app", "local").pullSpec,
      `quay.io/o/a@${D1}`,
      "L4: no local registry",
    );
  });

  const repoStream = (annotations = ""): string => `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: demo
${annotations}spec:
  dockerImageRepository: quay.io/o/a
`;
  const sixty = [
    "latest",
    "2.1",
    "2.0",
    "v2.0",
    "1.9.3",
    "beta",
    ...Array.from({ length: 54 }, (_, i) => `build-${String(i).padStart(2, "0")}`),
  ];

  it("R1-R3/scenario 20: a repository import takes 50 tags in OpenShift's order and reports the rest", () => {
    const answer = (): ReturnType<typeof image> => image(D1);
    const images = Object.fromEntries(sixty.map((t) => [`quay.io/o/a:${t}`, answer]));
    const { plan, listingRequests, imageRequests } = planAgainst(streamsOf(repoStream()), {
      images,
      listings: { "quay.io/o/a": { kind: "tags", tags: sixty } },
    });
    const s = streamPlan(plan, "app");
    assert.equal(listingRequests.length, 1);
    assert.equal(s.repositoryImport?.listed, 60);
    assert.deepEqual(s.repositoryImport.imported.slice(0, 6), [
      "latest",
      "2.1",
      "2.0",
      "v2.0",
      "1.9.3",
      "beta",
    ]);
    assert.equal(s.repositoryImport.imported.length, 50);
    assert.equal(s.repositoryImport.additional.length, 10);
    assert.equal(s.addSpecTags.length, 50);
    assert.deepEqual(s.addSpecTags[1]?.from, { kind: "DockerImage", name: "quay.io/o/a:2.1" });
    assert.equal(imageRequests.length, 50);
    assert.equal(s.tags.filter((t) => t.action === "import").length, 50);
    assert.equal(
      s.setAnnotations["openshift.io/image.dockerRepositoryCheck"],
      "2026-11-23T12:00:00Z",
    );
  });

  it("D2: with the check annotation the repository is not listed again, unless forced (import-image --all)", () => {
    const checked = repoStream(
      `  annotations:\n    openshift.io/image.dockerRepositoryCheck: "2026-11-01T00:00:00Z"\n`,
    );
    const later = planAgainst(streamsOf(checked), {
      listings: { "quay.io/o/a": { kind: "tags", tags: ["3.0"] } },
    });
    assert.equal(later.listingRequests.length, 0);
    assert.equal(streamPlan(later.plan, "app").addSpecTags.length, 0);
    const forced = planAgainst(
      streamsOf(checked),
      {
        images: { "quay.io/o/a:3.0": image(D3) },
        listings: { "quay.io/o/a": { kind: "tags", tags: ["3.0"] } },
      },
      { force: { repositories: new Set(["demo/app"]) } },
    );
    assert.equal(streamPlan(forced.plan, "app").addSpecTags[0]?.name, "3.0");
  });

  it("a failed listing is reported and sets no annotation", () => {
    const { plan } = planAgainst(streamsOf(repoStream()), {
      listings: {
        "quay.io/o/a": { kind: "error", failure: { reason: "Unauthorized", message: "no" } },
      },
    });
    const s = streamPlan(plan, "app");
    assert.equal(s.repositoryImport?.failure?.reason, "Unauthorized");
    assert.deepEqual(s.setAnnotations, {});
  });

  it("required platforms: a new image is held back until the index has every platform", () => {
    const amd64 = { os: "linux", architecture: "amd64" };
    const arm64 = { os: "linux", architecture: "arm64" };
    const config = { requirePlatforms: ["linux/amd64", "linux/arm64"] };
    const partial = planAgainst(
      streamsOf(app(tag12)),
      { images: { "quay.io/o/a:1.2": image(D1, { platforms: [amd64] }) } },
      { config },
    );
    const held = tagPlan(partial.plan, "app", "1.2");
    assert.equal(partial.imageRequests[0]?.details, true);
    assert.equal(held.action, "skip");
    assert.equal(held.rule, "required-platforms");
    assert.match(held.reason, /linux\/arm64/);
    assert.equal(planHasChanges(partial.plan), false);
    const full = planAgainst(
      streamsOf(app(tag12)),
      { images: { "quay.io/o/a:1.2": image(D1, { platforms: [amd64, arm64] }) } },
      { config },
    );
    assert.equal(tagPlan(full.plan, "app", "1.2").action, "import");
  });

  it("minimum age: a young image is held back; the stream annotation overrides the config", () => {
    const young = image(D1, { created: "2026-11-23T11:00:00Z" });
    const held = planAgainst(
      streamsOf(app(tag12)),
      { images: { "quay.io/o/a:1.2": young } },
      { now, config: { minimumAge: "2h" } },
    );
    assert.equal(tagPlan(held.plan, "app", "1.2").rule, "minimum-age");
    assert.equal(tagPlan(held.plan, "app", "1.2").action, "skip");
    const annotated = app(tag12, "", `    imagestream-gitops.io/minimum-age: 30m`);
    const ok = planAgainst(
      streamsOf(annotated),
      { images: { "quay.io/o/a:1.2": young } },
      { now, config: { minimumAge: "2h" } },
    );
    assert.equal(tagPlan(ok.plan, "app", "1.2").action, "import");
  });

  it("gates do not hold an image the tag already has", () => {
    const tag = rec(`${tag12}\n    importPolicy: {scheduled: true}`, "quay.io/o/a:1.2 Legacy");
    const status = `    - tag: "1.2"\n      items:\n${item("quay.io/o/a", D1)}`;
    const { plan, imageRequests } = planAgainst(
      streamsOf(app(tag, status)),
      { images: { "quay.io/o/a:1.2": image(D1) } },
      { config: { minimumAge: "2h" } },
    );
    assert.equal(imageRequests[0]?.known, D1);
    assert.equal(tagPlan(plan, "app", "1.2").action, "unchanged");
  });

  it("a stream inside a kind: List is placed at its own line, with its pointer", () => {
    const list = `apiVersion: v1
kind: List
items:
- apiVersion: image.openshift.io/v1
  kind: ImageStream
  metadata: {name: first, namespace: demo}
- apiVersion: image.openshift.io/v1
  kind: ImageStream
  metadata: {name: second, namespace: demo}
`;
    const { plan } = planAgainst(streamsOf(list), {});
    const second = streamPlan(plan, "second");
    assert.equal(second.pointer, "/items/1");
    assert.equal(second.line, 7);
  });

  it("a duplicate spec tag name is planned once, from the last entry (§1.2, scenario 8)", () => {
    const tags = `${tag12}\n  - name: "1.2"\n    from: {kind: DockerImage, name: quay.io/o/b:1.2}`;
    const entries = streamsOf(app(tags), ["DUPLICATE_TAG"]);
    const { plan } = planAgainst(entries, { images: { "quay.io/o/b:1.2": image(D1) } });
    const decisions = streamPlan(plan, "app").tags.filter((t) => t.tag === "1.2");
    assert.equal(decisions.length, 1);
    assert.equal(decisions[0]?.next?.dockerImageReference, `quay.io/o/b@${D1}`);
  });
});
