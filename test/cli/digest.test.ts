/**
 * `imagestream-gitops digest` end to end: a real TLS registry with htpasswd
 * auth, credentials from a Docker config.json, the CA from the config file's
 * registries section, digests checked against skopeo.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { writeImage } from "../support/oci-image.ts";
import { startRegistry } from "../support/registry-server.ts";
import { inspectDigest, pushLayout } from "../support/skopeo.ts";
import { runInProcess } from "../support/run-cli.ts";
import { tempRepo } from "../support/temp-repo.ts";

const canary = "canary-51d2e8-digest:pass";

async function setUp(t: TestContext) {
  const auth = { kind: "htpasswd", username: "alice", password: canary } as const;
  const registry = await startRegistry(t, { tls: true, auth });
  assert.ok(registry.caPem !== undefined && registry.caDir !== undefined);
  const layout = await tempRepo(t, {});
  const single = await writeImage(layout, { tag: "1.0", layers: 1 });
  const multi = await writeImage(layout, {
    tag: "2.0",
    platforms: [
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64" },
    ],
  });
  const skopeo = { certDir: registry.caDir, creds: `alice:${canary}` };
  for (const image of [single, multi])
    await pushLayout(layout, image.tag, `${registry.host}/team/app:${image.tag}`, skopeo);
  const dir = await tempRepo(t, { "ca.pem": registry.caPem });
  const config = path.join(dir, "imagestream-gitops.yaml");
  await writeFile(config, `registries:\n  "${registry.host}": {ca: ca.pem, concurrency: 4}\n`);
  const authFile = path.join(dir, "config.json");
  const writeAuth = (password: string) =>
    writeFile(
      authFile,
      JSON.stringify({
        auths: { [registry.host]: { auth: Buffer.from(`alice:${password}`).toString("base64") } },
      }),
    );
  await writeAuth(canary);
  return { registry, single, multi, skopeo, config, authFile, writeAuth };
}

describe("imagestream-gitops digest", () => {
  it("resolves references with credentials and a CA from files, agreeing with skopeo", async (t) => {
    const s = await setUp(t);
    const refs = [`${s.registry.host}/team/app:1.0`, `${s.registry.host}/team/app:2.0`];
    const r = await runInProcess([
      "digest",
      "--config",
      s.config,
      "--authfile",
      s.authFile,
      ...refs,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const want = await Promise.all(refs.map((ref) => inspectDigest(ref, s.skopeo)));
    assert.equal(
      r.stdout,
      `${want[0] ?? ""}  ${refs[0] ?? ""}\n${want[1] ?? ""}  ${refs[1] ?? ""}\n`,
    );

    const arm = await runInProcess([
      "digest",
      "--config",
      s.config,
      "--authfile",
      s.authFile,
      "--platform",
      "linux/arm64",
      refs[1] ?? "",
    ]);
    assert.equal(arm.stdout, `${s.multi.manifests[1]?.digest ?? ""}\n`);
  });

  it("reports each failing reference, exits 1, and never prints a credential", async (t) => {
    const s = await setUp(t);
    const good = `${s.registry.host}/team/app:1.0`;
    const missing = `${s.registry.host}/team/app:9.9`;
    const r = await runInProcess([
      "digest",
      "--json",
      "--config",
      s.config,
      "--authfile",
      s.authFile,
      good,
      missing,
    ]);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout) as {
      results: {
        reference: string;
        descriptor?: { digest: string };
        error?: { code: string; message: string };
      }[];
      registries: Record<string, { requests: number; retries: number }>;
    };
    const [resolved, failed] = doc.results;
    assert.equal(resolved?.descriptor?.digest, s.single.digest);
    assert.ok(failed?.error !== undefined, JSON.stringify(failed));
    assert.deepEqual([failed.error.code, /404/.test(failed.error.message)], ["REGISTRY", true]);
    assert.ok((doc.registries[s.registry.host]?.requests ?? 0) >= 3);

    await s.writeAuth(`${canary}-wrong`);
    const denied = await runInProcess([
      "digest",
      "--json",
      "--config",
      s.config,
      "--authfile",
      s.authFile,
      good,
    ]);
    assert.equal(denied.code, 1);
    assert.match(denied.stdout, /401/);
    assert.doesNotMatch(denied.stdout + denied.stderr, /canary-51d2e8/);
    assert.doesNotMatch(
      denied.stdout + denied.stderr,
      new RegExp(Buffer.from(`alice:${canary}-wrong`).toString("base64")),
    );
  });

  it("refuses bad usage with exit 2", async () => {
    for (const argv of [
      ["digest"],
      ["digest", "Bad/Ref"],
      ["digest", "--platform", "linux", "a/b"],
      ["digest", "--concurrency", "0", "a/b"],
    ]) {
      const r = await runInProcess(argv);
      assert.equal(r.code, 2, argv.join(" "));
      assert.match(r.stderr, /Usage: imagestream-gitops digest/);
    }
  });
});
