/**
 * Image metadata: imageMetadata on hand-written manifests and configs (the
 * seed's ImageStreamImage among them), the Legacy platform choice, and
 * fetchImageMetadata against the real docker-registry, with skopeo's
 * `inspect`, `inspect --raw` and `inspect --config --raw` as the oracle.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { promisify } from "node:util";
import { parseNormalizedReference } from "../../src/reference/index.ts";
import { RegistryClient } from "../../src/registry/client.ts";
import { DigestMismatchError, UnsupportedManifestError } from "../../src/registry/errors.ts";
import { fetchImageMetadata, pickLegacyManifest } from "../../src/registry/fetch-image-metadata.ts";
import {
  imageMetadata,
  InvalidImageConfigError,
  type ImageMetadata,
} from "../../src/registry/image-metadata.ts";
import type { Descriptor, Manifest, Platform } from "../../src/registry/manifest.ts";
import { Transport } from "../../src/registry/transport.ts";
import { sha256Digest, writeImage, type WrittenImage } from "../support/oci-image.ts";
import { startRegistry, storedBlobPath, type Registry } from "../support/registry-server.ts";
import { inspectRaw, pushLayout } from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";

const run = promisify(execFile);

const dockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
const dockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
const emptyLayer = "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";
const configDigest = `sha256:${"c".repeat(64)}`;

/** A manifest as fetched: only the descriptor and parsed JSON matter to imageMetadata. */
function manifestOf(json: unknown, mediaType = dockerManifest): Manifest {
  const bytes = Buffer.from(JSON.stringify(json));
  return {
    descriptor: { digest: sha256Digest(bytes), mediaType, size: bytes.length },
    bytes,
    json,
  };
}

/** A schema 2 manifest with the seed's layers: an empty layer three times among others. */
const seedManifest = manifestOf({
  schemaVersion: 2,
  mediaType: dockerManifest,
  config: {
    mediaType: "application/vnd.docker.container.image.v1+json",
    digest: configDigest,
    size: 7000,
  },
  layers: [
    { mediaType: dockerLayer, digest: emptyLayer, size: 32 },
    { mediaType: dockerLayer, digest: `sha256:${"e".repeat(64)}`, size: 196634330 },
    { mediaType: dockerLayer, digest: emptyLayer, size: 32 },
    { mediaType: dockerLayer, digest: `sha256:${"f".repeat(64)}`, size: 55679776 },
  ],
});

/** The config of the seed's ruby image (aro-3.11-managing-images.txt), trimmed. */
const seedConfig = {
  architecture: "amd64",
  author: "SoftwareCollections.org <sclorg@redhat.com>",
  created: "2016-01-26T21:07:27Z",
  docker_version: "1.8.2-el7",
  os: "linux",
  config: {
    User: "1001",
    WorkingDir: "/opt/app-root/src",
    Entrypoint: ["container-entrypoint"],
    Cmd: ["/bin/sh", "-c", "$STI_SCRIPTS_PATH/usage"],
    Env: ["HOME=/opt/app-root/src", "RUBY_VERSION=2.2"],
    ExposedPorts: { "8080/tcp": {} },
    Labels: {
      "io.k8s.display-name": "Ruby 2.2",
      license: "GPLv2",
      "io.openshift.tags": "builder,ruby,ruby22",
    },
  },
  container_config: {},
};

describe("imageMetadata", () => {
  it("reads what an ImageStreamImage shows, counting a repeated layer once", () => {
    const got = imageMetadata(seedManifest, seedConfig);
    const want: ImageMetadata = {
      digest: seedManifest.descriptor.digest,
      mediaType: dockerManifest,
      configDigest,
      created: "2016-01-26T21:07:27Z",
      architecture: "amd64",
      os: "linux",
      author: "SoftwareCollections.org <sclorg@redhat.com>",
      user: "1001",
      workingDir: "/opt/app-root/src",
      entrypoint: ["container-entrypoint"],
      cmd: ["/bin/sh", "-c", "$STI_SCRIPTS_PATH/usage"],
      labels: {
        "io.k8s.display-name": "Ruby 2.2",
        license: "GPLv2",
        "io.openshift.tags": "builder,ruby,ruby22",
      },
      env: ["HOME=/opt/app-root/src", "RUBY_VERSION=2.2"],
      exposedPorts: ["8080/tcp"],
      layers: [
        { mediaType: dockerLayer, digest: emptyLayer, size: 32 },
        { mediaType: dockerLayer, digest: `sha256:${"e".repeat(64)}`, size: 196634330 },
        { mediaType: dockerLayer, digest: emptyLayer, size: 32 },
        { mediaType: dockerLayer, digest: `sha256:${"f".repeat(64)}`, size: 55679776 },
      ],
      totalLayerSize: 32 + 196634330 + 55679776,
      size: 7000 + 32 + 196634330 + 55679776,
    };
    assert.deepEqual(got, want);
  });

  it("reads Docker's nulls as empty and leaves absent optional fields out", () => {
    const got = imageMetadata(seedManifest, {
      architecture: "arm",
      os: "linux",
      variant: "v7",
      author: "",
      config: { Env: null, Labels: null, ExposedPorts: null, Entrypoint: null, Cmd: null },
    });
    assert.equal(got.variant, "v7");
    for (const key of ["created", "author", "user", "workingDir"] as const) {
      assert.ok(!(key in got), `${key} should be absent`);
    }
    assert.deepEqual(
      [got.env, got.labels, got.exposedPorts, got.entrypoint, got.cmd],
      [[], {}, [], [], []],
    );
    assert.deepEqual(
      imageMetadata(seedManifest, { architecture: "amd64", os: "linux" }).labels,
      {},
    );
  });

  it("keeps a label named __proto__ as a label", () => {
    const config = JSON.parse(
      '{"architecture":"amd64","os":"linux","config":{"Labels":{"__proto__":"x"}}}',
    ) as unknown;
    const labels = imageMetadata(seedManifest, config).labels;
    assert.deepEqual(Object.entries(labels), [["__proto__", "x"]]);
  });

  const invalid = [
    { name: "null config", config: null, pointer: "" },
    { name: "a list", config: [], pointer: "" },
    { name: "a string", config: "{}", pointer: "" },
    { name: "no architecture", config: { os: "linux" }, pointer: "/architecture" },
    { name: "os a number", config: { architecture: "amd64", os: 1 }, pointer: "/os" },
    {
      name: "created a number",
      config: { architecture: "amd64", os: "linux", created: 5 },
      pointer: "/created",
    },
    {
      name: "config a list",
      config: { architecture: "amd64", os: "linux", config: [] },
      pointer: "/config",
    },
    {
      name: "a label that is not a string",
      config: { architecture: "amd64", os: "linux", config: { Labels: { "a/b": 1 } } },
      pointer: "/config/Labels/a~1b",
    },
    {
      name: "Env not a list",
      config: { architecture: "amd64", os: "linux", config: { Env: "A=1" } },
      pointer: "/config/Env",
    },
    {
      name: "an Env entry not a string",
      config: { architecture: "amd64", os: "linux", config: { Env: ["A=1", 2] } },
      pointer: "/config/Env/1",
    },
  ];
  for (const c of invalid) {
    it(`refuses a config with ${c.name}`, () => {
      assert.throws(
        () => imageMetadata(seedManifest, c.config),
        (err: unknown) => {
          assert.ok(err instanceof InvalidImageConfigError, String(err));
          assert.equal(err.code, "IMAGE_CONFIG_INVALID");
          assert.equal(err.pointer, c.pointer);
          assert.ok(err.message.includes(seedManifest.descriptor.digest));
          return true;
        },
      );
    });
  }

  const notImages = [
    {
      name: "an index",
      manifest: manifestOf(
        { schemaVersion: 2, manifests: [] },
        "application/vnd.oci.image.index.v1+json",
      ),
    },
    { name: "no config", manifest: manifestOf({ schemaVersion: 2, layers: [] }) },
    {
      name: "layers not descriptors",
      manifest: manifestOf({
        schemaVersion: 2,
        config: { mediaType: "x", digest: configDigest, size: 2 },
        layers: [{ digest: emptyLayer }],
      }),
    },
  ];
  for (const c of notImages) {
    it(`refuses a manifest with ${c.name}`, () => {
      assert.throws(() => imageMetadata(c.manifest, seedConfig), UnsupportedManifestError);
    });
  }
});

describe("pickLegacyManifest (SEMANTICS M1)", () => {
  const entry = (n: number, platform?: Platform): Descriptor => ({
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    digest: `sha256:${String(n).repeat(64)}`,
    size: n,
    ...(platform === undefined ? {} : { platform }),
  });
  const amd64 = entry(1, { os: "linux", architecture: "amd64" });
  const arm64 = entry(2, { os: "linux", architecture: "arm64", variant: "v8" });
  const s390x = entry(3, { os: "linux", architecture: "s390x" });
  const ppc64le = entry(4, { os: "linux", architecture: "ppc64le" });
  const cases = [
    {
      name: "the preferred platform",
      list: [amd64, arm64],
      want: { os: "linux", architecture: "arm64" },
      got: arm64,
    },
    {
      name: "linux/amd64 when the preferred is absent",
      list: [s390x, amd64],
      want: { os: "linux", architecture: "riscv64" },
      got: amd64,
    },
    {
      name: "the first entry when neither is there",
      list: [s390x, ppc64le],
      want: { os: "linux", architecture: "amd64" },
      got: s390x,
    },
    {
      name: "nothing from an empty index",
      list: [],
      want: { os: "linux", architecture: "amd64" },
      got: undefined,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(pickLegacyManifest(c.list, c.want), c.got);
    });
  }
});

/** What skopeo says of one image (one platform's manifest). */
interface SkopeoView {
  readonly digest: string;
  readonly inspect: {
    readonly Created?: string;
    readonly Architecture: string;
    readonly Os: string;
    readonly Labels: Record<string, string> | null;
    readonly Layers: string[];
    readonly Env: string[] | null;
  };
  readonly manifest: { readonly layers: { digest: string; size: number; mediaType: string }[] };
  readonly configBytes: Buffer;
}

/**
 * skopeo's view of `ref` for `platform`: `inspect`, `inspect --config --raw`
 * (both with --override-*), and `inspect --raw` of the platform's manifest,
 * found in the raw index when `ref` names one. Anonymous, plain HTTP, with
 * an empty registries.conf so that the machine's configuration plays no part.
 */
async function skopeoView(t: TestContext, ref: string, platform: Platform): Promise<SkopeoView> {
  const conf = path.join(await tempRepo(t, { "registries.conf": "" }), "registries.conf");
  const skopeo = async (args: readonly string[]): Promise<Buffer> => {
    const overrides = [
      ["--override-os", platform.os],
      ["--override-arch", platform.architecture],
      ...(platform.variant === undefined ? [] : [["--override-variant", platform.variant]]),
    ].flat();
    const { stdout } = await run(
      "skopeo",
      [...overrides, "inspect", "--tls-verify=false", "--no-creds", ...args],
      {
        encoding: "buffer",
        env: { ...process.env, CONTAINERS_REGISTRIES_CONF: conf },
        timeout: 60_000,
      },
    );
    return stdout;
  };
  const inspect = JSON.parse(
    (await skopeo([`docker://${ref}`])).toString("utf8"),
  ) as SkopeoView["inspect"];
  const configBytes = await skopeo(["--config", "--raw", `docker://${ref}`]);
  let raw = await inspectRaw(ref);
  const index = JSON.parse(raw.toString("utf8")) as {
    manifests?: (Descriptor & { platform: Platform })[];
  };
  if (index.manifests !== undefined) {
    const chosen = index.manifests.find(
      (m) =>
        m.platform.architecture === platform.architecture &&
        m.platform.variant === platform.variant,
    );
    assert.ok(chosen !== undefined);
    raw = await inspectRaw(`${ref.replace(/:[^:/]+$/, "")}@${chosen.digest}`);
  }
  const manifest = JSON.parse(raw.toString("utf8")) as SkopeoView["manifest"];
  return { digest: sha256Digest(raw), inspect, manifest, configBytes };
}

/** The metadata equals skopeo's view of the same image. */
function assertAgrees(got: ImageMetadata, view: SkopeoView): void {
  const config = JSON.parse(view.configBytes.toString("utf8")) as {
    created: string;
    architecture: string;
    os: string;
    variant?: string;
    config: { Labels: Record<string, string> };
  };
  assert.equal(got.digest, view.digest);
  assert.equal(got.configDigest, sha256Digest(view.configBytes));
  assert.equal(got.architecture, view.inspect.Architecture);
  assert.equal(got.os, view.inspect.Os);
  assert.equal(got.variant, config.variant);
  assert.equal(got.created, config.created);
  assert.equal(Date.parse(got.created ?? ""), Date.parse(view.inspect.Created ?? ""));
  assert.deepEqual(got.labels, view.inspect.Labels ?? {});
  assert.deepEqual(got.labels, config.config.Labels);
  assert.deepEqual(got.env, view.inspect.Env ?? []);
  assert.deepEqual(
    got.layers.map((l) => l.digest),
    view.inspect.Layers,
  );
  assert.deepEqual(
    got.layers,
    view.manifest.layers.map(({ digest, size, mediaType }) => ({ digest, size, mediaType })),
  );
  const layerBytes = view.manifest.layers.reduce((sum, l) => sum + l.size, 0);
  assert.equal(got.totalLayerSize, layerBytes);
  assert.equal(got.size, layerBytes + view.configBytes.length);
}

function newClient(t: TestContext): RegistryClient {
  const settings = () => ({ insecure: true, concurrency: 4 });
  const transport = new Transport({
    hostSettings: settings,
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 10 },
    timeoutMs: 10_000,
  });
  const credentials = { lookup: () => Promise.resolve(undefined) };
  const client = new RegistryClient({ transport, credentials, hostSettings: settings });
  t.after(() => client.close());
  return client;
}

const amd64: Platform = { os: "linux", architecture: "amd64" };
const arm64v8: Platform = { os: "linux", architecture: "arm64", variant: "v8" };

/** Pushes `image` (written to `layout`) to `registry` as `repo:<tag>`. */
async function push(
  registry: Registry,
  layout: string,
  image: WrittenImage,
  repo: string,
): Promise<void> {
  await pushLayout(layout, image.tag, `${registry.host}/${repo}:${image.tag}`);
}

describe("fetchImageMetadata against docker-registry", { concurrency: true }, () => {
  it("agrees with skopeo for a single-platform and each platform of a multi-platform image", async (t) => {
    const registry = await startRegistry(t);
    const layout = await tempRepo(t, {});
    const labels = { "io.k8s.display-name": "App", "org.opencontainers.image.version": "1.2" };
    const single = await writeImage(layout, {
      tag: "single",
      layers: 3,
      labels,
      created: "2025-03-04T05:06:07Z",
    });
    const multi = await writeImage(layout, {
      tag: "multi",
      layers: 2,
      platforms: [amd64, arm64v8],
      labels,
    });
    await push(registry, layout, single, "meta/app");
    await push(registry, layout, multi, "meta/app");
    const repository = newClient(t).repository(
      parseNormalizedReference(`${registry.host}/meta/app`),
    );

    const one = await fetchImageMetadata(repository, "single");
    assertAgrees(one, await skopeoView(t, `${registry.host}/meta/app:single`, amd64));
    assert.equal(one.layers.length, 3);
    assert.equal(one.mediaType, "application/vnd.oci.image.manifest.v1+json");

    for (const platform of [amd64, arm64v8]) {
      const got = await fetchImageMetadata(repository, "multi", platform);
      assertAgrees(got, await skopeoView(t, `${registry.host}/meta/app:multi`, platform));
    }
    // Legacy: linux/amd64 by default, and when the platform asked for is not in the index.
    const amd64Digest = multi.manifests[0]?.digest;
    assert.equal((await fetchImageMetadata(repository, "multi")).digest, amd64Digest);
    const s390x = { os: "linux", architecture: "s390x" };
    assert.equal((await fetchImageMetadata(repository, "multi", s390x)).digest, amd64Digest);
    assert.equal(
      (await fetchImageMetadata(repository, multi.digest, arm64v8)).digest,
      multi.manifests[1]?.digest,
    );
  });

  it("fails with DigestMismatchError when the config blob's bytes do not match its descriptor", async (t) => {
    const registry = await startRegistry(t);
    const layout = await tempRepo(t, {});
    const image = await writeImage(layout, { tag: "v1", seed: "tampered-config" });
    await push(registry, layout, image, "tampered/app");
    const written = image.manifests[0];
    assert.ok(written !== undefined);
    // Same length, other bytes, behind the registry's back: it serves what is on disk.
    const data = storedBlobPath(registry, written.configDigest);
    const stored = await readFile(data, "utf8");
    assert.ok(stored.includes("tampered-config"));
    await writeFile(data, stored.replace("tampered-config", "tampered-CONFIG"));
    const repository = newClient(t).repository(
      parseNormalizedReference(`${registry.host}/tampered/app`),
    );
    await assert.rejects(fetchImageMetadata(repository, "v1"), (err: unknown) => {
      assert.ok(err instanceof DigestMismatchError, String(err));
      assert.equal(err.want, written.configDigest);
      assert.equal(err.got, sha256Digest(stored.replace("tampered-config", "tampered-CONFIG")));
      assert.equal(err.bytesRead, Buffer.byteLength(stored));
      return true;
    });
  });
});
