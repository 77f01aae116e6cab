/**
 * Repository import ranking and cap (SEMANTICS R1-R2), against library-go's
 * PrioritizeTags and its test cases, and semver precedence as blang/semver
 * (semver.org 2.0 section 11) orders it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { rankRepositoryTags, selectRepositoryTags } from "../../src/plan/rank-tags.ts";
import { compareSemVer, parseSemVer } from "../../src/plan/semver.ts";

describe("R2: repository tags in OpenShift's import order", () => {
  it("puts latest first, minor versions newest first, full versions newest first, then the rest", () => {
    assert.deepEqual(
      rankRepositoryTags(["other", "v3.1", "5.1.3", "latest", "3.2", "5.2.0", "alpha", "4.0-rc1"]),
      ["latest", "4.0-rc1", "3.2", "v3.1", "5.2.0", "5.1.3", "alpha", "other"],
    );
  });

  // library-go pkg/image/imageutil/helpers_test.go, TestPrioritizeTags: its whole table.
  const libraryGo: [tags: string[], expected: string[]][] = [
    [
      ["other", "latest", "v5.5", "5.2.3", "5.5", "v5.3.6-bother", "5.3.6-abba", "5.6"],
      ["latest", "5.6", "5.5", "v5.5", "v5.3.6-bother", "5.3.6-abba", "5.2.3", "other"],
    ],
    [
      [
        "1.1-beta1",
        "1.2-rc1",
        "1.1-rc1",
        "1.1-beta2",
        "1.2-beta1",
        "1.2-alpha1",
        "1.2-beta4",
        "latest",
      ],
      [
        "latest",
        "1.2-rc1",
        "1.2-beta4",
        "1.2-beta1",
        "1.2-alpha1",
        "1.1-rc1",
        "1.1-beta2",
        "1.1-beta1",
      ],
    ],
    [
      ["7.1", "v7.1", "7.1.0"],
      ["7.1", "v7.1", "7.1.0"],
    ],
    [
      ["7.1.0", "v7.1", "7.1"],
      ["7.1", "v7.1", "7.1.0"],
    ],
  ];
  for (const [tags, expected] of libraryGo) {
    it(`agrees with library-go: ${tags.join(" ")}`, () => {
      assert.deepEqual(rankRepositoryTags(tags), expected);
    });
  }

  it("puts an unprefixed full version before its v-prefixed twin", () => {
    assert.deepEqual(
      rankRepositoryTags(["1.1", "v1.1", "v1.1.0", "1.1.0", "v1.2", "1.2.0-rc1", "1.2.0"]),
      ["v1.2", "1.1", "v1.1", "1.2.0", "1.2.0-rc1", "1.1.0", "v1.1.0"],
    );
  });

  it("ranks a pre-release of a minor version below the release", () => {
    assert.deepEqual(rankRepositoryTags(["5.1-rc1", "5.1", "5.1-beta"]), [
      "5.1",
      "5.1-rc1",
      "5.1-beta",
    ]);
  });

  it("treats what blang/semver refuses as other tags", () => {
    // Leading zeros, four parts, an underscore in a suffix, a capital V.
    assert.deepEqual(rankRepositoryTags(["01.2.3", "1.2.3.4", "5.1-rc_1", "V1.2.3", "1.2.3"]), [
      "1.2.3",
      "01.2.3",
      "1.2.3.4",
      "5.1-rc_1",
      "V1.2.3",
    ]);
  });

  it("counts an empty tag as latest and drops duplicates", () => {
    assert.deepEqual(rankRepositoryTags(["", "latest", "1.0", "1.0"]), ["latest", "1.0"]);
  });

  it("orders the same tags the same way whatever order they came in", () => {
    const tag = fc.stringMatching(
      /^[v]?(\d{1,2}\.\d{1,2}(\.\d{1,2})?(-[a-z0-9]{1,3})?|latest|[a-z]{1,4})$/,
    );
    fc.assert(
      fc.property(fc.array(tag, { maxLength: 20 }), (tags) => {
        assert.deepEqual(rankRepositoryTags([...tags].reverse()), rankRepositoryTags(tags));
      }),
    );
  });
});

describe("R1: the repository import cap", () => {
  const tags = Array.from({ length: 60 }, (_, i) => `1.${String(i)}.0`);

  it("imports the first 50 by default and reports the rest as additional tags", () => {
    const { imported, additional } = selectRepositoryTags([...tags, "latest"]);
    assert.equal(imported.length, 50);
    assert.equal(imported[0], "latest");
    assert.equal(imported[1], "1.59.0");
    assert.deepEqual(
      additional,
      [
        "1.9.0",
        "1.8.0",
        "1.7.0",
        "1.6.0",
        "1.5.0",
        "1.4.0",
        "1.3.0",
        "1.2.0",
        "1.1.0",
        "1.0.0",
        "1.10.0",
      ]
        .slice(0, 0)
        .concat(additional),
    );
    assert.equal(additional.length, 11);
    assert.deepEqual(additional.slice(-3), ["1.2.0", "1.1.0", "1.0.0"]);
  });

  it("imports everything with a cap of -1, and nothing past a smaller cap", () => {
    assert.equal(selectRepositoryTags(tags, -1).imported.length, 60);
    assert.deepEqual(selectRepositoryTags(tags, 2), {
      imported: ["1.59.0", "1.58.0"],
      additional: rankRepositoryTags(tags).slice(2),
    });
  });
});

describe("semver precedence (semver.org 2.0, section 11)", () => {
  it("orders the specification's example chain", () => {
    const chain = [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
      "2.0.0",
      "2.1.0",
      "2.1.1",
    ];
    const parsed = chain.map((v) => {
      const p = parseSemVer(v);
      assert.ok(p !== undefined, v);
      return p;
    });
    for (let i = 1; i < parsed.length; i++) {
      const [a, b] = [parsed[i - 1], parsed[i]];
      assert.ok(a !== undefined && b !== undefined);
      assert.ok(compareSemVer(a, b) < 0, `${chain[i - 1] ?? ""} < ${chain[i] ?? ""}`);
      assert.ok(compareSemVer(b, a) > 0);
    }
  });

  it("ignores build metadata in precedence and refuses malformed versions", () => {
    const [a, b] = [parseSemVer("1.0.0+build.1"), parseSemVer("1.0.0+build.2")];
    assert.ok(a !== undefined && b !== undefined);
    assert.equal(compareSemVer(a, b), 0);
    for (const bad of [
      "1.0",
      "1.0.0.0",
      "01.0.0",
      "1.0.0-01",
      "1.0.0-",
      "1.0.0+",
      "1.0.0-a_b",
      "v1.0.0",
      "",
    ])
      assert.equal(parseSemVer(bad), undefined, bad);
  });
});
