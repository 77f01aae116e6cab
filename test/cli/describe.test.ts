/**
 * `imagestream-gitops describe` end to end: the `oc describe is` view of a
 * copy of examples/ (with a few streams added for status-only tags, failed
 * imports and a name two namespaces share), and, with a tag, the registry's
 * metadata of its current image, read from the real docker-registry and
 * checked against skopeo.
 */
import assert from "node:assert/strict";
import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { runDescribe } from "../../src/cli/describe.ts";
import { humanSize } from "../../src/cli/inspect-render.ts";
import { MEDIA_TYPES, writeImage } from "../support/oci-image.ts";
import { startRegistry, type Registry } from "../support/registry-server.ts";
import { runInProcess, type CliResult } from "../support/run-cli.ts";
import { inspectConfigRaw, inspectImage, inspectRaw, pushLayout } from "../support/skopeo.ts";
import { projectRoot, tempRepo } from "../support/temp-repo.ts";

/** The clock of the tests that print ages. */
const clock = new Date("2026-11-23T12:00:00Z");

const hexA = "a".repeat(64);

/** Streams examples/ lacks: a status-only tag, a failed import, and a second `base`. */
const extraStreams = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: legacy
  namespace: demo
spec:
  tags:
    - name: "2.0"
      from:
        kind: DockerImage
        name: quay.io/acme/legacy:2.0
status:
  tags:
    # Its spec tag was deleted by hand: status only.
    - tag: "1.0"
      items:
        - created: "2026-11-20T12:00:00Z"
          dockerImageReference: quay.io/acme/legacy@sha256:${hexA}
          image: sha256:${hexA}
          generation: 1
    - tag: "2.0"
      items: []
      conditions:
        - type: ImportSuccess
          status: "False"
          reason: NotFound
          message: dockerimage.image.openshift.io "quay.io/acme/legacy:2.0" not found
          generation: 2
          lastTransitionTime: "2026-11-23T10:00:00Z"
---
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: base
  namespace: demo
spec:
  tags: []
`;

/** A copy of examples/ plus {@link extraStreams}, in a temporary directory. */
async function examplesCopy(t: TestContext): Promise<string> {
  const root = await tempRepo(t, {});
  await cp(path.join(projectRoot, "examples"), root, { recursive: true });
  await writeFile(path.join(root, "imagestreams", "extra.yaml"), extraStreams);
  return root;
}

/** Runs describe in-process with {@link clock} as the time. */
async function describeAt(args: readonly string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const out = { stdout: (s: string) => (stdout += s), stderr: (s: string) => (stderr += s) };
  const code = await runDescribe(args, out, {}, () => clock);
  return { code, stdout, stderr };
}

/** The `--json` document, as far as the tests read it. */
interface JsonDescription {
  stream: { name: string; namespace: string; file: string; line: number };
  tags: {
    name: string;
    source: { kind: string; name: string; namespace?: string } | null;
    kind: string;
    referencePolicy: string | null;
    importMode: string | null;
    insecure: boolean;
    scheduled: boolean;
    items: { created: string; dockerImageReference: string; image: string }[];
    conditions: { type: string; status: string; reason?: string }[];
    image?: {
      digest: string;
      mediaType: string;
      created?: string;
      platform: string;
      platforms: { platform: string; digest: string }[];
      size: number;
      layers: number;
      labels: Record<string, string>;
    };
    error?: { code: string; message: string };
  }[];
}

function parse(stdout: string): JsonDescription {
  return JSON.parse(stdout) as JsonDescription;
}

const ruby20 = "docker.io/openshift/ruby-20-centos7";
const sha3fad = "sha256:3fad34e6a2440912bfba9b76e9129200b2f5bf36957dc63f123b07abaf0552be";
const sha9580 = "sha256:9580118a1a132767358d9b7b448d7937e40bc2837074729af28d29454716488d";
const sha8d42 = "sha256:8d42144e3fee6d3ac4865ac1c9581f9519b566eabac66a62546ca8e21040d055";

describe("imagestream-gitops describe", { concurrency: true }, () => {
  it("shows a stream as oc describe is does, every kind of tag, ages from the clock", async (t) => {
    const root = await examplesCopy(t);
    const r = await describeAt(["--repo", root, "ruby"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    // Ages: 2026-10-27T06:45:02Z is 27d5h before the clock, 2026-06-02T08:14:31Z 174d,
    // 2026-11-21T03:30:18Z 2d8h, 2026-07-15T13:20:00Z 130d.
    assert.equal(
      r.stdout,
      [
        "Name:              ruby",
        "Namespace:         demo",
        "File:              imagestreams/ruby.yaml:14",
        "Labels:            app.kubernetes.io/part-of=demo",
        "Annotations:       openshift.io/display-name=Ruby",
        "Image Repository:  registry.example.com/mirror/demo/ruby",
        "Image Lookup:      local=false",
        "Unique Images:     3",
        "Tags:              5",
        "",
        "latest",
        "  tracks ruby:2.0",
        "",
        `  * ${ruby20}@${sha3fad}`,
        "      27d ago",
        `    ${ruby20}@${sha9580}`,
        "      174d ago",
        "",
        "3.3",
        "  updates automatically from registry quay.io/sclorg/ruby-33-c9s:latest",
        "    import mode Legacy (linux/amd64)",
        "",
        `  * quay.io/sclorg/ruby-33-c9s@${sha8d42}`,
        "      2d8h ago",
        "",
        "2.0",
        `  tagged from ${ruby20}:2.0`,
        "    import mode Legacy (linux/amd64)",
        "",
        "  Build and run Ruby 2.0 applications on CentOS 7. For more information about using this builder image, see https://github.com/sclorg/s2i-ruby-container.",
        "  Tags: builder, ruby",
        "  Supports: ruby",
        "  Example Repo: https://github.com/sclorg/ruby-ex.git",
        "",
        `  * ${ruby20}@${sha3fad}`,
        "      27d ago",
        `    ${ruby20}@${sha9580}`,
        "      174d ago",
        "",
        "static-2.0",
        `  pinned to ruby@${sha9580}`,
        "",
        `  * ${ruby20}@${sha9580}`,
        "      130d ago",
        "",
        "upstream",
        `  reference to registry ${ruby20}:latest`,
        "",
        "  no image imported yet",
        "",
      ].join("\n"),
    );
  });

  it("marks insecure imports (stream annotation or tag flag) and the Local policy", async (t) => {
    const root = await examplesCopy(t);
    // Without the config marking the registry insecure, only the stream and the tag say so.
    const configFile = path.join(root, "imagestream-gitops.yaml");
    const config = await readFile(configFile, "utf8");
    const registryEntry = `"registry.internal.example:5000":\n    insecure: true`;
    assert.ok(config.includes(registryEntry));
    await writeFile(
      configFile,
      config.replace(registryEntry, registryEntry.replace("true", "false")),
    );

    const ledger = await runInProcess(["describe", "--repo", root, "payments/ledger"]);
    assert.equal(ledger.code, 0, ledger.stderr);
    const lines = ledger.stdout.split("\n");
    const at = lines.indexOf("4.2");
    assert.deepEqual(lines.slice(at, at + 5), [
      "4.2",
      "  tagged from registry.internal.example:5000/payments/ledger:4.2",
      "    will use insecure HTTPS or HTTP connections",
      "    prefer registry pullthrough when referencing this tag",
      "    import mode Legacy (linux/amd64)",
    ]);
    assert.match(ledger.stdout, /^Annotations: {7}openshift\.io\/image\.insecureRepository=true$/m);

    const json = await runInProcess(["describe", "--repo", root, "--json", "fx-rates"]);
    assert.equal(json.code, 0, json.stderr);
    const [fx] = parse(json.stdout).tags;
    assert.deepEqual([fx?.insecure, fx?.referencePolicy], [true, "Local"]);

    const storefront = await runInProcess(["describe", "--repo", root, "--json", "storefront"]);
    const tags = parse(storefront.stdout).tags;
    assert.deepEqual(
      tags.map((t) => [t.name, t.insecure, t.referencePolicy]),
      [
        ["1.4", false, "Source"],
        ["1.3", false, "Source"],
      ],
    );
    assert.doesNotMatch(storefront.stdout, /insecure HTTPS/);
  });

  it("shows status-only tags, failed imports and other streams' tags", async (t) => {
    const root = await examplesCopy(t);
    const legacy = await describeAt(["--repo", root, "legacy"]);
    assert.equal(legacy.code, 0, legacy.stderr);
    assert.match(legacy.stdout, /^Tags: {14}2$/m);
    assert.match(
      legacy.stdout,
      /^2\.0\n {2}tagged from quay\.io\/acme\/legacy:2\.0\n {4}import mode Legacy \(linux\/amd64\)\n\n {2}! ImportSuccess: NotFound: dockerimage\.image\.openshift\.io "quay\.io\/acme\/legacy:2\.0" not found\n {6}120m ago\n {2}no image imported yet\n/m,
    );
    assert.match(
      legacy.stdout,
      new RegExp(
        `^1\\.0\\n {2}status only \\(no spec tag; remove with tag -d\\)\\n\\n {2}\\* quay\\.io/acme/legacy@sha256:${hexA}\\n {6}3d ago\\n`,
        "m",
      ),
    );

    const toolbox = await runInProcess(["describe", "--repo", root, "toolbox"]);
    assert.match(toolbox.stdout, /^stable\n {2}tagged from shared\/base:1\.0\n/m);
  });

  it("prints one JSON document with each tag's kind, source and history", async (t) => {
    const root = await examplesCopy(t);
    const r = await runInProcess(["describe", "--repo", root, "--json", "demo/ruby"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const doc = parse(r.stdout);
    assert.deepEqual(doc.stream, {
      ...doc.stream,
      name: "ruby",
      namespace: "demo",
      file: "imagestreams/ruby.yaml",
      line: 14,
    });
    assert.deepEqual(
      doc.tags.map((t) => [t.name, t.kind, t.importMode, t.scheduled]),
      [
        ["latest", "tracking", null, false],
        ["3.3", "imported", "Legacy", true],
        ["2.0", "imported", "Legacy", false],
        ["static-2.0", "pinned", null, false],
        ["upstream", "reference", null, false],
      ],
    );
    const latest = doc.tags[0];
    assert.deepEqual(latest?.source, { kind: "ImageStreamTag", name: "2.0" });
    assert.deepEqual(latest.items[0], {
      created: "2026-10-27T06:45:02Z",
      dockerImageReference: `${ruby20}@${sha3fad}`,
      image: sha3fad,
      generation: 4,
    });
    for (const tag of doc.tags) {
      assert.equal(tag.image, undefined);
      for (const item of tag.items) assert.match(item.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }

    const toolbox = parse(
      (await runInProcess(["describe", "--repo", root, "--json", "toolbox"])).stdout,
    );
    assert.deepEqual(
      toolbox.tags.map((t) => [t.kind, t.source]),
      [["cross-stream", { kind: "ImageStreamTag", name: "base:1.0", namespace: "shared" }]],
    );

    const legacy = parse(
      (await runInProcess(["describe", "--repo", root, "--json", "legacy"])).stdout,
    );
    assert.deepEqual(
      legacy.tags.map((t) => [t.name, t.kind, t.source, t.referencePolicy, t.conditions.length]),
      [
        ["2.0", "imported", { kind: "DockerImage", name: "quay.io/acme/legacy:2.0" }, "Source", 1],
        ["1.0", "status-only", null, null, 0],
      ],
    );

    // With a tag, only that tag.
    const one = parse(
      (await runInProcess(["describe", "--repo", root, "--json", "--no-registry", "ruby:3.3"]))
        .stdout,
    );
    assert.deepEqual(
      one.tags.map((t) => t.name),
      ["3.3"],
    );
    assert.equal(one.tags[0]?.items[0]?.image, sha8d42);
  });

  it("refuses unknown and ambiguous streams and tags with exit 2", async (t) => {
    const root = await examplesCopy(t);
    const unknown = await runInProcess(["describe", "--repo", root, "rubyy"]);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /^imagestream-gitops describe: no image stream named "rubyy" \(known: demo\/base, demo\/legacy, .*demo\/ruby, .*\); did you mean "ruby"\?\n/,
    );
    assert.match(unknown.stderr, /Usage: imagestream-gitops describe/);

    const ambiguous = await runInProcess(["describe", "--repo", root, "base"]);
    assert.equal(ambiguous.code, 2);
    assert.match(
      ambiguous.stderr,
      /image stream "base" is in several namespaces \(demo\/base, shared\/base\); name one as NAMESPACE\/base or with --namespace/,
    );
    for (const args of [["shared/base"], ["--namespace", "shared", "base"]]) {
      const one = await runInProcess(["describe", "--repo", root, ...args]);
      assert.equal(one.code, 0, one.stderr);
      assert.match(one.stdout, /^Namespace: {9}shared$/m);
    }
    const elsewhere = await runInProcess([
      "describe",
      "--repo",
      root,
      "--namespace",
      "demo",
      "postgresql",
    ]);
    assert.equal(elsewhere.code, 2);
    assert.match(elsewhere.stderr, /no image stream named "demo\/postgresql"/);

    const tag = await runInProcess(["describe", "--repo", root, "ruby:2.1"]);
    assert.equal(tag.code, 2);
    assert.match(
      tag.stderr,
      /image stream "demo\/ruby" has no tag "2\.1" \(tags: .*\); did you mean "2\.0"\?/,
    );

    for (const bad of [["a/b/c"], ["ruby@sha256:abc"], ["ruby:"], ["ruby", "toolbox"], []]) {
      const r = await runInProcess(["describe", "--repo", root, ...bad]);
      assert.equal(r.code, 2, `${bad.join(" ")}: ${r.stderr}`);
    }
    const clash = await runInProcess([
      "describe",
      "--repo",
      root,
      "--namespace",
      "demo",
      "shared/base",
    ]);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /not --namespace "demo"/);
  });

  it("prints the repository's errors as validate does and exits 2", async (t) => {
    const root = await tempRepo(t, {
      "s.yaml": `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
  - name: "1.2"
    from: {kind: DockerImage, name: quay.io/Org/app:1.2}
`,
    });
    const r = await runInProcess(["describe", "--repo", root, "app"]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^s\.yaml:7:45: error INVALID_REFERENCE: /);
    assert.match(
      r.stderr,
      /\n {2}7 \| {5}from: \{kind: DockerImage, name: quay\.io\/Org\/app:1\.2\}\n/,
    );
    assert.match(r.stderr, /describe: the repository has 1 error; fix them first/);
  });

  it("answers --help, and the program's help lists the command", async () => {
    const help = await runInProcess(["describe", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: imagestream-gitops describe STREAM\[:TAG\]/);
    assert.match(help.stdout, /Without :TAG, every tag is shown and no registry is contacted/);
    assert.match(help.stdout, /Exit status: 0 shown, 1 the registry could not be read/);
    const program = await runInProcess(["--help"]);
    assert.match(program.stdout, /^ {2}describe {5}show an image stream/m);
  });
});

describe("imagestream-gitops describe STREAM:TAG", { concurrency: true }, () => {
  /** A repository whose stream `app` records `digests` (tag → digest) from `registry`. */
  async function repoFor(
    t: TestContext,
    registry: Registry,
    tags: Readonly<Record<string, { digest: string; mode?: string }>>,
  ): Promise<string> {
    const spec = Object.entries(tags).map(
      ([tag, { mode }]) => `    - name: "${tag}"
      from: {kind: DockerImage, name: "${registry.host}/team/app:${tag}"}
      importPolicy: {importMode: ${mode ?? "Legacy"}}`,
    );
    const status = Object.entries(tags).map(
      ([tag, { digest }]) => `    - tag: "${tag}"
      items:
        - created: "2026-11-20T12:00:00Z"
          dockerImageReference: "${registry.host}/team/app@${digest}"
          image: "${digest}"
          generation: 1`,
    );
    return tempRepo(t, {
      "imagestream-gitops.yaml": `registries:\n  "${registry.host}": {insecure: true}\n`,
      "app.yaml": `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: team}
spec:
  tags:
${spec.join("\n")}
status:
  tags:
${status.join("\n")}
`,
    });
  }

  it("adds the registry's metadata of the current image, as skopeo reads it", async (t) => {
    const registry = await startRegistry(t);
    const layout = await tempRepo(t, {});
    const single = await writeImage(layout, {
      tag: "1.0",
      layers: 2,
      created: "2024-05-06T07:08:09Z",
      labels: { "io.k8s.display-name": "App", version: "1.0" },
    });
    const multi = await writeImage(layout, {
      tag: "2.0",
      platforms: [
        { os: "linux", architecture: "arm64" },
        { os: "linux", architecture: "amd64" },
      ],
    });
    for (const tag of ["1.0", "2.0"])
      await pushLayout(layout, tag, `${registry.host}/team/app:${tag}`);
    const root = await repoFor(t, registry, {
      "1.0": { digest: single.digest },
      "2.0": { digest: multi.digest, mode: "PreserveOriginal" },
    });

    const ref = `${registry.host}/team/app:1.0`;
    const want = await inspectImage(ref);
    const manifest = JSON.parse((await inspectRaw(ref)).toString("utf8")) as {
      layers: { size: number }[];
    };
    const configBytes = (await inspectConfigRaw(ref)).length;
    const size = manifest.layers.reduce((sum, l) => sum + l.size, 0) + configBytes;

    const r = await runInProcess(["describe", "--repo", root, "--json", "app:1.0"]);
    assert.equal(r.code, 0, r.stderr);
    const [tag] = parse(r.stdout).tags;
    assert.ok(tag !== undefined);
    assert.equal(tag.error, undefined);
    assert.deepEqual(tag.image, {
      digest: want.Digest,
      mediaType: MEDIA_TYPES.manifest,
      created: want.Created,
      platform: `${want.Os}/${want.Architecture}`,
      platforms: [],
      size,
      layers: want.Layers.length,
      labels: want.Labels,
    });
    assert.equal(want.Layers.length, 2);
    assert.equal(want.Created, "2024-05-06T07:08:09Z");

    const text = await describeAt(["--repo", root, "app:1.0"]);
    assert.equal(text.code, 0, text.stderr);
    const labels = Object.entries(want.Labels ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`);
    assert.ok(
      text.stdout.endsWith(
        [
          `  * ${registry.host}/team/app@${want.Digest}`,
          "      3d ago",
          "",
          "  Registry image:",
          `    Digest:      ${want.Digest}`,
          `    Media Type:  ${MEDIA_TYPES.manifest}`,
          "    Platform:    linux/amd64",
          "    Created:     2024-05-06T07:08:09Z (2y201d ago)",
          `    Size:        ${humanSize(size)} in 2 layers`,
          `    Labels:      ${labels[0] ?? ""}`,
          ...labels.slice(1).map((l) => `                 ${l}`),
          "",
        ].join("\n"),
      ),
      text.stdout,
    );
    assert.match(text.stdout, /^Tags: {14}2$/m);
    assert.doesNotMatch(text.stdout, /^2\.0$/m);

    // An index: every platform listed, the metadata of the one a Legacy import records.
    const raw = JSON.parse(
      (await inspectRaw(`${registry.host}/team/app:2.0`)).toString("utf8"),
    ) as {
      manifests: { digest: string; platform: { os: string; architecture: string } }[];
    };
    const amd64 = await inspectImage(
      `${registry.host}/team/app:2.0`,
      {},
      {
        os: "linux",
        architecture: "amd64",
      },
    );
    const index = await runInProcess(["describe", "--repo", root, "--json", "app:2.0"]);
    assert.equal(index.code, 0, index.stderr);
    const image = parse(index.stdout).tags[0]?.image;
    assert.equal(image?.digest, amd64.Digest);
    assert.equal(image.digest, multi.digest);
    assert.equal(image.mediaType, MEDIA_TYPES.index);
    assert.equal(image.platform, "linux/amd64");
    assert.equal(image.layers, amd64.Layers.length);
    assert.deepEqual(
      image.platforms,
      raw.manifests.map((m) => ({
        platform: `${m.platform.os}/${m.platform.architecture}`,
        digest: m.digest,
      })),
    );
    assert.deepEqual(
      image.platforms.map((p) => p.platform),
      ["linux/arm64", "linux/amd64"],
    );

    // --no-registry: the same description without it.
    const offline = await runInProcess(["describe", "--repo", root, "--no-registry", "app:1.0"]);
    assert.equal(offline.code, 0, offline.stderr);
    assert.doesNotMatch(offline.stdout, /Registry image:/);
  });

  it("prints the description and an error line, and exits 1, when the registry fails", async (t) => {
    const registry = await startRegistry(t);
    const missing = `sha256:${"0".repeat(64)}`;
    const root = await repoFor(t, registry, { "1.0": { digest: missing } });

    // Without a tag nothing is read from the registry.
    const all = await runInProcess(["describe", "--repo", root, "app"]);
    assert.equal(all.code, 0, all.stderr);

    const r = await runInProcess(["describe", "--repo", root, "app:1.0"]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^Name: {14}app$/m);
    assert.match(r.stdout, new RegExp(`^ {2}\\* ${registry.host}/team/app@${missing}$`, "m"));
    assert.match(r.stdout, /\n\n {2}! error: cannot read the image from the registry: .+\n$/);
    assert.match(r.stderr, /^imagestream-gitops describe: team\/app:1\.0: .+\n$/);

    const json = await runInProcess(["describe", "--repo", root, "--json", "app:1.0"]);
    assert.equal(json.code, 1);
    const [tag] = parse(json.stdout).tags;
    assert.equal(tag?.error?.code, "REGISTRY");
    assert.equal(tag.image, undefined);
  });
});
