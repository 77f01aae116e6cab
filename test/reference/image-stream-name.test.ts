/**
 * Image stream, tag and namespace names; ImageStreamTag / ImageStreamImage
 * names; a spec tag's `from.name` (SEMANTICS.md §1.1, §1.3, §2.6; scenario 9).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  parseImageStreamImageName,
  parseImageStreamTagName,
  parseSourceName,
  validateNamespace,
  validateStreamName,
  validateTagName,
  type ImageStreamImageName,
  type ImageStreamTagName,
  type ReferenceParseReason,
  type SourceName,
  type StreamSourceKind,
} from "../../src/reference/index.ts";
import { assertFails, assertProblem, D1, RUBY_22, type FailCase } from "./support.ts";

interface ValidateCase {
  readonly name: string;
  readonly input: string;
  readonly namespace?: string;
  /** Undefined: valid. */
  readonly wantReason?: ReferenceParseReason;
  readonly wantIndex?: number;
}

const streamNames: readonly ValidateCase[] = [
  { name: "seed ruby", input: "ruby" },
  { name: "seed my-ruby", input: "my-ruby" },
  { name: "dots and underscores", input: "a.b_c-d" },
  { name: "scenario 9: My_App", input: "My_App", wantReason: "STREAM_NAME_INVALID", wantIndex: 0 },
  { name: "double separator", input: "a..b", wantReason: "STREAM_NAME_INVALID" },
  {
    name: "double underscore (allowed in paths, not here)",
    input: "a__b",
    wantReason: "STREAM_NAME_INVALID",
  },
  { name: "empty", input: "", wantReason: "STREAM_NAME_INVALID" },
  { name: "dot", input: ".", wantReason: "STREAM_NAME_INVALID" },
  { name: "dot dot", input: "..", wantReason: "STREAM_NAME_INVALID" },
  { name: "slash", input: "a/b", wantReason: "STREAM_NAME_INVALID", wantIndex: 1 },
  { name: "percent", input: "a%b", wantReason: "STREAM_NAME_INVALID", wantIndex: 1 },
  { name: "space", input: "my app", wantReason: "STREAM_NAME_INVALID", wantIndex: 2 },
  { name: "namespace/name of 255", input: "a".repeat(250), namespace: "demo" },
  {
    name: "scenario 9: namespace/name over 255",
    input: "a".repeat(251),
    namespace: "demo",
    wantReason: "STREAM_NAME_TOO_LONG",
  },
  { name: "no namespace, no length limit", input: "a".repeat(300) },
];

const tagNames: readonly ValidateCase[] = [
  { name: "seed 2.0", input: "2.0" },
  { name: "seed static-2.0", input: "static-2.0" },
  { name: "seed v3.11.59-2", input: "v3.11.59-2" },
  { name: "underscore first", input: "_x" },
  { name: "128 characters", input: "t".repeat(128) },
  { name: "129 characters", input: "t".repeat(129), wantReason: "TAG_TOO_LONG" },
  { name: "leading dash", input: "-x", wantReason: "TAG_INVALID", wantIndex: 0 },
  { name: "leading period", input: ".x", wantReason: "TAG_INVALID", wantIndex: 0 },
  { name: "colon", input: "a:b", wantReason: "TAG_INVALID", wantIndex: 1 },
  { name: "empty", input: "", wantReason: "TAG_INVALID", wantIndex: 0 },
];

const namespaces: readonly ValidateCase[] = [
  { name: "seed openshift", input: "openshift" },
  { name: "dashes", input: "openshift-config" },
  { name: "upper case", input: "Demo", wantReason: "NAMESPACE_INVALID" },
  { name: "trailing dash", input: "demo-", wantReason: "NAMESPACE_INVALID" },
  { name: "64 characters", input: "a".repeat(64), wantReason: "NAMESPACE_INVALID" },
];

function checkValidator(run: (c: ValidateCase) => unknown, c: ValidateCase): void {
  const problem = run(c);
  if (c.wantReason === undefined) {
    assert.equal(problem, undefined);
    return;
  }
  assertProblem(problem, {
    wantReason: c.wantReason,
    ...(c.wantIndex === undefined ? {} : { wantIndex: c.wantIndex }),
  });
}

describe("validateStreamName", () => {
  for (const c of streamNames)
    it(c.name, () => {
      checkValidator((v) => validateStreamName(v.input, v.namespace), c);
    });
  it("scenario 9: OpenShift's length message", () => {
    assert.equal(
      validateStreamName("a".repeat(251), "demo")?.message,
      "'namespace/name' cannot be longer than 255 characters",
    );
  });
});

describe("validateTagName (oc tag)", () => {
  for (const c of tagNames)
    it(c.name, () => {
      checkValidator((v) => validateTagName(v.input), c);
    });
  it("uses oc's message", () => {
    assert.equal(
      validateTagName("-x")?.message,
      `invalid tag "-x" format, tags must start with an alphanumeric character followed by alphanumeric, '.' or '-' characters, and have a maximum of 128 characters`,
    );
  });
});

describe("validateNamespace", () => {
  for (const c of namespaces)
    it(c.name, () => {
      checkValidator((v) => validateNamespace(v.input), c);
    });
});

const istags: readonly { name: string; input: string; want: ImageStreamTagName }[] = [
  { name: "seed ruby:2.0", input: "ruby:2.0", want: { stream: "ruby", tag: "2.0" } },
  {
    name: "seed ruby:static-2.0",
    input: "ruby:static-2.0",
    want: { stream: "ruby", tag: "static-2.0" },
  },
  { name: "seed ruby:latest", input: "ruby:latest", want: { stream: "ruby", tag: "latest" } },
  {
    name: "seed example:latest",
    input: "example:latest",
    want: { stream: "example", tag: "latest" },
  },
  {
    name: "with namespace",
    input: "openshift/ruby:2.0",
    want: { namespace: "openshift", stream: "ruby", tag: "2.0" },
  },
  { name: "tag is not validated", input: "ruby:-odd", want: { stream: "ruby", tag: "-odd" } },
];

const badIstags: readonly FailCase[] = [
  { name: "no tag", input: "ruby", wantReason: "ISTAG_FORM", wantIndex: 4 },
  { name: "image, not tag", input: "ruby@3a335d7", wantReason: "ISTAG_FORM", wantIndex: 4 },
  { name: "two colons", input: "a:b:c", wantReason: "ISTAG_FORM", wantIndex: 3 },
  { name: "empty stream", input: ":tag", wantReason: "ISTAG_FORM", wantIndex: 0 },
  { name: "empty tag", input: "ruby:", wantReason: "ISTAG_FORM", wantIndex: 5 },
  { name: "bad stream", input: "My_App:1", wantReason: "STREAM_NAME_INVALID", wantIndex: 0 },
  {
    name: "bad stream after namespace",
    input: "demo/My_App:1",
    wantReason: "STREAM_NAME_INVALID",
    wantIndex: 5,
  },
  { name: "bad namespace", input: "Demo/app:1", wantReason: "NAMESPACE_INVALID", wantIndex: 0 },
  { name: "two slashes", input: "a/b/c:1", wantReason: "STREAM_NAME_INVALID", wantIndex: 3 },
];

describe("parseImageStreamTagName", () => {
  for (const c of istags)
    it(c.name, () => {
      assert.deepEqual(parseImageStreamTagName(c.input), c.want);
    });
  for (const c of badIstags)
    it(`rejects ${c.name}`, () => {
      assertFails(() => parseImageStreamTagName(c.input), c);
    });
});

const isimages: readonly { name: string; input: string; want: ImageStreamImageName }[] = [
  {
    name: "seed ruby@3a335d7 (ID prefix)",
    input: "ruby@3a335d7",
    want: { stream: "ruby", id: "3a335d7", exact: false },
  },
  {
    name: "full digest",
    input: `ruby@${RUBY_22}`,
    want: { stream: "ruby", id: RUBY_22, exact: true },
  },
  {
    name: "digest prefix",
    input: "ruby@sha256:3a335d7",
    want: { stream: "ruby", id: "sha256:3a335d7", exact: false },
  },
  {
    name: "with namespace",
    input: "openshift/ruby@3a335d7",
    want: { namespace: "openshift", stream: "ruby", id: "3a335d7", exact: false },
  },
];

const badIsimages: readonly FailCase[] = [
  { name: "no ID", input: "ruby", wantReason: "ISIMAGE_FORM", wantIndex: 4 },
  { name: "empty ID", input: "ruby@", wantReason: "ISIMAGE_FORM", wantIndex: 5 },
  { name: "empty stream", input: "@3a335d7", wantReason: "ISIMAGE_FORM", wantIndex: 0 },
  { name: "two @", input: "a@b@c", wantReason: "ISIMAGE_FORM", wantIndex: 3 },
  { name: "upper-case ID", input: "ruby@3A335D7", wantReason: "IMAGE_ID_INVALID", wantIndex: 6 },
  { name: "not hex", input: "ruby@latest", wantReason: "IMAGE_ID_INVALID", wantIndex: 5 },
  {
    name: "unsupported algorithm",
    input: "ruby@md5:abc",
    wantReason: "DIGEST_ALGORITHM",
    wantIndex: 5,
  },
  {
    name: "too long for sha256",
    input: `ruby@sha256:${"a".repeat(65)}`,
    wantReason: "DIGEST_LENGTH",
    wantIndex: 12,
  },
];

describe("parseImageStreamImageName", () => {
  for (const c of isimages)
    it(c.name, () => {
      assert.deepEqual(parseImageStreamImageName(c.input), c.want);
    });
  for (const c of badIsimages)
    it(`rejects ${c.name}`, () => {
      assertFails(() => parseImageStreamImageName(c.input), c);
    });
});

const sources: readonly {
  name: string;
  kind: StreamSourceKind;
  input: string;
  want: SourceName;
}[] = [
  {
    name: "<tag>",
    kind: "ImageStreamTag",
    input: "2.0",
    want: { kind: "ImageStreamTag", tag: "2.0" },
  },
  {
    name: "scenario 6: other is a tag of this stream",
    kind: "ImageStreamTag",
    input: "other",
    want: { kind: "ImageStreamTag", tag: "other" },
  },
  {
    name: "<repo>:<tag>",
    kind: "ImageStreamTag",
    input: "ruby:2.0",
    want: { kind: "ImageStreamTag", stream: "ruby", tag: "2.0" },
  },
  {
    name: "seed alias target",
    kind: "ImageStreamTag",
    input: "ruby:static-2.0",
    want: { kind: "ImageStreamTag", stream: "ruby", tag: "static-2.0" },
  },
  {
    name: "<id> prefix",
    kind: "ImageStreamImage",
    input: "3a335d7",
    want: { kind: "ImageStreamImage", id: "3a335d7", exact: false },
  },
  {
    name: "<id> digest",
    kind: "ImageStreamImage",
    input: D1,
    want: { kind: "ImageStreamImage", id: D1, exact: true },
  },
  {
    name: "seed <repo>@<id>",
    kind: "ImageStreamImage",
    input: "ruby@3a335d7",
    want: { kind: "ImageStreamImage", stream: "ruby", id: "3a335d7", exact: false },
  },
  {
    name: "scenario 24: permanent tag",
    kind: "ImageStreamImage",
    input: `app@${D1}`,
    want: { kind: "ImageStreamImage", stream: "app", id: D1, exact: true },
  },
];

const badSources: readonly (FailCase & { kind: StreamSourceKind })[] = [
  {
    name: "a:b:c",
    kind: "ImageStreamTag",
    input: "a:b:c",
    wantReason: "SOURCE_NAME_FORM",
    wantIndex: 3,
  },
  {
    name: "empty stream",
    kind: "ImageStreamTag",
    input: ":2.0",
    wantReason: "SOURCE_NAME_FORM",
    wantIndex: 0,
  },
  {
    name: "empty tag",
    kind: "ImageStreamTag",
    input: "ruby:",
    wantReason: "SOURCE_NAME_FORM",
    wantIndex: 5,
  },
  {
    name: "empty",
    kind: "ImageStreamTag",
    input: "",
    wantReason: "SOURCE_NAME_FORM",
    wantIndex: 0,
  },
  {
    name: "bad stream",
    kind: "ImageStreamTag",
    input: "My_App:1",
    wantReason: "STREAM_NAME_INVALID",
    wantIndex: 0,
  },
  {
    name: "namespace in from.name",
    kind: "ImageStreamTag",
    input: "ns/ruby:2.0",
    wantReason: "STREAM_NAME_INVALID",
    wantIndex: 2,
  },
  {
    name: "a@b@c",
    kind: "ImageStreamImage",
    input: "a@b@c",
    wantReason: "SOURCE_NAME_FORM",
    wantIndex: 3,
  },
  {
    name: "bad ID",
    kind: "ImageStreamImage",
    input: "ruby@latest",
    wantReason: "IMAGE_ID_INVALID",
    wantIndex: 5,
  },
  {
    name: "tag given as image",
    kind: "ImageStreamImage",
    input: "ruby:2.0",
    wantReason: "IMAGE_ID_INVALID",
    wantIndex: 0,
  },
];

describe("parseSourceName", () => {
  for (const c of sources)
    it(c.name, () => {
      assert.deepEqual(parseSourceName(c.kind, c.input), c.want);
    });
  for (const c of badSources)
    it(`rejects ${c.name}`, () => {
      assertFails(() => parseSourceName(c.kind, c.input), c);
    });
  it("uses OpenShift's message", () => {
    assert.throws(() => parseSourceName("ImageStreamTag", "a:b:c"), {
      message: "must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>",
    });
  });
});
