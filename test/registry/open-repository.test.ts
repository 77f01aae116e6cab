/**
 * Opening repositories by name: the pure `location` rules (parse, rewrite),
 * then openRepository against a real registry reached through a
 * `host[:port]/prefix` location and against layouts (`oci:` names and
 * `oci:` locations), with skopeo as the oracle for every digest.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { RegistryClient } from "../../src/registry/client.ts";
import { openRepository } from "../../src/registry/open-repository.ts";
import { parseLocation, type RegistryLocation } from "../../src/reference/index.ts";
import { parseRepositoryName, routeRepository } from "../../src/registry/registry-location.ts";
import { Transport } from "../../src/registry/transport.ts";
import { writeImage } from "../support/oci-image.ts";
import { startRegistry } from "../support/registry-server.ts";
import { inspectDigest, pushLayout } from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";

describe("parseLocation", () => {
  const cases: { input: string; want: RegistryLocation }[] = [
    { input: "oci:offline/quay", want: { kind: "layout", dir: "offline/quay" } },
    { input: "oci:/srv/mirror", want: { kind: "layout", dir: "/srv/mirror" } },
    { input: "mirror.local", want: { kind: "registry", host: "mirror.local", prefix: "" } },
    {
      input: "127.0.0.1:5000/quay/cache",
      want: { kind: "registry", host: "127.0.0.1:5000", prefix: "quay/cache" },
    },
    { input: "[::1]:5000", want: { kind: "registry", host: "[::1]:5000", prefix: "" } },
  ];
  for (const { input, want } of cases) {
    it(`parses ${input}`, () => {
      assert.deepEqual(parseLocation(input), want);
    });
  }
  const bad = [
    { input: "https://mirror.local", code: "INPUT_INVALID", match: /without a scheme/ },
    { input: "mirror.local/Upper", code: "INPUT_INVALID", match: /not a repository path/ },
    { input: "mirror.local/app:1", code: "INPUT_INVALID", match: /not a repository path/ },
    { input: "-bad-/x", code: "INPUT_INVALID", match: /not a registry host/ },
    { input: "oci:/dir:tag", code: "INPUT_INVALID", match: /names a directory, not an image/ },
    { input: "oci:", code: "REFERENCE_INVALID", match: /directory is empty/ },
  ];
  for (const { input, code, match } of bad) {
    it(`refuses ${input}`, () => {
      assert.throws(
        () => parseLocation(input),
        (err: unknown) => {
          assert.equal((err as { code?: string }).code, code);
          assert.match((err as Error).message, match);
          return true;
        },
      );
    });
  }
});

describe("routeRepository", () => {
  const locations: Readonly<Record<string, RegistryLocation>> = {
    "quay.io": { kind: "registry", host: "mirror:5000", prefix: "quay" },
    "docker.io": { kind: "layout", dir: "offline/hub/" },
    "ghcr.io": { kind: "registry", host: "ghcr-cache.local", prefix: "" },
  };
  const route = (name: string) =>
    routeRepository(parseRepositoryName(name), (domain) => locations[domain]);
  const digest = `sha256:${"c".repeat(64)}`;
  const cases = [
    {
      name: "quay.io/org/app:1.0",
      want: {
        kind: "registry",
        ref: { domain: "mirror:5000", path: "quay/org/app", tag: "1.0" },
        viaLocation: "quay.io",
        reference: "1.0",
      },
    },
    {
      name: `ghcr.io/org/app:1@${digest}`,
      want: {
        kind: "registry",
        ref: { domain: "ghcr-cache.local", path: "org/app", tag: "1", digest },
        viaLocation: "ghcr.io",
        reference: digest,
      },
    },
    {
      name: "nginx",
      want: {
        kind: "layout",
        dir: "offline/hub/library/nginx",
        viaLocation: "docker.io",
        reference: "latest",
      },
    },
    {
      name: "registry.example.com/team/app:2",
      want: {
        kind: "registry",
        ref: { domain: "registry.example.com", path: "team/app", tag: "2" },
        viaLocation: undefined,
        reference: "2",
      },
    },
    {
      name: "oci:rel/layout:v1",
      want: { kind: "layout", dir: "rel/layout", viaLocation: undefined, reference: "v1" },
    },
  ];
  for (const { name, want } of cases) {
    it(`routes ${name}`, () => {
      assert.deepEqual(route(name), want);
    });
  }
});

function newClient(t: TestContext): RegistryClient {
  const settings = () => ({ insecure: true, concurrency: 4 });
  const transport = new Transport({ hostSettings: settings, timeoutMs: 10_000 });
  const credentials = { lookup: () => Promise.resolve(undefined) };
  const client = new RegistryClient({ transport, credentials, hostSettings: settings });
  t.after(() => client.close());
  return client;
}

describe("openRepository", { concurrency: true }, () => {
  it("sends a host with a registry location to that registry under its prefix", async (t) => {
    const registry = await startRegistry(t);
    const layout = await tempRepo(t, {});
    const image = await writeImage(layout, {
      tag: "1.0",
      platforms: [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64" },
      ],
      seed: "located",
    });
    await pushLayout(layout, "1.0", `${registry.host}/cache/quay/org/app:1.0`);
    const client = newClient(t);
    const opened = openRepository("quay.io/org/app:1.0", {
      remote: (ref) => client.repository(ref),
      cwd: "/nonexistent",
      registries: { "quay.io": { location: `${registry.host}/cache/quay` } },
    });
    assert.equal(opened.repository.name, `${registry.host}/cache/quay/org/app`);
    assert.deepEqual([opened.reference, opened.viaLocation], ["1.0", "quay.io"]);
    const want = await inspectDigest(`${registry.host}/cache/quay/org/app:1.0`);
    assert.equal((await opened.repository.resolve(opened.reference)).digest, want);
    assert.equal(want, image.digest);
    const arm = await opened.repository.resolve("1.0", { os: "linux", architecture: "arm64" });
    assert.equal(arm.digest, image.manifests[1]?.digest);
    assert.deepEqual(await opened.repository.listTags(), ["1.0"]);
  });

  it("serves a host with an oci: location from one layout per repository", async (t) => {
    const configDir = await tempRepo(t, {});
    const teamApp = path.join(configDir, "offline", "team", "app");
    const hub = path.join(configDir, "offline", "library", "busybox");
    const app = await writeImage(teamApp, { tag: "2.0", seed: "team-app" });
    const busybox = await writeImage(hub, { tag: "latest", seed: "busybox" });
    const client = newClient(t);
    const options = {
      remote: (ref: Parameters<RegistryClient["repository"]>[0]) => client.repository(ref),
      cwd: "/nonexistent",
      configDir,
      registries: {
        "quay.io": { location: "oci:offline" },
        "docker.io": { location: "oci:offline" },
      },
    };
    const opened = openRepository("quay.io/team/app:2.0", options);
    assert.equal(opened.repository.name, `oci:${teamApp}`);
    assert.equal((await opened.repository.resolve(opened.reference)).digest, app.digest);
    assert.equal(await inspectDigest(`oci:${teamApp}:2.0`), app.digest);

    const familiar = openRepository("busybox", options);
    assert.equal(familiar.repository.name, `oci:${hub}`);
    assert.equal(familiar.reference, "latest");
    assert.equal((await familiar.repository.resolve(familiar.reference)).digest, busybox.digest);
    assert.equal(await inspectDigest(`oci:${hub}:latest`), busybox.digest);
  });

  it("opens oci: names relative to the working directory given", async (t) => {
    const cwd = await tempRepo(t, {});
    const image = await writeImage(path.join(cwd, "layouts", "one"), { tag: "v1", seed: "rel" });
    const client = newClient(t);
    const opened = openRepository("oci:layouts/one:v1", {
      remote: (ref) => client.repository(ref),
      cwd,
      // A location never applies to an oci: name.
      registries: { "quay.io": { location: "oci:elsewhere" } },
    });
    assert.equal(opened.repository.name, `oci:${path.join(cwd, "layouts", "one")}`);
    assert.equal(opened.viaLocation, undefined);
    assert.equal((await opened.repository.resolve(opened.reference)).digest, image.digest);
    assert.equal(await inspectDigest(`oci:${path.join(cwd, "layouts", "one")}:v1`), image.digest);
  });
});
