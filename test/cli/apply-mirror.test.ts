/**
 * `apply` copies what Local tags and the config's mirrors need before it
 * points anything at it (D9, DESIGN.md "execute: mirror first"): real
 * registries, the copy checked with skopeo, and a local registry that
 * refuses uploads (a fault proxy) to show that a failed copy leaves the
 * trigger where it was and fails the run.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { startFaultProxy } from "../support/fault-proxy.ts";
import { writeImage } from "../support/oci-image.ts";
import { startRegistry, type Registry } from "../support/registry-server.ts";
import { runInProcess } from "../support/run-cli.ts";
import { copyToDir, inspectRaw, pushLayout } from "../support/skopeo.ts";
import { followingDeployment, localTagStream } from "../support/local-tag-files.ts";
import { tempRepo } from "../support/temp-repo.ts";

const now = new Date("2026-11-23T12:00:00Z");

async function repository(
  t: TestContext,
  source: Registry,
  local: string,
  extra = "",
): Promise<string> {
  return tempRepo(t, {
    "imagestream-gitops.yaml": `localRegistry: ${local}/mirror
importMode: PreserveOriginal
registries:
  "${source.host}": {insecure: true}
  "${local}": {insecure: true}
${extra}`,
    "streams.yaml": localTagStream(source.host),
    "web.yaml": followingDeployment("web"),
  });
}

async function pushImage(t: TestContext, registry: Registry): Promise<string> {
  const layout = await tempRepo(t, {});
  const image = await writeImage(layout, {
    tag: "1.0",
    layers: 2,
    platforms: [
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64" },
    ],
  });
  await pushLayout(layout, "1.0", `${registry.host}/team/app:1.0`);
  return image.digest;
}

interface Document {
  mirrors: { action: string; to: string; reason: string; destinationTag?: string }[];
  workloads: { triggers: { action: string; rule: string }[] }[];
}

describe("apply: mirror first", { concurrency: true }, () => {
  it("copies a Local tag's image, every platform, then points the trigger at the copy", async (t) => {
    const [source, local] = await Promise.all([startRegistry(t), startRegistry(t)]);
    const digest = await pushImage(t, source);
    const root = await repository(t, source, local.host);

    const planned = await runInProcess(["plan", "--repo", root], {}, { now: () => now });
    assert.equal(planned.code, 0, planned.stderr);
    assert.match(planned.stdout, /demo\/app:1\.0 +copy +127\.0\.0\.1:\d+\/team\/app@[0-9a-f]{12}/);
    assert.match(planned.stdout, /Mirrors: 1 to copy\./);
    assert.match(planned.stdout, /skip.*mirror|does not hold/);

    const applied = await runInProcess(["apply", "--repo", root, "--json"], {}, { now: () => now });
    assert.equal(applied.code, 0, applied.stderr);
    const document = JSON.parse(applied.stdout) as Document;
    const to = `${local.host}/mirror/demo/app@${digest}`;
    assert.deepEqual(
      document.mirrors.map((m) => [m.action, m.to, m.destinationTag]),
      [["copied", to, "1.0"]],
    );
    assert.deepEqual(
      document.workloads.map((w) => w.triggers.map((tr) => tr.rule)),
      [["patch"]],
    );
    const web = await readFile(path.join(root, "web.yaml"), "utf8");
    assert.match(web, new RegExp(`image: ${to.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\n`));
    // skopeo: the same index bytes, under the stream tag, and every blob pullable.
    const [want, got] = await Promise.all([
      inspectRaw(`${source.host}/team/app:1.0`),
      inspectRaw(`${local.host}/mirror/demo/app:1.0`),
    ]);
    assert.ok(got.equals(want));
    const dir = await tempRepo(t, {});
    await copyToDir(to, path.join(dir, "copy"));

    const again = await runInProcess(
      ["plan", "--repo", root, "--detailed-exitcode"],
      {},
      {
        now: () => now,
      },
    );
    assert.equal(again.code, 0, again.stdout + again.stderr);
    // Nothing moved and the trigger holds the copy: no copy is asked about again.
    assert.doesNotMatch(again.stdout, /Mirrors:/);
  });

  it("a failed copy keeps the trigger where it was, says why, and fails the run", async (t) => {
    const [source, local] = await Promise.all([startRegistry(t), startRegistry(t)]);
    await pushImage(t, source);
    const proxy = await startFaultProxy(t, { url: local.url }, [
      { method: "POST", path: /\/blobs\/uploads\//, fault: { kind: "status", status: 403 } },
    ]);
    const root = await repository(t, source, proxy.host);
    const applied = await runInProcess(["apply", "--repo", root, "--json"], {}, { now: () => now });
    assert.equal(applied.code, 1, applied.stderr);
    const document = JSON.parse(applied.stdout) as Document;
    const [failed] = document.mirrors;
    assert.ok(failed);
    assert.equal(failed.action, "failed");
    assert.match(failed.reason, /copy failed: .*403/);
    assert.deepEqual(
      document.workloads.map((w) => w.triggers.map((tr) => tr.rule)),
      [["mirror-missing"]],
    );
    const web = await readFile(path.join(root, "web.yaml"), "utf8");
    assert.match(web, /image: placeholder:1\n/);
    // The status is still written: it records the source, which exists.
    const streams = await readFile(path.join(root, "streams.yaml"), "utf8");
    assert.match(streams, /dockerImageReference: 127\.0\.0\.1:\d+\/team\/app@sha256:/);
  });

  it("copies a Source tag under a configured mirrors mapping, tagged with the source tag", async (t) => {
    const [source, mirror] = await Promise.all([startRegistry(t), startRegistry(t)]);
    const digest = await pushImage(t, source);
    const root = await tempRepo(t, {
      "imagestream-gitops.yaml": `importMode: PreserveOriginal
registries:
  "${source.host}": {insecure: true}
  "${mirror.host}": {insecure: true}
mirrors:
  - {from: ${source.host}/team, to: ${mirror.host}/copies/team}
`,
      "streams.yaml": localTagStream(source.host).replace("referencePolicy: {type: Local}\n", ""),
    });
    const applied = await runInProcess(["apply", "--repo", root, "--json"], {}, { now: () => now });
    assert.equal(applied.code, 0, applied.stderr);
    const document = JSON.parse(applied.stdout) as Document;
    assert.deepEqual(
      document.mirrors.map((m) => [m.action, m.to, m.destinationTag]),
      [["copied", `${mirror.host}/copies/team/app@${digest}`, "1.0"]],
    );
    const [want, got] = await Promise.all([
      inspectRaw(`${source.host}/team/app:1.0`),
      inspectRaw(`${mirror.host}/copies/team/app:1.0`),
    ]);
    assert.ok(got.equals(want));
  });
});
