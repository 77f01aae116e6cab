/**
 * `imagestream-gitops inspect` end to end: images pushed by skopeo to the
 * real docker-registry (plain HTTP, so --insecure) and OCI layouts, with
 * `skopeo inspect` (and `--config --raw`) as the oracle of digests, config
 * fields and layers; referrers through the referrers tag schema, the path
 * docker-registry (no Referrers API) and layouts share.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { humanSize } from "../../src/cli/inspect-render.ts";
import {
  MEDIA_TYPES,
  referrersIndex,
  writeArtifact,
  writeImage,
  type ReferrerDescriptor,
  type ReferrersIndex,
} from "../support/oci-image.ts";
import { startRegistry, type Registry } from "../support/registry-server.ts";
import { runInProcess } from "../support/run-cli.ts";
import {
  inspectConfigRaw,
  inspectDigest,
  inspectImage,
  inspectRaw,
  pushLayout,
} from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";

const spdx = "application/spdx+json";
const amd64 = { os: "linux", architecture: "amd64" } as const;
const arm64 = { os: "linux", architecture: "arm64" } as const;

/** The `--json` document, as far as the tests read it. */
interface JsonReport {
  results: {
    reference: string;
    repository?: string;
    descriptor?: { digest: string; mediaType: string; size: number };
    artifactType?: string;
    platforms?: { digest: string; platform?: { os: string; architecture: string } }[];
    picked?: string;
    image?: {
      digest: string;
      configDigest: string;
      created?: string;
      architecture: string;
      os: string;
      author?: string;
      user?: string;
      workingDir?: string;
      entrypoint: string[];
      cmd: string[];
      env: string[];
      exposedPorts: string[];
      labels: Record<string, string>;
      layers: { digest: string; size: number; mediaType: string }[];
      size: number;
    };
    referrers?: ReferrerDescriptor[];
    error?: { code: string; message: string };
  }[];
}

/** The container defaults of the single-platform image. */
const runtime = {
  Env: ["PATH=/usr/local/bin:/usr/bin", "GREETING=hello world"],
  Entrypoint: ["/bin/app", "--serve"],
  Cmd: ["--port", "8080"],
  User: "1001",
  WorkingDir: "/srv",
  ExposedPorts: { "8080/tcp": {}, "9090/tcp": {} },
};

/** `app:1.0` (one platform, two layers, labels and runtime config) and `app:2.0` (amd64 and arm64). */
async function pushImages(t: TestContext, registry: Registry) {
  const layout = await tempRepo(t, {});
  const single = await writeImage(layout, {
    tag: "1.0",
    layers: 2,
    created: "2024-05-06T07:08:09Z",
    author: "Platform Team <platform@example.com>",
    labels: { "io.k8s.display-name": "App", version: "1.0" },
    runtime,
  });
  const multi = await writeImage(layout, { tag: "2.0", platforms: [amd64, arm64] });
  for (const tag of ["1.0", "2.0"])
    await pushLayout(layout, tag, `${registry.host}/team/app:${tag}`);
  return { layout, single, multi };
}

function parse(stdout: string): JsonReport {
  return JSON.parse(stdout) as JsonReport;
}

/** Writes `index` into the layout under its `<alg>-<hex>` tag, as a client keeping the schema would. */
async function tagReferrersIndex(layout: string, index: ReferrersIndex): Promise<void> {
  const hex = index.digest.slice("sha256:".length);
  await writeFile(path.join(layout, "blobs", "sha256", hex), index.bytes);
  const file = path.join(layout, "index.json");
  const json = JSON.parse(await readFile(file, "utf8")) as { manifests: object[] };
  json.manifests.push({
    mediaType: index.mediaType,
    digest: index.digest,
    size: index.size,
    annotations: { "org.opencontainers.image.ref.name": index.tag },
  });
  await writeFile(file, JSON.stringify(json));
}

describe("imagestream-gitops inspect", { concurrency: true }, () => {
  it("shows an image's config and layers as skopeo inspect reads them", async (t) => {
    const registry = await startRegistry(t);
    const { single } = await pushImages(t, registry);
    const ref = `${registry.host}/team/app:1.0`;
    const r = await runInProcess(["inspect", "--insecure", "--json", ref]);
    assert.equal(r.code, 0, r.stderr);
    const [result] = parse(r.stdout).results;
    const image = result?.image;
    assert.ok(result !== undefined && image !== undefined, r.stdout);

    const want = await inspectImage(ref);
    const manifest = JSON.parse((await inspectRaw(ref)).toString("utf8")) as {
      layers: { digest: string; size: number; mediaType: string }[];
    };
    const config = await inspectConfigRaw(ref);
    const parsedConfig = JSON.parse(config.toString("utf8")) as {
      author: string;
      config: { User: string; WorkingDir: string; Entrypoint: string[]; Cmd: string[] };
    };
    assert.equal(result.descriptor?.digest, want.Digest);
    assert.equal(result.descriptor.digest, single.digest);
    assert.equal(result.descriptor.mediaType, MEDIA_TYPES.manifest);
    assert.equal(result.repository, `${registry.host}/team/app`);
    assert.equal(image.digest, want.Digest);
    assert.equal(image.created, want.Created);
    assert.equal(image.architecture, want.Architecture);
    assert.equal(image.os, want.Os);
    assert.deepEqual(image.labels, want.Labels);
    assert.deepEqual(image.env, want.Env);
    assert.deepEqual(
      image.layers.map((l) => l.digest),
      want.Layers,
    );
    assert.deepEqual(
      image.layers,
      manifest.layers.map(({ digest, size, mediaType }) => ({ digest, size, mediaType })),
    );
    assert.equal(image.layers.length, 2);
    assert.equal(image.author, parsedConfig.author);
    assert.equal(image.user, parsedConfig.config.User);
    assert.equal(image.workingDir, parsedConfig.config.WorkingDir);
    assert.deepEqual(image.entrypoint, parsedConfig.config.Entrypoint);
    assert.deepEqual(image.cmd, parsedConfig.config.Cmd);
    assert.deepEqual(image.exposedPorts, ["8080/tcp", "9090/tcp"]);
    const layerBytes = manifest.layers.reduce((sum, l) => sum + l.size, 0);
    assert.equal(image.size, layerBytes + config.length);
    assert.equal(result.platforms, undefined);
    assert.equal(result.referrers, undefined);

    // The same, as people read it.
    const human = await runInProcess(["inspect", "--insecure", ref]);
    assert.equal(human.code, 0, human.stderr);
    const [first, second] = manifest.layers;
    assert.ok(first !== undefined && second !== undefined);
    const sizes = [humanSize(first.size), humanSize(second.size)];
    const width = Math.max(...sizes.map((s) => s.length));
    assert.equal(
      human.stdout,
      [
        `Name:           ${ref}`,
        `Repository:     ${registry.host}/team/app`,
        `Digest:         ${want.Digest}`,
        `Media Type:     ${MEDIA_TYPES.manifest}`,
        `Created:        2024-05-06T07:08:09Z`,
        `Architecture:   amd64`,
        `OS:             linux`,
        `Author:         Platform Team <platform@example.com>`,
        `User:           1001`,
        `Working Dir:    /srv`,
        `Entrypoint:     /bin/app --serve`,
        `Command:        --port 8080`,
        `Environment:    PATH=/usr/local/bin:/usr/bin`,
        `                GREETING=hello world`,
        `Exposed Ports:  8080/tcp, 9090/tcp`,
        `Labels:         io.isg.test.seed=1.0`,
        `                io.k8s.display-name=App`,
        `                version=1.0`,
        `Layers:         ${(sizes[0] ?? "").padEnd(width)}  ${first.digest}  ${first.mediaType}`,
        `                ${(sizes[1] ?? "").padEnd(width)}  ${second.digest}  ${second.mediaType}`,
        `Image Size:     ${humanSize(layerBytes + config.length)} in 2 layers`,
        "",
      ].join("\n"),
    );
  });

  it("lists an index's platforms and shows the Legacy pick, or --platform's", async (t) => {
    const registry = await startRegistry(t);
    const { multi } = await pushImages(t, registry);
    const ref = `${registry.host}/team/app:2.0`;
    const raw = JSON.parse((await inspectRaw(ref)).toString("utf8")) as {
      manifests: { digest: string; platform: { os: string; architecture: string } }[];
    };
    const r = await runInProcess(["inspect", "--insecure", "--json", ref]);
    assert.equal(r.code, 0, r.stderr);
    const [legacy] = parse(r.stdout).results;
    assert.equal(legacy?.descriptor?.digest, await inspectDigest(ref));
    assert.equal(legacy.descriptor.mediaType, MEDIA_TYPES.index);
    assert.deepEqual(
      legacy.platforms?.map((p) => [p.digest, p.platform?.architecture]),
      raw.manifests.map((m) => [m.digest, m.platform.architecture]),
    );
    const amdEntry = raw.manifests.find((m) => m.platform.architecture === "amd64");
    const armEntry = raw.manifests.find((m) => m.platform.architecture === "arm64");
    assert.ok(amdEntry !== undefined && armEntry !== undefined);
    assert.equal(legacy.picked, "legacy");
    assert.equal(legacy.image?.digest, amdEntry.digest);
    const amdWant = await inspectImage(ref, {}, amd64);
    assert.equal(legacy.image.architecture, amdWant.Architecture);
    assert.deepEqual(
      legacy.image.layers.map((l) => l.digest),
      amdWant.Layers,
    );

    const arm = await runInProcess([
      "inspect",
      "--insecure",
      "--json",
      "--platform",
      "linux/arm64",
      ref,
    ]);
    assert.equal(arm.code, 0, arm.stderr);
    const [picked] = parse(arm.stdout).results;
    const armWant = await inspectImage(ref, {}, arm64);
    const armConfig = JSON.parse((await inspectConfigRaw(ref, {}, arm64)).toString("utf8")) as {
      architecture: string;
      os: string;
      created: string;
    };
    assert.equal(picked?.picked, "platform-flag");
    assert.equal(picked.image?.digest, armEntry.digest);
    assert.equal(picked.image.digest, multi.manifests[1]?.digest);
    assert.equal(picked.image.architecture, armConfig.architecture);
    assert.equal(picked.image.os, armConfig.os);
    assert.equal(picked.image.created, armConfig.created);
    assert.deepEqual(
      picked.image.layers.map((l) => l.digest),
      armWant.Layers,
    );

    const human = await runInProcess(["inspect", "--insecure", ref]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(
      human.stdout,
      new RegExp(
        `^Media Type: +${MEDIA_TYPES.index.replace("+", "\\+")}\\nPlatforms: +linux/amd64  ${amdEntry.digest}\\n +linux/arm64  ${armEntry.digest}\\nPlatform: +linux/amd64  ${amdEntry.digest}  \\(what a Legacy import records`,
        "m",
      ),
    );
    assert.match(human.stdout, /^Architecture: +amd64$/m);
  });

  it("lists referrers from the referrers tag schema with --referrers", async (t) => {
    const registry = await startRegistry(t);
    const repo = "signed/app";
    const layout = await tempRepo(t, {});
    const image = await writeImage(layout, { tag: "v1", seed: "signed" });
    const sbom = await writeArtifact(layout, {
      tag: "sbom",
      subject: image,
      artifactType: spdx,
      content: JSON.stringify({ spdxVersion: "SPDX-2.3", name: repo }),
      annotations: { "org.opencontainers.image.created": "2024-01-02T03:04:05Z" },
    });
    for (const tag of ["v1", "sbom"])
      await pushLayout(layout, tag, `${registry.host}/${repo}:${tag}`);
    const index = referrersIndex(image.digest, [sbom]);
    const put = await fetch(`${registry.url}/v2/${repo}/manifests/${index.tag}`, {
      method: "PUT",
      headers: { "content-type": index.mediaType },
      body: index.bytes,
    });
    assert.equal(put.status, 201, await put.text());
    // skopeo: the artifact names the image as its subject.
    const artifact = JSON.parse(
      (await inspectRaw(`${registry.host}/${repo}@${sbom.digest}`)).toString("utf8"),
    ) as { subject?: { digest?: string } };
    assert.equal(artifact.subject?.digest, image.digest);

    const ref = `${registry.host}/${repo}:v1`;
    const r = await runInProcess(["inspect", "--insecure", "--json", "--referrers", ref]);
    assert.equal(r.code, 0, r.stderr);
    const [result] = parse(r.stdout).results;
    assert.equal(result?.descriptor?.digest, await inspectDigest(ref));
    assert.deepEqual(result.referrers, [sbom]);

    const human = await runInProcess(["inspect", "--insecure", "--referrers", ref]);
    assert.equal(human.code, 0, human.stderr);
    assert.ok(
      human.stdout.endsWith(
        `Referrers:      ${spdx}  ${sbom.digest}  ${humanSize(sbom.size)}\n` +
          `                  org.opencontainers.image.created=2024-01-02T03:04:05Z\n`,
      ),
      human.stdout,
    );

    // The artifact itself is shown as one, without image metadata; nothing refers to it.
    const shown = await runInProcess([
      "inspect",
      "--insecure",
      "--json",
      "--referrers",
      `${registry.host}/${repo}@${sbom.digest}`,
    ]);
    assert.equal(shown.code, 0, shown.stderr);
    const [art] = parse(shown.stdout).results;
    assert.deepEqual([art?.artifactType, art?.image, art?.referrers], [spdx, undefined, []]);
  });

  it("reads oci: layouts, their referrers tag included, agreeing with skopeo", async (t) => {
    const layout = path.join(await tempRepo(t, {}), "layout");
    const image = await writeImage(layout, {
      tag: "1.0",
      seed: "oci-inspect",
      labels: { tier: "offline" },
    });
    const sbom = await writeArtifact(layout, {
      subject: image,
      artifactType: spdx,
      content: "{}",
      annotations: { "org.opencontainers.image.created": "2024-02-03T04:05:06Z" },
    });
    await tagReferrersIndex(layout, referrersIndex(image.digest, [sbom]));
    const other = await writeImage(layout, { tag: "2.0", seed: "oci-inspect-other" });
    const refs = [`oci:${layout}:1.0`, `oci:${layout}:2.0`];
    const r = await runInProcess(["inspect", "--json", "--referrers", ...refs]);
    assert.equal(r.code, 0, r.stderr);
    const [one, two] = parse(r.stdout).results;
    const want = await inspectImage(refs[0] ?? "");
    assert.equal(one?.repository, `oci:${layout}`);
    assert.equal(one.descriptor?.digest, want.Digest);
    assert.equal(one.descriptor.digest, image.digest);
    assert.ok(one.image !== undefined, r.stdout);
    assert.equal(one.image.created, want.Created);
    assert.deepEqual(one.image.labels, want.Labels);
    assert.deepEqual(
      one.image.layers.map((l) => l.digest),
      want.Layers,
    );
    assert.deepEqual(one.referrers, [sbom]);
    assert.equal(two?.descriptor?.digest, await inspectDigest(refs[1] ?? ""));
    assert.equal(two.descriptor.digest, other.digest);
    assert.deepEqual(two.referrers, []);
  });

  it("reports a failing reference, exits 1, and still shows the others", async (t) => {
    const registry = await startRegistry(t);
    const { single } = await pushImages(t, registry);
    const good = `${registry.host}/team/app:1.0`;
    const missing = `${registry.host}/team/app:9.9`;
    const json = await runInProcess(["inspect", "--insecure", "--json", missing, good]);
    assert.equal(json.code, 1);
    const [failed, shown] = parse(json.stdout).results;
    assert.equal(failed?.reference, missing);
    assert.equal(failed.error?.code, "REGISTRY");
    assert.match(failed.error.message, /404/);
    assert.equal(failed.descriptor, undefined);
    assert.equal(shown?.image?.digest, single.digest);
    assert.equal(shown.error, undefined);

    const human = await runInProcess(["inspect", "--insecure", missing, good]);
    assert.equal(human.code, 1);
    const [failedBlock, goodBlock, ...rest] = human.stdout.split("\n\n");
    assert.equal(rest.length, 0, human.stdout);
    assert.match(failedBlock ?? "", new RegExp(`^Name: +${missing}\\n`));
    assert.match(failedBlock ?? "", /^Error: +.*404/m);
    assert.match(goodBlock ?? "", new RegExp(`^Digest: +${single.digest}$`, "m"));
    assert.match(human.stderr, new RegExp(`imagestream-gitops inspect: ${missing}: .*404`));
  });

  it("answers --help and refuses bad usage with exit 2", async () => {
    const help = await runInProcess(["inspect", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: imagestream-gitops inspect REF/);
    for (const argv of [
      ["inspect"],
      ["inspect", "Bad/Ref"],
      ["inspect", "--platform", "linux", "a/b"],
      ["inspect", "--concurrency", "0", "a/b"],
      ["inspect", "--no-such-flag", "a/b"],
    ]) {
      const r = await runInProcess(argv);
      assert.equal(r.code, 2, argv.join(" "));
      assert.match(r.stderr, /Usage: imagestream-gitops inspect/);
      assert.equal(r.stdout, "");
    }
  });

  it("prints sizes as oc describe isimage does", () => {
    assert.deepEqual([0, 999, 1000, 1234, 45_620_000, 3_000_000_000].map(humanSize), [
      "0B",
      "999B",
      "1kB",
      "1.234kB",
      "45.62MB",
      "3GB",
    ]);
  });
});
