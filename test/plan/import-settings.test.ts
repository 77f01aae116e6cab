/** The per-tag import rules of SEMANTICS Part A (D1, D8/M1, D10), each under its name. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ImageStream, TagReference } from "../../src/model/generated/imagestream.ts";
import {
  importInsecure,
  importMode,
  legacyPlatform,
  statusPullSpec,
} from "../../src/plan/import-settings.ts";
import { ReferenceParseError } from "../../src/reference/index.ts";

function stream(annotations?: Record<string, string>): ImageStream {
  return {
    apiVersion: "image.openshift.io/v1",
    kind: "ImageStream",
    metadata: { name: "app", ...(annotations === undefined ? {} : { annotations }) },
  };
}

function tag(extra: Partial<TagReference> = {}): TagReference {
  return { name: "1.2", from: { kind: "DockerImage", name: "quay.io/org/app:1.2" }, ...extra };
}

const insecureAnnotation = { "openshift.io/image.insecureRepository": "true" };

describe("D1: insecure imports", () => {
  it("scenario 30: the stream annotation wins over a tag's insecure: false (oc import-image parity)", () => {
    assert.equal(
      importInsecure(stream(insecureAnnotation), tag({ importPolicy: { insecure: false } }), false),
      true,
    );
  });

  it("a tag's insecure: true, or the config's registry setting, is enough alone", () => {
    assert.equal(importInsecure(stream(), tag({ importPolicy: { insecure: true } }), false), true);
    assert.equal(importInsecure(stream(), tag(), true), true);
  });

  it('is secure otherwise, and only the string "true" counts on the annotation', () => {
    assert.equal(importInsecure(stream(), tag(), false), false);
    assert.equal(
      importInsecure(stream({ "openshift.io/image.insecureRepository": "yes" }), tag(), false),
      false,
    );
    assert.equal(importInsecure(stream(), tag({ importPolicy: null }), false), false);
  });
});

describe("D8: import mode", () => {
  it("takes the tag's importMode, else the config's (an empty one counts as unset)", () => {
    const legacy = { importMode: "Legacy" } as const;
    const preserve = { importMode: "PreserveOriginal" } as const;
    assert.equal(
      importMode(tag({ importPolicy: { importMode: "PreserveOriginal" } }), legacy),
      "PreserveOriginal",
    );
    assert.equal(importMode(tag({ importPolicy: { importMode: "Legacy" } }), preserve), "Legacy");
    assert.equal(
      importMode(tag({ importPolicy: { importMode: "" } }), preserve),
      "PreserveOriginal",
    );
    assert.equal(importMode(tag(), legacy), "Legacy");
  });
});

describe("M1: the platform a Legacy import picks", () => {
  const config = { platform: "linux/amd64" };

  it("scenario 17: the config's platform, or the tag's prefer-arch annotation", () => {
    assert.deepEqual(legacyPlatform(tag(), config), { os: "linux", architecture: "amd64" });
    assert.deepEqual(
      legacyPlatform(
        tag({ annotations: { "importer.image.openshift.io/prefer-arch": "arm64" } }),
        config,
      ),
      { os: "linux", architecture: "arm64" },
    );
  });

  it("prefer-os and prefer-arch each fall back to the config's part", () => {
    assert.deepEqual(
      legacyPlatform(
        tag({ annotations: { "importer.image.openshift.io/prefer-os": "windows" } }),
        config,
      ),
      { os: "windows", architecture: "amd64" },
    );
    assert.deepEqual(legacyPlatform(tag({ annotations: null }), config), {
      os: "linux",
      architecture: "amd64",
    });
  });

  it("keeps the config's variant unless an annotation changed the platform", () => {
    const arm = { platform: "linux/arm/v7" };
    assert.deepEqual(legacyPlatform(tag(), arm), {
      os: "linux",
      architecture: "arm",
      variant: "v7",
    });
    assert.deepEqual(
      legacyPlatform(
        tag({ annotations: { "importer.image.openshift.io/prefer-arch": "arm64" } }),
        arm,
      ),
      { os: "linux", architecture: "arm64" },
    );
  });
});

describe("D10: status pull specs", () => {
  const digest = "sha256:" + "a".repeat(64);
  const table: [fromName: string, expected: string][] = [
    ["quay.io/org/app:1.2", `quay.io/org/app@${digest}`],
    ["openshift/ruby-20-centos7:latest", `openshift/ruby-20-centos7@${digest}`],
    ["ruby", `ruby@${digest}`],
    ["registry.example.com:5000/team/app", `registry.example.com:5000/team/app@${digest}`],
    ["registry.example.com:5000/team/app:v1", `registry.example.com:5000/team/app@${digest}`],
    [`quay.io/org/app@sha256:${"b".repeat(64)}`, `quay.io/org/app@${digest}`],
    [`quay.io/org/app:1.2@sha256:${"b".repeat(64)}`, `quay.io/org/app@${digest}`],
  ];
  for (const [fromName, expected] of table) {
    it(`${fromName} → ${expected.replace(digest, "<digest>")} (no docker.io/library expansion)`, () => {
      assert.equal(statusPullSpec(fromName, digest), expected);
    });
  }

  it("refuses what is not a pull spec", () => {
    assert.throws(() => statusPullSpec("Quay.io/Org/App::", digest), ReferenceParseError);
  });
});
