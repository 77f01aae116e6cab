/**
 * Golden tests of the pull request body and the commit message, rendered
 * from Proposals built here, plus the body's escaping and length limit.
 * Goldens live in test/fixtures/publish/ (`<case>.md`, `<case>.commit.txt`);
 * run with `UPDATE_GOLDEN=1` to rewrite them, then read the diff like code:
 * a reviewer must understand each PR in ten seconds.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { renderCommitMessage } from "../../src/publish/commit-message.ts";
import { parseFingerprintTrailer, parseMarker, renderMarker } from "../../src/publish/marker.ts";
import { renderPullRequestBody } from "../../src/publish/pr-body.ts";
import type { MirrorChange, Proposal, Skip, TagChange } from "../../src/publish/proposal.ts";
import {
  digest,
  image,
  proposal,
  revision,
  streamFile,
  tagChange,
  triggerPatch,
  workloadFile,
} from "../support/proposal-builder.ts";
import { projectRoot } from "../support/temp-repo.ts";

const goldens = path.join(projectRoot, "test/fixtures/publish");
const update = process.env["UPDATE_GOLDEN"] === "1";
const github = 65_536;

/** OCI annotation labels of an image built from `source` at `rev`. */
function oci(source: string, rev: string, version?: string): Readonly<Record<string, string>> {
  return {
    "org.opencontainers.image.source": source,
    "org.opencontainers.image.revision": rev,
    ...(version === undefined ? {} : { "org.opencontainers.image.version": version }),
  };
}

function oneTag(): Proposal {
  const ruby = tagChange({
    namespace: "demo",
    stream: "ruby",
    tag: "3.3",
    oldImage: digest("3fad34e6a244"),
    newImage: digest("22aa1c60025a"),
    file: "streams/ruby.yaml",
    line: 12,
    details: image({
      created: "2024-05-02T09:14:27Z",
      platforms: ["linux/amd64", "linux/arm64"],
      size: 52_134_912,
      labels: oci("https://github.com/docker-library/ruby", revision("8f1e0b2"), "3.3.1"),
    }),
    previousDetails: image({
      created: "2024-04-11T17:02:05Z",
      platforms: ["linux/amd64"],
      size: 50_934_000,
      labels: oci("https://github.com/docker-library/ruby", revision("41c9d7a"), "3.3.0"),
    }),
  });
  return proposal({ tags: [ruby], files: [streamFile([ruby])] });
}

const local = "registry.example.com/mirror";

function appTag(tag: string, prefix: string, old?: string): TagChange {
  const newImage = digest(prefix);
  return tagChange({
    namespace: "demo",
    stream: "app",
    tag,
    source: `DockerImage quay.io/acme/app:${tag}`,
    ...(old === undefined ? {} : { oldImage: digest(old) }),
    newImage,
    newPullSpec: `${local}/demo/app@${newImage}`,
    file: "streams/app.yaml",
    line: 3,
    details: image({
      created: "2024-05-03T06:40:00Z",
      size: 31_804_211,
      labels: oci("https://gitlab.com/acme/app.git", revision(prefix.slice(0, 6)), tag),
    }),
    ...(old === undefined
      ? {}
      : {
          previousDetails: image({
            size: 31_790_002,
            labels: oci("https://gitlab.com/acme/app.git", revision("77aa01")),
          }),
        }),
  });
}

/** A mirror of `image` from quay.io/acme/app to the local registry. */
function appMirror(subject: string, image: string, action: string, reason: string): MirrorChange {
  return {
    subject,
    from: `quay.io/acme/app@${image}`,
    to: `${local}/demo/app@${image}`,
    action,
    reason,
  };
}

/** A trigger patch of a container following demo/app:`tag`. */
function appTrigger(
  file: string,
  workload: string,
  container: string,
  tag: TagChange,
  old?: string,
) {
  return triggerPatch({
    file,
    line: 9,
    workload,
    container,
    source: `demo/app:${tag.tag}`,
    ...(old === undefined ? {} : { oldImage: old }),
    newImage: tag.newPullSpec,
  });
}

function mirrorAndTrigger(): Proposal {
  const tags = [appTag("1.2", "9c0d4e5f6a7b", "51b2c3d4e5f6"), appTag("1.2-debug", "e1f2a3b4c5d6")];
  const [release, debug] = tags as [TagChange, TagChange];
  const old = `${local}/demo/app@${digest("51b2c3d4e5f6")}`;
  const web = [
    appTrigger("deploy/web.yaml", "Deployment/web", "web", release, old),
    appTrigger("deploy/web.yaml", "Deployment/web", "migrate", release, old),
  ];
  const worker = [
    appTrigger("deploy/worker.yaml", "DeploymentConfig/worker", "lastTriggeredImage", debug),
  ];
  return proposal({
    tags,
    mirrors: [
      appMirror(
        "demo/app:1.2",
        release.newImage ?? "",
        "copied",
        "4 blobs, 31.8 MB; digest verified",
      ),
      appMirror(
        "demo/app:1.2-debug",
        debug.newImage ?? "",
        "present",
        "already at the destination; digest verified",
      ),
    ],
    triggers: [...web, ...worker],
    files: [
      streamFile(tags),
      workloadFile("deploy/web.yaml", web),
      workloadFile("deploy/worker.yaml", worker),
    ],
  });
}

/** 200 tags in three streams, with the files a run would change. */
function twoHundredTags(): Proposal {
  const streams = [
    ["ruby", 150],
    ["python", 40],
    ["node", 10],
  ] as const;
  const tags = streams.flatMap(([stream, count]) =>
    Array.from({ length: count }, (_, i) =>
      tagChange({
        namespace: "demo",
        stream,
        tag: `${Math.floor(i / 10)}.${i % 10}`,
        oldImage: digest(`${stream}old${i}`),
        details: image({
          created: "2024-05-02T09:14:27Z",
          size: 40_000_000 + i * 1_000,
          labels: oci(`https://github.com/acme/${stream}`, revision(`${stream}${i}`)),
        }),
        previousDetails: image({
          size: 40_000_000,
          labels: oci(`https://github.com/acme/${stream}`, revision(`${stream}old${i}`)),
        }),
      }),
    ),
  );
  const files = streams.map(([stream]) => streamFile(tags.filter((t) => t.stream === stream)));
  return proposal({ tags, files });
}

/** `[subject, rule, reason]` as a Skip. */
function skip([subject, rule, reason]: readonly [string, string, string]): Skip {
  return { subject, rule, reason };
}

const heldBack = [
  ["demo/ruby:3.4", "minimumAge", "created 2024-05-02 09:14 UTC, 40m ago; minimumAge is 2h"],
  ["demo/node:22", "requirePlatforms", "missing linux/arm64 (the image has linux/amd64)"],
  ["deploy/batch.yaml: Deployment/batch batch", "paused", "the trigger is paused"],
  ["demo/app:1.3", "mirror", `waiting for the mirror to ${local}/demo/app`],
] as const;

const failed = [
  ["demo/python:3.13", "ImportFailed", "docker.io/library/python:3.13: manifest unknown (404)"],
  ["demo/app:1.3", "MirrorFailed", `copy to ${local}/demo/app: denied (403)`],
] as const;

/** Only trigger patches (the local mirror landed), with held-back decisions and failures. */
function skips(): Proposal {
  const landed = digest("9c0d4e5f6a7b");
  const tag = tagChange({
    namespace: "demo",
    stream: "app",
    tag: "1.2",
    newPullSpec: `${local}/demo/app@${landed}`,
  });
  const triggers = [
    appTrigger("deploy/api.yaml", "Deployment/api", "api", tag, "quay.io/acme/app:1.2"),
    appTrigger("deploy/report.yaml", "CronJob/report", "report", tag, "quay.io/acme/app:1.2"),
  ];
  return proposal({
    mirrors: [
      appMirror("demo/app:1.2", landed, "present", "landed since the last run; digest verified"),
    ],
    triggers,
    files: [
      workloadFile("deploy/api.yaml", triggers.slice(0, 1)),
      workloadFile("deploy/report.yaml", triggers.slice(1)),
    ],
    skips: heldBack.map(skip),
    failures: failed.map(skip),
  });
}

const cases: readonly { name: string; build: () => Proposal }[] = [
  { name: "one-tag", build: oneTag },
  { name: "mirror-and-trigger", build: mirrorAndTrigger },
  { name: "two-hundred-tags", build: twoHundredTags },
  { name: "skips", build: skips },
];

async function golden(file: string, actual: string): Promise<string> {
  const at = path.join(goldens, file);
  if (update) await writeFile(at, actual);
  return readFile(at, "utf8");
}

describe("pull request body and commit message goldens", () => {
  for (const { name, build } of cases) {
    it(`${name}.md`, async () => {
      const body = renderPullRequestBody(build(), { maxLength: github });
      assert.ok(body.length <= github);
      assert.equal(body, await golden(`${name}.md`, body));
    });
    it(`${name}.commit.txt`, async () => {
      const message = renderCommitMessage(build());
      assert.equal(message, await golden(`${name}.commit.txt`, message));
      assert.equal(parseFingerprintTrailer(message), build().fingerprint);
    });
  }
});

/** The cells of a GFM table row: split at pipes that no backslash escapes. */
function cells(row: string): readonly string[] {
  return row.slice(1, -1).split(/(?<!\\)\|/);
}

describe("pull request body escaping", () => {
  const hostile = tagChange({
    namespace: "demo",
    stream: "web",
    tag: "a|b`c",
    details: image({
      labels: { "org.opencontainers.image.version": "<script>alert(1)</script> | @org/team" },
    }),
  });
  const body = renderPullRequestBody(proposal({ tags: [hostile] }), { maxLength: github });

  it("keeps every row of a table at the header's column count", () => {
    const rows = body.split("\n").filter((line) => line.startsWith("| "));
    assert.ok(rows.length >= 2);
    for (const row of rows) assert.equal(cells(row).length, 7, row);
  });

  it("lets no HTML and no mention through from labels", () => {
    assert.doesNotMatch(body, /<script/);
    assert.match(body, /&lt;script&gt;/);
    assert.doesNotMatch(body, /@org/);
  });

  it("drops credentials from a source label's URL", () => {
    const labels = {
      "org.opencontainers.image.source":
        "https://gitlab-ci-token:SECRET@gitlab.example.com/g/p.git",
      "org.opencontainers.image.revision": "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef",
    };
    const tag = tagChange({ namespace: "demo", stream: "p", tag: "1", details: image({ labels }) });
    const text = renderPullRequestBody(proposal({ tags: [tag] }), { maxLength: github });
    assert.doesNotMatch(text, /SECRET|gitlab-ci-token/);
    assert.match(text, /\(https:\/\/gitlab\.example\.com\/g\/p\/-\/commit\/deadbeef/);
  });

  it("puts a tag with a backtick in a code span it cannot close", () => {
    assert.match(body, /``a\\\|b`c``/);
  });
});

/** 200 tags, each in its own file with a diff of about 2 KB. */
function bigProposal(): Proposal {
  const tags = Array.from({ length: 200 }, (_, i) =>
    tagChange({
      namespace: "demo",
      stream: `s${i % 7}`,
      tag: `t${i}`,
      oldImage: digest(`o${i}`),
      file: `streams/t${i}.yaml`,
    }),
  );
  const filler = (seed: string) =>
    Array.from({ length: 24 }, (_, j) => `# ${seed} line ${j} ${"x".repeat(30)}\n`).join("");
  const files = tags.map((t) => ({
    path: t.file,
    before: filler("before"),
    after: filler("after"),
  }));
  return proposal({
    tags,
    files,
    skips: tags.map((t) => ({ subject: t.tag, rule: "r", reason: "why" })),
  });
}

describe("pull request body length limit", () => {
  const big = bigProposal();
  for (const maxLength of [github, 20_000, 3_000]) {
    it(`fits ${maxLength} characters and keeps summary, footer and marker`, () => {
      const body = renderPullRequestBody(big, { maxLength });
      assert.ok(body.length <= maxLength, `${body.length} > ${maxLength}`);
      assert.ok(body.startsWith("This PR updates 200 tags in 7 image streams."));
      assert.match(body, /Reproduce locally: `npx imagestream-gitops plan --repo \.`/);
      assert.match(
        body,
        /stops the tool from force-pushing it\.\n\n<!-- imagestream-gitops: fingerprint=[0-9a-f]+ -->\n$/,
      );
      assert.equal(parseMarker(body), big.fingerprint);
    });
  }

  it("omits diffs before table rows, and says how to see them", () => {
    const body = renderPullRequestBody(big, { maxLength: github });
    assert.match(
      body,
      /diff lines\) omitted to fit the size limit: .*`git diff main\.\.\.imagestream-gitops\/update`/,
    );
  });

  it("counts the tags it leaves out", () => {
    assert.match(renderPullRequestBody(big, { maxLength: 3_000 }), /… and [\d,]+ more tags/);
  });

  it("cuts the text, never the marker, when even the footer does not fit", () => {
    const body = renderPullRequestBody(big, { maxLength: 200 });
    assert.ok(body.length <= 200);
    assert.ok(body.endsWith(`${renderMarker(big.fingerprint)}\n`));
    assert.throws(() => renderPullRequestBody(big, { maxLength: 40 }), { code: "INTERNAL" });
  });
});

describe("commit message", () => {
  it("holds nothing but the proposal's own text", () => {
    const p = mirrorAndTrigger();
    const source = JSON.stringify(p);
    const words = new Set([
      "→",
      "new",
      "Update",
      "demo/app:",
      "2",
      "tags",
      "Imagestream-Gitops-Fingerprint:",
      "Imagestream-Gitops-Branch:",
    ]);
    for (const word of renderCommitMessage(p)
      .split(/\s+/)
      .filter((w) => w !== "")) {
      const bare = word.replace(/^\(|\)$|:$/g, "");
      assert.ok(words.has(word) || source.includes(bare), `"${word}" is not from the proposal`);
    }
  });
});
