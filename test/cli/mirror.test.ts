/**
 * `imagestream-gitops mirror` end to end, between real registries (Debian's
 * docker-registry): single- and multi-platform images, referrers, shared
 * blobs, mounts, a no-op re-run, an interrupted copy resumed, TLS with
 * htpasswd, OCI layouts for disconnected transfer. Every result is checked
 * with skopeo: the raw manifest bytes, and a `skopeo copy` to `dir:` that
 * verifies every blob.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { startFaultProxy } from "../support/fault-proxy.ts";
import {
  referrersIndex,
  writeArtifact,
  writeImage,
  type ReferrerDescriptor,
  type WrittenImage,
} from "../support/oci-image.ts";
import { startRegistry, type Registry } from "../support/registry-server.ts";
import { startTokenRegistry } from "../support/token-registry.ts";
import { runInProcess, type CliResult } from "../support/run-cli.ts";
import {
  copyToDir,
  inspectRaw,
  listTags,
  pushLayout,
  type SkopeoOptions,
} from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";

interface Summary {
  images: number;
  failed: number;
  blobsUploaded: number;
  blobsSkipped: number;
  blobsMounted: number;
  bytes: number;
  manifests: number;
  requests: number;
}

interface JsonResult {
  images: {
    source: string;
    sourceDigest?: string;
    filtering: string;
    destinations: {
      destination: string;
      digest?: string;
      status: string;
      referrers: number;
      error?: { code: string; message: string };
    }[];
  }[];
  summary: Summary;
}

async function mirror(args: readonly string[]): Promise<CliResult & { json: JsonResult }> {
  const result = await runInProcess(["mirror", "--json", ...args]);
  assert.notEqual(result.stdout, "", result.stderr);
  return { ...result, json: JSON.parse(result.stdout) as JsonResult };
}

/** The image's raw manifest at `ref` equals the source's, and skopeo can pull all of it. */
async function assertSameImage(
  t: TestContext,
  source: string,
  copy: string,
  options: { source?: SkopeoOptions; copy?: SkopeoOptions } = {},
): Promise<void> {
  const [want, got] = await Promise.all([
    inspectRaw(source, options.source),
    inspectRaw(copy, options.copy),
  ]);
  assert.ok(got.equals(want), `${copy} differs from ${source}`);
  const dir = await tempRepo(t, {});
  await copyToDir(copy, path.join(dir, "image"), options.copy);
}

async function pushed(
  t: TestContext,
  registry: Registry,
  repo: string,
  images: readonly Parameters<typeof writeImage>[1][],
): Promise<WrittenImage[]> {
  const layout = await tempRepo(t, {});
  const written: WrittenImage[] = [];
  for (const options of images) {
    const image = await writeImage(layout, options);
    await pushLayout(layout, image.tag, `${registry.host}/${repo}:${image.tag}`);
    written.push(image);
  }
  return written;
}

const amd64 = { os: "linux", architecture: "amd64" };
const arm64 = { os: "linux", architecture: "arm64" };

describe("imagestream-gitops mirror", { concurrency: true }, () => {
  it("copies single- and multi-platform images with their digests, then a re-run sends nothing", async (t) => {
    const [src, dst] = await Promise.all([startRegistry(t), startRegistry(t)]);
    const [single, multi] = await pushed(t, src, "team/app", [
      { tag: "1.0", layers: 3 },
      { tag: "2.0", layers: 2, platforms: [amd64, arm64] },
    ]);
    assert.ok(single !== undefined && multi !== undefined);
    const first = await mirror([
      "--insecure",
      `${src.host}/team/app:1.0=${dst.host}/mirror/app:1.0`,
      `${src.host}/team/app:2.0=${dst.host}/mirror/app:2.0`,
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(
      first.json.images.map((i) => i.destinations.map((d) => [d.status, d.digest])),
      [[["copied", single.digest]], [["copied", multi.digest]]],
    );
    // 3 layers + config; 2 platforms of 2 layers + config each.
    assert.equal(first.json.summary.blobsUploaded, 4 + 6);
    assert.equal(first.json.summary.manifests, 2);
    await assertSameImage(t, `${src.host}/team/app:1.0`, `${dst.host}/mirror/app:1.0`);
    await assertSameImage(t, `${src.host}/team/app:2.0`, `${dst.host}/mirror/app:2.0`);

    const again = await mirror([
      "--insecure",
      `${src.host}/team/app:1.0=${dst.host}/mirror/app:1.0`,
      `${src.host}/team/app:2.0=${dst.host}/mirror/app:2.0`,
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      again.json.images.map((i) => i.destinations.map((d) => d.status)),
      [["unchanged"], ["unchanged"]],
    );
    assert.equal(again.json.summary.bytes, 0);
    assert.equal(again.json.summary.blobsUploaded, 0);
    assert.equal(again.json.summary.manifests, 0);
  });

  it("prints oc's DIGEST DESTINATION lines and a summary; a layout destination can be a later source", async (t) => {
    const [src, dst] = await Promise.all([startRegistry(t), startRegistry(t)]);
    const [image] = await pushed(t, src, "team/app", [
      { tag: "1.0", layers: 2, platforms: [amd64, arm64] },
    ]);
    assert.ok(image !== undefined);
    const dir = await tempRepo(t, {});
    const toDisk = await runInProcess([
      "mirror",
      "--insecure",
      "--dir",
      dir,
      `${src.host}/team/app:1.0`,
      "file://offline/team/app",
    ]);
    assert.equal(toDisk.code, 0, toDisk.stderr);
    assert.equal(toDisk.stdout, `${image.digest} file://offline/team/app:1.0\n`);
    assert.match(toDisk.stderr, /mirrored 1 image, 0 failed: 6 blobs copied, 0 skipped, 0 mounted/);
    // skopeo reads the layout we wrote.
    await assertSameImage(t, `${src.host}/team/app:1.0`, `oci:${dir}/offline/team/app:1.0`);

    const fromDisk = await runInProcess([
      "mirror",
      "--insecure",
      "--dir",
      dir,
      `file://offline/team/app:1.0=${dst.host}/team/app:1.0`,
    ]);
    assert.equal(fromDisk.code, 0, fromDisk.stderr);
    assert.equal(fromDisk.stdout, `${image.digest} ${dst.host}/team/app:1.0\n`);
    await assertSameImage(t, `${src.host}/team/app:1.0`, `${dst.host}/team/app:1.0`);
  });

  it("sends a blob once per destination registry: mounted into a second repository, skipped when shared", async (t) => {
    const [src, dst] = await Promise.all([startRegistry(t), startRegistry(t)]);
    // Same seed, different labels: the layers are shared, the configs are not.
    const [a, b] = await pushed(t, src, "team/app", [
      { tag: "a", seed: "shared", layers: 2 },
      { tag: "b", seed: "shared", layers: 2, labels: { variant: "b" } },
    ]);
    assert.ok(a !== undefined && b !== undefined);
    assert.deepEqual(a.manifests[0]?.layerDigests, b.manifests[0]?.layerDigests);
    const result = await mirror([
      "--insecure",
      `${src.host}/team/app:a`,
      `${dst.host}/one/app:a`,
      `${dst.host}/two/app:a`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    // Three blobs: sent once to one repository, mounted into the other.
    assert.equal(result.json.summary.blobsUploaded, 3);
    assert.equal(result.json.summary.blobsMounted, 3);
    const shared = await mirror(["--insecure", `${src.host}/team/app:b`, `${dst.host}/one/app:b`]);
    assert.equal(shared.code, 0, shared.stderr);
    // Only b's config is new; its layers are there already.
    assert.equal(shared.json.summary.blobsUploaded, 1);
    assert.equal(shared.json.summary.blobsSkipped, 2);
    for (const ref of ["one/app:a", "two/app:a", "one/app:b"]) {
      const tag = ref.slice(ref.indexOf(":") + 1);
      await assertSameImage(t, `${src.host}/team/app:${tag}`, `${dst.host}/${ref}`);
    }
    // Within one registry, a copy to another repository mounts everything.
    const within = await mirror(["--insecure", `${src.host}/team/app:a`, `${src.host}/copy/app:a`]);
    assert.equal(within.code, 0, within.stderr);
    assert.equal(within.json.summary.blobsMounted, 3);
    assert.equal(within.json.summary.bytes, 0);
  });

  it("copies referrers with the image and keeps the destination's referrers tag", async (t) => {
    const [src, dst] = await Promise.all([startRegistry(t), startRegistry(t)]);
    const layout = await tempRepo(t, {});
    const image = await writeImage(layout, { tag: "v1", seed: "signed" });
    const sbom = await writeArtifact(layout, {
      tag: "sbom",
      subject: image,
      artifactType: "application/spdx+json",
      content: JSON.stringify({ spdxVersion: "SPDX-2.3" }),
    });
    const signature = await writeArtifact(layout, {
      tag: "sig",
      subject: image,
      artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json",
      content: "signature payload",
      annotations: { "dev.cosignproject.cosign/signature": "MEUCIQ==" },
    });
    for (const tag of ["v1", "sbom", "sig"]) {
      await pushLayout(layout, tag, `${src.host}/signed/app:${tag}`);
    }
    const index = referrersIndex(image.digest, [sbom, signature]);
    await putIndex(src, "signed/app", index.tag, index.bytes);

    const result = await mirror([
      "--insecure",
      `${src.host}/signed/app:v1`,
      `${dst.host}/signed/app:v1`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.images[0]?.destinations[0]?.referrers, 2);
    const listed = JSON.parse(
      (await inspectRaw(`${dst.host}/signed/app:${index.tag}`)).toString("utf8"),
    ) as { manifests: ReferrerDescriptor[] };
    assert.deepEqual(
      listed.manifests.map((m) => [m.digest, m.artifactType]).sort(),
      [sbom, signature].map((m) => [m.digest, m.artifactType]).sort(),
    );
    for (const artifact of [sbom, signature]) {
      await assertSameImage(
        t,
        `${src.host}/signed/app@${artifact.digest}`,
        `${dst.host}/signed/app@${artifact.digest}`,
      );
    }
    // A referrer the source lists but no longer holds is a warning; the image is still copied.
    const deleted = await fetch(`${src.url}/v2/signed/app/manifests/${sbom.digest}`, {
      method: "DELETE",
    });
    assert.equal(deleted.status, 202);
    const partial = await mirror([
      "--insecure",
      `${src.host}/signed/app:v1`,
      `${dst.host}/partial/app:v1`,
    ]);
    assert.equal(partial.code, 0, partial.stderr);
    assert.equal(partial.json.images[0]?.destinations[0]?.status, "copied");
    assert.match(partial.stderr, /warning: .*referrers not copied: .*404/);
    assert.ok(
      (await inspectRaw(`${dst.host}/partial/app:v1`)).equals(
        await inspectRaw(`${src.host}/signed/app:v1`),
      ),
    );

    // Nothing new: the re-run leaves the tag alone; --skip-referrers never asks.
    const again = await mirror([
      "--insecure",
      `${src.host}/signed/app:v1`,
      `${dst.host}/signed/app:v1`,
    ]);
    assert.equal(again.json.images[0]?.destinations[0]?.status, "unchanged");
    const skipped = await mirror([
      "--insecure",
      "--skip-referrers",
      `${src.host}/signed/app:v1`,
      `${dst.host}/bare/app:v1`,
    ]);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.deepEqual(await listTags(`${dst.host}/bare/app`), ["v1"]);
  });

  it("--filter-by-os copies one platform and says the digest changes", async (t) => {
    const [src, dst] = await Promise.all([startRegistry(t), startRegistry(t)]);
    const [multi] = await pushed(t, src, "team/app", [
      {
        tag: "1.0",
        platforms: [amd64, arm64, { os: "linux", architecture: "arm", variant: "v7" }],
      },
    ]);
    assert.ok(multi !== undefined);
    const one = await runInProcess([
      "mirror",
      "--insecure",
      "--filter-by-os",
      "linux/arm64",
      `${src.host}/team/app:1.0`,
      `${dst.host}/team/app:arm64`,
    ]);
    assert.equal(one.code, 0, one.stderr);
    const arm = multi.manifests[1]?.digest ?? "";
    assert.equal(one.stdout, `${arm} ${dst.host}/team/app:arm64\n`);
    assert.match(one.stderr, /destination digests differ from the source's/);
    // Unanchored, as oc matches: linux/arm matches linux/arm64 and linux/arm/v7, so a new index.
    const two = await mirror([
      "--insecure",
      "--filter-by-os",
      "linux/arm",
      `${src.host}/team/app:1.0`,
      `${dst.host}/team/app:arm`,
    ]);
    assert.equal(two.code, 0, two.stderr);
    assert.equal(two.json.images[0]?.filtering, "new-index");
    const index = JSON.parse((await inspectRaw(`${dst.host}/team/app:arm`)).toString("utf8")) as {
      manifests: { digest: string }[];
    };
    assert.deepEqual(
      index.manifests.map((m) => m.digest),
      [multi.manifests[1]?.digest, multi.manifests[2]?.digest],
    );
    const dir = await tempRepo(t, {});
    await copyToDir(`${dst.host}/team/app:arm`, path.join(dir, "arm"));
    // A filter every platform matches keeps the index, and its digest: nothing to warn about.
    const all = await runInProcess([
      "mirror",
      "--insecure",
      "--filter-by-os",
      ".*",
      `${src.host}/team/app:1.0`,
      `${dst.host}/team/app:all`,
    ]);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout, `${multi.digest} ${dst.host}/team/app:all\n`);
    assert.doesNotMatch(all.stderr, /digests differ/);
    // oc's --keep-manifest-list with a filter pushes an index missing platforms: refused.
    const keep = await runInProcess([
      "mirror",
      "--insecure",
      "--keep-manifest-list",
      "--filter-by-os",
      "linux/arm64",
      `${src.host}/team/app:1.0`,
      `${dst.host}/team/app:kept`,
    ]);
    assert.equal(keep.code, 2);
    assert.match(keep.stderr, /--keep-manifest-list keeps the source index/);
  });

  it("resumes an interrupted copy: the tag is pushed only once everything is there", async (t) => {
    const [src, dst] = await Promise.all([startRegistry(t), startRegistry(t)]);
    const [image] = await pushed(t, src, "team/app", [{ tag: "1.0", layers: 4 }]);
    assert.ok(image !== undefined);
    const layer = image.manifests[0]?.layerDigests[2] ?? "";
    const proxy = await startFaultProxy(t, { url: dst.url }, [
      // Each upload attempt of one layer is cut; after three the run gives up on the image.
      {
        method: "PUT",
        path: new RegExp(encodeURIComponent(layer)),
        times: 3,
        fault: { kind: "reset" },
      },
    ]);
    const cut = await mirror([
      "--insecure",
      `${src.host}/team/app:1.0`,
      `${proxy.host}/team/app:1.0`,
    ]);
    assert.equal(cut.code, 1, cut.stderr);
    assert.equal(cut.json.images[0]?.destinations[0]?.status, "failed");
    assert.equal(cut.json.summary.blobsUploaded, 4);
    // No tag points at the incomplete image.
    await assert.rejects(inspectRaw(`${dst.host}/team/app:1.0`), /manifest unknown/i);

    const resumed = await mirror([
      "--insecure",
      `${src.host}/team/app:1.0`,
      `${proxy.host}/team/app:1.0`,
    ]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.json.summary.blobsUploaded, 1);
    assert.equal(resumed.json.summary.blobsSkipped, 4);
    await assertSameImage(t, `${src.host}/team/app:1.0`, `${dst.host}/team/app:1.0`);
  });

  it("never lands a blob whose bytes the source corrupts, though the upload no longer hashes them again", async (t) => {
    const [src, dst] = await Promise.all([startRegistry(t), startRegistry(t)]);
    const [image] = await pushed(t, src, "team/app", [{ tag: "1.0", layers: 2 }]);
    assert.ok(image !== undefined);
    const layer = image.manifests[0]?.layerDigests[1] ?? "";
    // Every read of one layer gets a flipped byte: the source's digest check must stop it.
    const proxy = await startFaultProxy(t, { url: src.url }, [
      { method: "GET", path: new RegExp(`/blobs/${layer}$`), fault: { kind: "corrupt" } },
    ]);
    const bad = await mirror([
      "--insecure",
      `${proxy.host}/team/app:1.0`,
      `${dst.host}/team/app:1.0`,
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.json.images[0]?.destinations[0]?.error?.message ?? "", /digest/i);
    await assert.rejects(inspectRaw(`${dst.host}/team/app:1.0`), /manifest unknown/i);
    const blob = await fetch(`${dst.url}/v2/team/app/blobs/${layer}`, { method: "HEAD" });
    assert.equal(blob.status, 404, "the corrupted layer is not in the destination");
  });

  it("reaches a TLS registry with htpasswd auth, credentials from a file and the CA from the config", async (t) => {
    const password = "canary-7f3a-mirror:pass";
    const src = await startRegistry(t);
    const dst = await startRegistry(t, {
      tls: true,
      auth: { kind: "htpasswd", username: "bob", password },
    });
    assert.ok(dst.caPem !== undefined && dst.caDir !== undefined);
    const [image] = await pushed(t, src, "team/app", [{ tag: "1.0", layers: 2 }]);
    assert.ok(image !== undefined);
    const dir = await tempRepo(t, { "ca.pem": dst.caPem });
    const config = path.join(dir, "imagestream-gitops.yaml");
    await writeFile(
      config,
      `registries:\n  "${src.host}": {insecure: true}\n  "${dst.host}": {ca: ca.pem}\n`,
    );
    const authFile = path.join(dir, "auth.json");
    await writeFile(
      authFile,
      JSON.stringify({
        auths: { [dst.host]: { auth: Buffer.from(`bob:${password}`).toString("base64") } },
      }),
    );
    const result = await runInProcess([
      "mirror",
      "--config",
      config,
      "--authfile",
      authFile,
      `${src.host}/team/app:1.0`,
      `${dst.host}/team/app:1.0`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!`${result.stdout}${result.stderr}`.includes(password));
    await assertSameImage(t, `${src.host}/team/app:1.0`, `${dst.host}/team/app:1.0`, {
      copy: { certDir: dst.caDir, creds: `bob:${password}` },
    });
  });

  it("mounts within a token-auth registry, asking one token for push on the destination and pull on the source", async (t) => {
    const password = "canary-2b9c-token:pass";
    const { certs, tokens, registry } = await startTokenRegistry(t, {
      users: { alice: password },
      issuer: "isg-issuer",
      service: "isg-registry",
      // Pull on team/*, push only on copy/*: a mount needs both in one token.
      grant: (user, scope) =>
        user === undefined
          ? []
          : scope.actions.filter((a) => a === "pull" || scope.name.startsWith("copy/")),
    });
    const skopeo = { certDir: certs.caDir, creds: `alice:${password}` };
    const layout = await tempRepo(t, {});
    const image = await writeImage(layout, { tag: "1.0", layers: 3 });
    await pushLayout(layout, "1.0", `${registry.host}/copy/seed:1.0`, skopeo);
    const dir = await tempRepo(t, { "ca.pem": certs.ca.certPem });
    const config = path.join(dir, "config.yaml");
    // The token server is another origin under the same test CA.
    await writeFile(
      config,
      `registries:\n  "${registry.host}": {ca: ca.pem}\n  "${tokens.host}": {ca: ca.pem}\n`,
    );
    const authFile = path.join(dir, "auth.json");
    await writeFile(
      authFile,
      JSON.stringify({
        auths: { [registry.host]: { auth: Buffer.from(`alice:${password}`).toString("base64") } },
      }),
    );
    tokens.requests.length = 0;
    const result = await runInProcess([
      "mirror",
      "--json",
      "--config",
      config,
      "--authfile",
      authFile,
      `${registry.host}/copy/seed:1.0`,
      `${registry.host}/copy/app:1.0`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as JsonResult;
    assert.equal(json.summary.blobsMounted, 4);
    assert.equal(json.summary.bytes, 0);
    assert.ok(!`${result.stdout}${result.stderr}`.includes(password));
    // The mounts' token grants push on the destination and pull on the source together.
    assert.ok(
      tokens.requests.some(
        (r) =>
          r.granted.some((g) => g.name === "copy/app" && g.actions.includes("push")) &&
          r.granted.some((g) => g.name === "copy/seed" && g.actions.includes("pull")),
      ),
      JSON.stringify(tokens.requests.map((r) => r.granted)),
    );
    await assertSameImage(t, `${registry.host}/copy/seed:1.0`, `${registry.host}/copy/app:1.0`, {
      source: skopeo,
      copy: skopeo,
    });
    assert.equal(image.tag, "1.0");
  });

  it("reads a mapping file, expands a tag-less source to every tag, and --dry-run writes nothing", async (t) => {
    const [src, dst] = await Promise.all([startRegistry(t), startRegistry(t)]);
    await pushed(t, src, "team/app", [{ tag: "1.0" }, { tag: "1.1" }, { tag: "2.0" }]);
    const dir = await tempRepo(t, {});
    const file = path.join(dir, "mapping.txt");
    await writeFile(
      file,
      `# mirror the 1.x line\n\n${src.host}/team/app:1.*=${dst.host}/team/app\n`,
    );
    const dry = await mirror(["--insecure", "--dry-run", "-f", file]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(
      dry.json.images.map((i) => [i.source, i.destinations[0]?.status]),
      [
        [`${src.host}/team/app:1.0`, "planned"],
        [`${src.host}/team/app:1.1`, "planned"],
      ],
    );
    assert.deepEqual(await listTags(`${dst.host}/team/app`).catch(() => []), []);
    const real = await mirror(["--insecure", "-f", file]);
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual((await listTags(`${dst.host}/team/app`)).sort(), ["1.0", "1.1"]);
    const all = await mirror(["--insecure", `${src.host}/team/app`, `${dst.host}/all/app`]);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual((await listTags(`${dst.host}/all/app`)).sort(), ["1.0", "1.1", "2.0"]);
    // A source whose tags cannot be listed fails its own mappings; the others are mirrored.
    const mixed = await mirror([
      "--insecure",
      `127.0.0.1:1/gone/app=${dst.host}/gone/app`,
      `${src.host}/team/app:2.0=${dst.host}/mixed/app:2.0`,
    ]);
    assert.equal(mixed.code, 1);
    assert.deepEqual(
      mixed.json.images.map((i) => [i.source, i.destinations[0]?.status]),
      [
        ["127.0.0.1:1/gone/app", "failed"],
        [`${src.host}/team/app:2.0`, "copied"],
      ],
    );
  });

  it("refuses bad mappings with oc's words and exit 2; a missing source fails unless --skip-missing", async (t) => {
    const src = await startRegistry(t);
    const bad = await runInProcess(["mirror", "busybox:1"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /all arguments must be valid SRC=DST mappings/);
    const missing = await mirror([
      "--insecure",
      `${src.host}/no/such:1`,
      `${src.host}/copy/such:1`,
    ]);
    assert.equal(missing.code, 1);
    const skipped = await runInProcess([
      "mirror",
      "--insecure",
      "--skip-missing",
      `${src.host}/no/such:1`,
      `${src.host}/copy/such:1`,
    ]);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(
      skipped.stderr,
      /warning: Image .*no\/such:1 does not exist and will not be mirrored/,
    );
    // An unreachable registry is not a missing image.
    const unreachable = await runInProcess([
      "mirror",
      "--insecure",
      "--skip-missing",
      "127.0.0.1:1/no/such",
      `${src.host}/copy/such`,
    ]);
    assert.equal(unreachable.code, 1, unreachable.stderr);
    assert.match(unreachable.stderr, /cannot list its tags/);
  });
});

async function putIndex(
  registry: Registry,
  repo: string,
  tag: string,
  bytes: Buffer,
): Promise<void> {
  const response = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, {
    method: "PUT",
    headers: { "content-type": "application/vnd.oci.image.index.v1+json" },
    body: bytes,
  });
  assert.equal(response.status, 201, await response.text());
}
