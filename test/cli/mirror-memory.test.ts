/**
 * A 1 GiB layer mirrored between two real registries by the CLI in a child
 * process, whose peak resident memory (the kernel's VmHWM) must stay below
 * a fixed bound: blobs stream from source to destination and are never
 * held whole. A memory check, not a timing.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Descriptor } from "../../src/registry/manifest.ts";
import { RemoteRepository } from "../../src/registry/remote-repository.ts";
import { startFaultProxy } from "../support/fault-proxy.ts";
import { generatedBlob } from "../support/generated-blob.ts";
import { startRegistry } from "../support/registry-server.ts";
import { inspectRaw } from "../support/skopeo.ts";
import { newTestClient } from "../support/test-session.ts";

const MiB = 1024 * 1024;
/** Node alone takes about 50 MiB and lazy collection about as much again; a whole layer would be 1024. */
const boundMiB = 192;
const main = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

/** Runs the CLI; resolves with its exit code, output and the highest VmHWM seen. */
function runSampled(
  args: readonly string[],
  timeoutMs = 300_000,
): Promise<{ code: number; stdout: string; stderr: string; peakKiB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    let peakKiB = 0;
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const sample = async (): Promise<void> => {
      try {
        const status = await readFile(`/proc/${String(child.pid)}/status`, "utf8");
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
        if (hwm !== undefined) peakKiB = Math.max(peakKiB, Number(hwm));
      } catch {
        // The process has exited between two samples.
      }
    };
    const timer = setInterval(() => void sample(), 25);
    // A process that never exits (a connection held open) fails the test instead of hanging it.
    const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(timer);
      clearTimeout(killer);
      resolve({ code: code ?? -1, stdout, stderr, peakKiB });
    });
  });
}

/** Pushes a config and a manifest over `layer`, tagged 1.0; returns the manifest's bytes. */
async function pushManifestFor(repo: RemoteRepository, layer: Descriptor): Promise<Buffer> {
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      rootfs: { type: "layers", diff_ids: [layer.digest] },
    }),
  );
  const config = {
    mediaType: "application/vnd.oci.image.config.v1+json",
    digest: `sha256:${createHash("sha256").update(configBytes).digest("hex")}`,
    size: configBytes.length,
  };
  assert.equal(await repo.putBlob(config, () => configBytes), "uploaded");
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config,
      layers: [layer],
    }),
  );
  await repo.putManifest(
    { bytes: manifest, mediaType: "application/vnd.oci.image.manifest.v1+json" },
    "1.0",
  );
  return manifest;
}

describe("mirror memory", () => {
  it("mirrors a 1 GiB layer with the process's peak RSS under a fixed bound", async (t) => {
    const [src, dst] = await Promise.all([startRegistry(t), startRegistry(t)]);
    const client = newTestClient(t, { insecure: true });
    const repo = new RemoteRepository(client.session, {
      host: src.host,
      repository: "big/app",
      display: `${src.host}/big/app`,
    });
    const layer = await generatedBlob(
      "one gibibyte",
      1024 * MiB,
      "application/vnd.oci.image.layer.v1.tar",
    );
    assert.equal(await repo.putBlob(layer.descriptor, layer.open), "uploaded");
    const manifest = await pushManifestFor(repo, layer.descriptor);

    const run = await runSampled([
      "mirror",
      "--insecure",
      `${src.host}/big/app:1.0`,
      `${dst.host}/big/app:1.0`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const peakMiB = run.peakKiB / 1024;
    t.diagnostic(`peak RSS of the mirror process: ${peakMiB.toFixed(1)} MiB`);
    assert.ok(run.peakKiB > 0, "the process was sampled");
    assert.ok(
      peakMiB < boundMiB,
      `peak RSS ${peakMiB.toFixed(1)} MiB, bound ${String(boundMiB)} MiB`,
    );
    assert.match(run.stderr, /mirrored 1 image, 0 failed: 2 blobs copied.*1\.0 GiB/);
    // skopeo: the destination serves the same manifest bytes.
    assert.ok((await inspectRaw(`${dst.host}/big/app:1.0`)).equals(manifest));
  });
});

describe("mirror: an upload that is cut and retried", () => {
  it("releases the source's download, so the process exits", async (t) => {
    const [src, dst] = await Promise.all([startRegistry(t), startRegistry(t)]);
    const client = newTestClient(t, { insecure: true });
    const repo = new RemoteRepository(client.session, {
      host: src.host,
      repository: "cut/app",
      display: `${src.host}/cut/app`,
    });
    // Large enough that the source's response cannot sit whole in socket buffers.
    const layer = await generatedBlob("cut", 64 * MiB, "application/vnd.oci.image.layer.v1.tar");
    assert.equal(await repo.putBlob(layer.descriptor, layer.open), "uploaded");
    const manifest = await pushManifestFor(repo, layer.descriptor);
    const proxy = await startFaultProxy(t, { url: dst.url }, [
      {
        method: "PUT",
        path: new RegExp(encodeURIComponent(layer.descriptor.digest)),
        times: 1,
        fault: { kind: "reset" },
      },
    ]);
    const run = await runSampled(
      ["mirror", "--insecure", "--json", `${src.host}/cut/app:1.0`, `${proxy.host}/cut/app:1.0`],
      60_000,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.ok((await inspectRaw(`${dst.host}/cut/app:1.0`)).equals(manifest));
    // The bytes of the attempt that was cut are not counted: only what landed.
    const { summary } = JSON.parse(run.stdout) as {
      summary: { bytes: number; bytesTotal: number };
    };
    assert.equal(summary.bytes, summary.bytesTotal);
  });
});
