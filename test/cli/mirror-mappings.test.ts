/**
 * The mappings of `mirror` as `oc image mirror` reads them (SEMANTICS.md
 * §10.1 X1–X5 and acceptance scenario 48), with oc's messages verbatim, and
 * the project's own rules: no Docker Hub defaults, `file://` and `oci:`
 * layouts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  expandMapping,
  finishMappings,
  mappingsFromArguments,
  mappingsFromFile,
  parseMapping,
  requireMappings,
  type MirrorMapping,
  type ParsedMapping,
} from "../../src/cli/mirror-mappings.ts";

const D1 = `sha256:${"1".repeat(64)}`;
const D2 = `sha256:${"2".repeat(64)}`;

const ONE_SRC =
  "all arguments must be valid SRC=DST mappings, or you must specify one SRC argument and one or more DST arguments";
const EMPTY_HALF = "all arguments must be valid SRC=DST mappings";
const NO_MAPPINGS =
  "you must specify at least one source image to pull and the destination to push to as SRC=DST or SRC DST [DST2 DST3 ...]";
const ONLY_IN_TAGS = "source expansion is only possible in tags";
const DST_DIGEST = "you must specify a tag for DST or leave it blank to only push by digest";
const DST_REPOSITORY = "when source contains wildcards, the destination must be a repository";

/** Asserts that `run` throws a UsageError with exactly `message`. */
function assertUsage(run: () => unknown, message: string): void {
  assert.throws(run, { name: "UsageError", code: "USAGE", message });
}

function parse(source: string, destination: string, dir = "."): ParsedMapping {
  return parseMapping({ source, destination }, { dir });
}

/** Parses, expands against `tags` and finishes, as the command will. */
function plan(mappings: readonly MirrorMapping[], tags: readonly string[] = []): ParsedMapping[] {
  const parsed = mappings.map((m) => parseMapping(m, { dir: "." }));
  return finishMappings(parsed.flatMap((m) => expandMapping(m, tags)));
}

describe("mappingsFromArguments (X1)", () => {
  const good: { name: string; args: string[]; want: MirrorMapping[] }[] = [
    {
      name: "one source, several destinations",
      args: ["q.io/a:1", "r.io/a", "s.io/a:2"],
      want: [
        { source: "q.io/a:1", destination: "r.io/a" },
        { source: "q.io/a:1", destination: "s.io/a:2" },
      ],
    },
    {
      name: "SRC=DST pairs",
      args: ["q.io/a:1=r.io/a:1", "q.io/b:2=r.io/b:2"],
      want: [
        { source: "q.io/a:1", destination: "r.io/a:1" },
        { source: "q.io/b:2", destination: "r.io/b:2" },
      ],
    },
    {
      name: "arguments without = are ignored once a pair is present",
      args: ["stray", "q.io/a:1=r.io/a:1", "other"],
      want: [{ source: "q.io/a:1", destination: "r.io/a:1" }],
    },
    {
      name: "split at the first =",
      args: ["q.io/a:1=r.io/a=b"],
      want: [{ source: "q.io/a:1", destination: "r.io/a=b" }],
    },
    {
      name: "empty destinations are skipped",
      args: ["q.io/a:1", "", "r.io/a"],
      want: [{ source: "q.io/a:1", destination: "r.io/a" }],
    },
  ];
  for (const c of good) {
    it(c.name, () => {
      assert.deepEqual(mappingsFromArguments(c.args), c.want);
    });
  }

  const bad: { name: string; args: string[]; message: string }[] = [
    { name: "no arguments", args: [], message: NO_MAPPINGS },
    { name: "a single argument without =", args: ["q.io/a:1"], message: ONE_SRC },
    { name: "empty source", args: ["=r.io/a:1"], message: EMPTY_HALF },
    { name: "empty destination", args: ["q.io/a:1="], message: EMPTY_HALF },
    { name: "only empty destinations", args: ["q.io/a:1", ""], message: NO_MAPPINGS },
  ];
  for (const c of bad) {
    it(`refuses ${c.name}`, () => {
      assertUsage(() => mappingsFromArguments(c.args), c.message);
    });
  }
});

describe("mappingsFromFile (X2)", () => {
  const good: { name: string; text: string; want: MirrorMapping[] }[] = [
    {
      name: "a comment, a blank line and one mapping (scenario 48)",
      text: "# comment\n\nq.io/a:1=r.io/a:1\n",
      want: [{ source: "q.io/a:1", destination: "r.io/a:1", origin: "file m.txt, line 3" }],
    },
    {
      name: "a comment after a mapping",
      text: "q.io/a:1=r.io/a:1 # to r",
      want: [{ source: "q.io/a:1", destination: "r.io/a:1", origin: "file m.txt, line 1" }],
    },
    {
      name: "CRLF line ends and surrounding blanks",
      text: "  \r\n  q.io/a:1=r.io/a:1\r\n",
      want: [{ source: "q.io/a:1", destination: "r.io/a:1", origin: "file m.txt, line 2" }],
    },
    {
      name: "SRC DST DST with a run of spaces",
      text: "q.io/a:1  r.io/a   s.io/a",
      want: [
        { source: "q.io/a:1", destination: "r.io/a", origin: "file m.txt, line 1" },
        { source: "q.io/a:1", destination: "s.io/a", origin: "file m.txt, line 1" },
      ],
    },
    {
      name: "two pairs on a line",
      text: "\nq.io/a:1=r.io/a:1 q.io/b:1=r.io/b:1",
      want: [
        { source: "q.io/a:1", destination: "r.io/a:1", origin: "file m.txt, line 2" },
        { source: "q.io/b:1", destination: "r.io/b:1", origin: "file m.txt, line 2" },
      ],
    },
    { name: "only comments", text: "# nothing\n#\n", want: [] },
  ];
  for (const c of good) {
    it(c.name, () => {
      assert.deepEqual(mappingsFromFile(c.text, "m.txt"), c.want);
    });
  }

  const bad: { name: string; text: string; message: string }[] = [
    {
      name: "a tab, which is no separator",
      text: "q.io/a:1\tr.io/a:1",
      message: `file m.txt, line 1: ${ONE_SRC}`,
    },
    { name: "an empty half", text: "# x\n=r.io/a:1", message: `file m.txt, line 2: ${EMPTY_HALF}` },
  ];
  for (const c of bad) {
    it(`refuses ${c.name}`, () => {
      assertUsage(() => mappingsFromFile(c.text, "m.txt"), c.message);
    });
  }

  it("refuses the same destination tag twice (scenario 48)", () => {
    const mappings = mappingsFromFile("q.io/a:1=r.io/a:1\nq.io/b:1=r.io/a:1\n", "m.txt");
    assertUsage(
      () => plan(mappings),
      "file m.txt, line 2: each destination tag may only be specified once: r.io/a:1",
    );
  });
});

describe("requireMappings", () => {
  it("refuses none with oc's message", () => {
    assertUsage(() => {
      requireMappings([]);
    }, NO_MAPPINGS);
  });
});

describe("parseMapping", () => {
  const good: { name: string; source: string; destination: string; dir?: string; want: object }[] =
    [
      {
        name: "registry tag to registry tag",
        source: "q.io/o/a:1",
        destination: "localhost:5000/a:2",
        want: {
          source: { kind: "registry", text: "q.io/o/a:1", domain: "q.io", path: "o/a", tag: "1" },
          destination: {
            kind: "registry",
            text: "localhost:5000/a:2",
            domain: "localhost:5000",
            path: "a",
            tag: "2",
          },
        },
      },
      {
        name: "no source tag means all tags",
        source: "docker.io/library/busybox",
        destination: "r.io/busybox",
        want: {
          source: {
            kind: "registry",
            text: "docker.io/library/busybox",
            domain: "docker.io",
            path: "library/busybox",
          },
          destination: { kind: "registry", text: "r.io/busybox", domain: "r.io", path: "busybox" },
          tagPattern: "*",
        },
      },
      {
        name: "a tag with * is a pattern",
        source: "q.io/a:1.*",
        destination: "r.io/a",
        want: {
          source: { kind: "registry", text: "q.io/a:1.*", domain: "q.io", path: "a" },
          destination: { kind: "registry", text: "r.io/a", domain: "r.io", path: "a" },
          tagPattern: "1.*",
        },
      },
      {
        name: "a digest source",
        source: `q.io/a@${D1}`,
        destination: "r.io/a",
        want: {
          source: { kind: "registry", text: `q.io/a@${D1}`, domain: "q.io", path: "a", digest: D1 },
          destination: { kind: "registry", text: "r.io/a", domain: "r.io", path: "a" },
        },
      },
      {
        name: "oci: layouts, tag and digest",
        source: `oci:src:${D1}`,
        destination: "oci:/srv/out:v1",
        want: {
          source: { kind: "layout", text: `oci:src:${D1}`, dir: "src", digest: D1 },
          destination: { kind: "layout", text: "oci:/srv/out:v1", dir: "/srv/out", tag: "v1" },
        },
      },
      {
        name: "an oci: source without tag means all tags",
        source: "oci:src",
        destination: "r.io/a",
        want: {
          source: { kind: "layout", text: "oci:src", dir: "src" },
          destination: { kind: "registry", text: "r.io/a", domain: "r.io", path: "a" },
          tagPattern: "*",
        },
      },
      {
        name: "an oci: tag pattern",
        source: "oci:src:v1.*",
        destination: "oci:out",
        want: {
          source: { kind: "layout", text: "oci:src:v1.*", dir: "src" },
          destination: { kind: "layout", text: "oci:out", dir: "out" },
          tagPattern: "v1.*",
        },
      },
      {
        name: "file:// is a layout below --dir",
        source: "q.io/a:1",
        destination: "file://mirror/app:2",
        dir: "/data/",
        want: {
          source: { kind: "registry", text: "q.io/a:1", domain: "q.io", path: "a", tag: "1" },
          destination: {
            kind: "layout",
            text: "file://mirror/app:2",
            dir: "/data/mirror/app",
            tag: "2",
          },
        },
      },
      {
        name: "file:// below the default --dir, as a source with a digest",
        source: `file://mirror/app@${D1}`,
        destination: "r.io/app",
        want: {
          source: {
            kind: "layout",
            text: `file://mirror/app@${D1}`,
            dir: "mirror/app",
            digest: D1,
          },
          destination: { kind: "registry", text: "r.io/app", domain: "r.io", path: "app" },
        },
      },
      {
        name: "a file:// tag pattern",
        source: "file://mirror/app:*",
        destination: "r.io/app",
        dir: "out",
        want: {
          source: { kind: "layout", text: "file://mirror/app:*", dir: "out/mirror/app" },
          destination: { kind: "registry", text: "r.io/app", domain: "r.io", path: "app" },
          tagPattern: "*",
        },
      },
    ];
  for (const c of good) {
    it(c.name, () => {
      assert.deepEqual(parse(c.source, c.destination, c.dir), c.want);
    });
  }

  it("keeps the origin", () => {
    const mapping = { source: "q.io/a:1", destination: "r.io/a:1", origin: "file m.txt, line 3" };
    assert.equal(parseMapping(mapping, { dir: "." }).origin, "file m.txt, line 3");
  });

  const bad: { name: string; source: string; destination: string; message: string }[] = [
    {
      name: "a one-component name without registry",
      source: "busybox:1",
      destination: "r.io/busybox:1",
      message:
        '"busybox:1" names no registry and mirror does not assume Docker Hub; write the registry: docker.io/library/busybox:1',
    },
    {
      name: "a two-component name without registry",
      source: "q.io/app:1",
      destination: "org/app:1",
      message:
        '"org/app:1" names no registry and mirror does not assume Docker Hub; write the registry: docker.io/org/app:1',
    },
    {
      name: "docker.io without library/",
      source: "docker.io/busybox",
      destination: "r.io/busybox",
      message:
        '"docker.io/busybox" leaves out Docker Hub\'s library/ namespace, which mirror does not add; write docker.io/library/busybox',
    },
    {
      name: "index.docker.io without library/",
      source: "q.io/busybox:1",
      destination: "index.docker.io/busybox:1",
      message:
        '"index.docker.io/busybox:1" leaves out Docker Hub\'s library/ namespace, which mirror does not add; write index.docker.io/library/busybox:1',
    },
    {
      name: "* in the repository",
      source: "q.io/a*:1",
      destination: "r.io/a",
      message: ONLY_IN_TAGS,
    },
    {
      name: "* in a digest",
      source: "q.io/a@sha256:*",
      destination: "r.io/a",
      message: ONLY_IN_TAGS,
    },
    {
      name: "* in an oci: directory",
      source: "oci:d*:1",
      destination: "r.io/a",
      message: ONLY_IN_TAGS,
    },
    {
      name: "a tag pattern that is no tag",
      source: "q.io/a:-*",
      destination: "r.io/a",
      message: '"q.io/a:-*" is not a valid image reference: "-*" is not a tag with * wildcards',
    },
    {
      name: "a destination digest",
      source: "q.io/a:1",
      destination: `r.io/a@${D1}`,
      message: DST_DIGEST,
    },
    {
      name: "a tag on the destination of a tag pattern",
      source: "q.io/a:1.*",
      destination: "r.io/a:1",
      message: DST_REPOSITORY,
    },
    {
      name: "a tag on the destination of all tags",
      source: "q.io/a",
      destination: "oci:out:1",
      message: DST_REPOSITORY,
    },
    {
      name: "an invalid reference",
      source: "q.io/a:1",
      destination: "r.io/A:1",
      message: '"r.io/A:1" is not a valid image reference: repository name "A" must be lowercase',
    },
    {
      name: "an absolute file:// path",
      source: "q.io/a:1",
      destination: "file:///srv/a",
      message: '"file:///srv/a": a file:// path is relative to --dir and may not start with "/"',
    },
    {
      name: "a file:// path leaving --dir",
      source: "q.io/a:1",
      destination: "file://a/../../b:1",
      message: '"file://a/../../b:1": a file:// path must stay inside --dir; ".." is not allowed',
    },
    {
      name: "an oci: name without directory",
      source: "oci::1",
      destination: "r.io/a",
      message: 'invalid OCI layout reference "oci::1": the directory is empty (oci:PATH[:TAG])',
    },
    {
      name: "s3://",
      source: "q.io/a:1",
      destination: "s3://s3.amazonaws.com/us-east-1/bucket/a",
      message:
        '"s3://s3.amazonaws.com/us-east-1/bucket/a" is not a location mirror can use: write a registry reference, oci:PATH or file://PATH',
    },
  ];
  for (const c of bad) {
    it(`refuses ${c.name}`, () => {
      assertUsage(() => parse(c.source, c.destination), c.message);
    });
  }

  it("prefixes a file mapping's errors with its origin", () => {
    const mapping = { source: "busybox:1", destination: "r.io/b:1", origin: "file m.txt, line 3" };
    assertUsage(
      () => parseMapping(mapping, { dir: "." }),
      'file m.txt, line 3: "busybox:1" names no registry and mirror does not assume Docker Hub; write the registry: docker.io/library/busybox:1',
    );
  });
});

describe("expandMapping (X3)", () => {
  const cases: { name: string; source: string; tags: string[]; want: string[] }[] = [
    {
      name: "all tags, sorted, once each",
      source: "q.io/a",
      tags: ["b", "a", "1.0", "a"],
      want: ["q.io/a:1.0", "q.io/a:a", "q.io/a:b"],
    },
    {
      name: "1.* is anchored and its dot is literal",
      source: "q.io/a:1.*",
      tags: ["1.10", "2.0", "1x0", "10.1", "v1.0", "1.0", "1."],
      want: ["q.io/a:1.", "q.io/a:1.0", "q.io/a:1.10"],
    },
    {
      name: "an explicit * in an oci: layout",
      source: "oci:src:*",
      tags: ["v2", "v1"],
      want: ["oci:src:v1", "oci:src:v2"],
    },
    { name: "no match", source: "q.io/a:9.*", tags: ["1.0"], want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const expanded = expandMapping(parse(c.source, "r.io/a"), c.tags);
      assert.deepEqual(
        expanded.map((m) => m.source.text),
        c.want,
      );
      for (const m of expanded) {
        assert.equal(m.tagPattern, undefined);
        assert.equal(m.source.tag, m.source.text.slice(m.source.text.lastIndexOf(":") + 1));
        assert.deepEqual(m.destination, {
          kind: "registry",
          text: "r.io/a",
          domain: "r.io",
          path: "a",
        });
      }
    });
  }

  it("gives the expanded source its tag and keeps the origin", () => {
    const mapping = parseMapping(
      { source: "q.io/o/a:1.*", destination: "r.io/a", origin: "file m.txt, line 1" },
      { dir: "." },
    );
    assert.deepEqual(expandMapping(mapping, ["1.2"]), [
      {
        source: { kind: "registry", text: "q.io/o/a:1.2", domain: "q.io", path: "o/a", tag: "1.2" },
        destination: { kind: "registry", text: "r.io/a", domain: "r.io", path: "a" },
        origin: "file m.txt, line 1",
      },
    ]);
  });

  it("returns a mapping without pattern as it is", () => {
    const mapping = parse("q.io/a:1", "r.io/a");
    const expanded = expandMapping(mapping, ["2"]);
    assert.equal(expanded.length, 1);
    assert.equal(expanded[0], mapping);
  });
});

describe("finishMappings (X4, X5)", () => {
  const good: { name: string; mappings: MirrorMapping[]; tags?: string[]; want: string[] }[] = [
    {
      name: "an untagged destination takes the source tag",
      mappings: [{ source: "q.io/a:1", destination: "r.io/a" }],
      want: ["q.io/a:1 → r.io/a:1 (1)"],
    },
    {
      name: "a digest source leaves the destination untagged",
      mappings: [{ source: `q.io/a@${D1}`, destination: "r.io/a" }],
      want: [`q.io/a@${D1} → r.io/a (-)`],
    },
    {
      name: "a layout destination takes the source tag",
      mappings: [{ source: "q.io/a:1", destination: "oci:out" }],
      want: ["q.io/a:1 → oci:out:1 (1)"],
    },
    {
      name: "expanded tags each give their destination tag",
      mappings: [{ source: "q.io/a:1.*", destination: "file://m/a" }],
      tags: ["1.1", "1.0"],
      want: ["q.io/a:1.0 → file://m/a:1.0 (1.0)", "q.io/a:1.1 → file://m/a:1.1 (1.1)"],
    },
    {
      name: "two digests pushed by digest into one repository",
      mappings: [
        { source: `q.io/a@${D1}`, destination: "r.io/a" },
        { source: `q.io/b@${D2}`, destination: "r.io/a" },
      ],
      want: [`q.io/a@${D1} → r.io/a (-)`, `q.io/b@${D2} → r.io/a (-)`],
    },
    {
      name: "a digest source into its own repository",
      mappings: [{ source: `q.io/a@${D1}`, destination: "q.io/a" }],
      want: [`q.io/a@${D1} → q.io/a (-)`],
    },
  ];
  for (const c of good) {
    it(c.name, () => {
      const finished = plan(c.mappings, c.tags);
      assert.deepEqual(
        finished.map(
          (m) => `${m.source.text} → ${m.destination.text} (${m.destination.tag ?? "-"})`,
        ),
        c.want,
      );
    });
  }

  const bad: { name: string; mappings: MirrorMapping[]; message: string }[] = [
    {
      name: "the same destination tag twice",
      mappings: [
        { source: "q.io/a:1", destination: "r.io/a:1" },
        { source: "q.io/b:2", destination: "r.io/a:1" },
      ],
      message: "each destination tag may only be specified once: r.io/a:1",
    },
    {
      name: "the same destination tag once written, once inherited",
      mappings: [
        { source: "q.io/a:1", destination: "r.io/a:1" },
        { source: "q.io/b:1", destination: "r.io/a" },
      ],
      message: "each destination tag may only be specified once: r.io/a:1",
    },
    {
      name: "Docker Hub's aliases as one registry",
      mappings: [
        { source: "q.io/a:1", destination: "docker.io/library/a:1" },
        { source: "q.io/b:1", destination: "index.docker.io/library/a:1" },
      ],
      message: "each destination tag may only be specified once: index.docker.io/library/a:1",
    },
    {
      name: "oci: and file:// naming one directory",
      mappings: [
        { source: "q.io/a:1", destination: "oci:./out/" },
        { source: "q.io/b:1", destination: "file://out" },
      ],
      message: "each destination tag may only be specified once: file://out:1",
    },
    {
      name: "SRC and DST the same after the tag is inherited",
      mappings: [{ source: "q.io/a:1", destination: "q.io/a" }],
      message: "SRC and DST may not be the same",
    },
    {
      name: "SRC and DST the same layout",
      mappings: [{ source: "oci:out:1", destination: "file://out:1" }],
      message: "SRC and DST may not be the same",
    },
  ];
  for (const c of bad) {
    it(`refuses ${c.name}`, () => {
      assertUsage(() => plan(c.mappings), c.message);
    });
  }

  it("prefixes the origin of the mapping at fault", () => {
    const mappings = [
      { source: "q.io/a:1", destination: "q.io/a:1", origin: "file m.txt, line 4" },
    ];
    assertUsage(() => plan(mappings), "file m.txt, line 4: SRC and DST may not be the same");
  });

  it("refuses an unexpanded mapping as a bug", () => {
    assert.throws(() => finishMappings([parse("q.io/a", "r.io/a")]), {
      name: "InternalError",
      code: "INTERNAL",
      message: "mirror mapping q.io/a=r.io/a was not expanded",
    });
  });
});
