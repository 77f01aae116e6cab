/**
 * `imagestream-gitops digest` on OCI layouts (`oci:PATH[:TAG]`) and through a
 * config's `registries.<host>.location` (another registry on 127.0.0.1, or a
 * directory of layouts), with skopeo's digests as the oracle.
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { writeImage } from "../support/oci-image.ts";
import { startRegistry } from "../support/registry-server.ts";
import { inspectDigest, inspectRaw, pushLayout } from "../support/skopeo.ts";
import { runInProcess } from "../support/run-cli.ts";
import { tempRepo } from "../support/temp-repo.ts";

const twoPlatforms = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64" },
] as const;

/** A layout with `1.0` (one platform) and `2.0` (two), written by skopeo from a hand-made one. */
async function skopeoLayout(t: TestContext, seed: string) {
  const source = await tempRepo(t, {});
  const single = await writeImage(source, { tag: "1.0", seed });
  const multi = await writeImage(source, { tag: "2.0", platforms: twoPlatforms, seed });
  const dir = path.join(await tempRepo(t, {}), "layout");
  for (const tag of ["1.0", "2.0"]) await pushLayout(source, tag, `oci:${dir}:${tag}`);
  return { source, dir, single, multi };
}

interface JsonReport {
  results: {
    reference: string;
    repository?: string;
    descriptor?: { digest: string; mediaType: string; size: number };
    error?: { code: string; message: string };
  }[];
  registries: Record<string, { requests: number }>;
}

describe("imagestream-gitops digest with OCI layouts and locations", { concurrency: true }, () => {
  it("prints skopeo's digests for oci:PATH:TAG, by digest, and with --platform", async (t) => {
    const { dir, multi } = await skopeoLayout(t, "cli-layout");
    const refs = [`oci:${dir}:1.0`, `oci:${dir}:2.0`];
    const want = await Promise.all(refs.map((ref) => inspectDigest(ref)));
    const r = await runInProcess(["digest", ...refs]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `${want[0] ?? ""}  ${refs[0] ?? ""}\n${want[1] ?? ""}  ${refs[1] ?? ""}\n`,
    );

    const index = JSON.parse((await inspectRaw(`oci:${dir}:2.0`)).toString("utf8")) as {
      manifests: { digest: string; platform: { architecture: string } }[];
    };
    const arm = index.manifests.find((m) => m.platform.architecture === "arm64");
    assert.ok(arm !== undefined);
    const platform = await runInProcess(["digest", "--platform", "linux/arm64", refs[1] ?? ""]);
    assert.equal(platform.stdout, `${arm.digest}\n`, platform.stderr);
    assert.equal(arm.digest, multi.manifests[1]?.digest);

    const byDigest = await runInProcess(["digest", `oci:${dir}:${arm.digest}`]);
    assert.equal(byDigest.stdout, `${arm.digest}\n`, byDigest.stderr);
  });

  it("resolves a relative oci: path against the working directory", async (t) => {
    const { dir, single } = await skopeoLayout(t, "cli-relative");
    const relative = path.relative(process.cwd(), dir);
    assert.ok(!path.isAbsolute(relative));
    const r = await runInProcess(["digest", "--json", `oci:${relative}:1.0`]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as JsonReport;
    const [result] = doc.results;
    assert.ok(result?.descriptor !== undefined, r.stdout);
    assert.equal(result.descriptor.digest, await inspectDigest(`oci:${dir}:1.0`));
    assert.equal(result.descriptor.digest, single.digest);
    assert.equal(result.repository, `oci:${dir}`);
  });

  it("reports each failing layout reference with its path, exits 1, prints the rest", async (t) => {
    const { dir, single } = await skopeoLayout(t, "cli-fail");
    const missingDir = path.join(dir, "..", "absent");
    const args = [`oci:${dir}:1.0`, `oci:${dir}:9.9`, `oci:${missingDir}:1.0`];
    const r = await runInProcess(["digest", ...args]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, `${single.digest}  ${args[0] ?? ""}\n`);
    assert.match(
      r.stderr,
      new RegExp(`oci:${dir}: no manifest tagged "9.9" \\(its tags: 1.0, 2.0\\)`),
    );
    assert.match(r.stderr, new RegExp(`oci:${missingDir}: no such directory`));

    const json = await runInProcess(["digest", "--json", ...args]);
    assert.equal(json.code, 1);
    const doc = JSON.parse(json.stdout) as JsonReport;
    assert.deepEqual(
      doc.results.map((x) => [x.reference, x.descriptor?.digest, x.error?.code]),
      [
        [args[0], single.digest, undefined],
        [args[1], undefined, "OCI_LAYOUT"],
        [args[2], undefined, "OCI_LAYOUT"],
      ],
    );
  });

  it("follows a registry location to a registry on 127.0.0.1 under a prefix", async (t) => {
    const registry = await startRegistry(t);
    const { source, single, multi } = await skopeoLayout(t, "cli-location");
    for (const tag of ["1.0", "2.0"])
      await pushLayout(source, tag, `${registry.host}/mirror/quay/team/app:${tag}`);
    const dir = await tempRepo(t, {});
    const config = path.join(dir, "imagestream-gitops.yaml");
    // `insecure` of quay.io's entry applies where its location sends requests (plain HTTP here).
    await writeFile(
      config,
      `registries:\n  quay.io: {location: "${registry.host}/mirror/quay", insecure: true}\n`,
    );
    const refs = ["quay.io/team/app:1.0", "quay.io/team/app:2.0"];
    const r = await runInProcess(["digest", "--json", "--config", config, ...refs]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const doc = JSON.parse(r.stdout) as JsonReport;
    const want = await Promise.all(
      ["1.0", "2.0"].map((tag) => inspectDigest(`${registry.host}/mirror/quay/team/app:${tag}`)),
    );
    assert.deepEqual(
      doc.results.map((x) => x.descriptor?.digest),
      want,
    );
    assert.deepEqual(want, [single.digest, multi.digest]);
    assert.equal(doc.results[0]?.repository, `${registry.host}/mirror/quay/team/app`);
    assert.ok((doc.registries[registry.host]?.requests ?? 0) >= 2);
    assert.equal(doc.registries["quay.io"], undefined, "nothing was sent to quay.io");

    const arm = await runInProcess([
      "digest",
      "--config",
      config,
      "--platform",
      "linux/arm64",
      "quay.io/team/app:2.0",
    ]);
    assert.equal(arm.stdout, `${multi.manifests[1]?.digest ?? ""}\n`, arm.stderr);
  });

  it("follows an oci: location to one layout per repository, relative to the config", async (t) => {
    const configDir = await tempRepo(t, {});
    const layoutDir = path.join(configDir, "offline", "team", "app");
    const { source, single, multi } = await skopeoLayout(t, "cli-oci-location");
    // skopeo creates the layout directory but not its parents.
    await mkdir(path.dirname(layoutDir), { recursive: true });
    for (const tag of ["1.0", "2.0"]) await pushLayout(source, tag, `oci:${layoutDir}:${tag}`);
    const config = path.join(configDir, "imagestream-gitops.yaml");
    await writeFile(config, `registries:\n  quay.io: {location: "oci:offline"}\n`);
    const refs = ["quay.io/team/app:1.0", "quay.io/team/app:2.0", "quay.io/team/other:1.0"];
    const r = await runInProcess(["digest", "--config", config, ...refs]);
    assert.equal(r.code, 1);
    const want = await Promise.all(
      ["1.0", "2.0"].map((tag) => inspectDigest(`oci:${layoutDir}:${tag}`)),
    );
    assert.deepEqual(want, [single.digest, multi.digest]);
    assert.equal(
      r.stdout,
      `${want[0] ?? ""}  ${refs[0] ?? ""}\n${want[1] ?? ""}  ${refs[1] ?? ""}\n`,
    );
    const other = path.join(configDir, "offline", "team", "other");
    assert.match(r.stderr, new RegExp(`quay.io/team/other:1.0: oci:${other}: no such directory`));
  });

  it("refuses bad oci: references and bad locations with exit 2", async (t) => {
    for (const argv of [
      ["digest", "oci:"],
      ["digest", "oci:/x:sha256:abc"],
      ["digest", "oci:/x:bad tag"],
    ]) {
      const r = await runInProcess(argv);
      assert.equal(r.code, 2, argv.join(" "));
      assert.match(r.stderr, /invalid reference/);
    }
    const dir = await tempRepo(t, {});
    const config = path.join(dir, "imagestream-gitops.yaml");
    await writeFile(config, `registries:\n  quay.io: {location: "https://mirror.local"}\n`);
    const r = await runInProcess(["digest", "--config", config, "quay.io/a/b:1"]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      // Found while the config loads, so the message has the line and column.
      /imagestream-gitops\.yaml: 2:23: invalid location "https:\/\/mirror\.local"/,
    );
  });
});
