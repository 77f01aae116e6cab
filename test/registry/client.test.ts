/**
 * The registry client against a real registry (Debian's docker-registry) in
 * every auth mode, with skopeo as the independent oracle for digests.
 */
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { parseNormalizedReference } from "../../src/reference/index.ts";
import { RegistryClient } from "../../src/registry/client.ts";
import { RegistryError } from "../../src/registry/errors.ts";
import type { Transport } from "../../src/registry/transport.ts";
import { writeImage, type Platform, type WrittenImage } from "../support/oci-image.ts";
import { startRegistry, type Registry } from "../support/registry-server.ts";
import { inspectDigest, pushLayout, type SkopeoOptions } from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";
import { startTokenRegistry } from "../support/token-registry.ts";
import { testSessionOptions, type TestSessionOptions } from "../support/test-session.ts";

const canary = "canary-7f3a9c-Pa55:word";
const twoPlatforms: readonly Platform[] = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64", variant: "v8" },
];

function newClient(
  t: TestContext,
  options: TestSessionOptions = {},
): { client: RegistryClient; transport: Transport } {
  const parts = testSessionOptions(t, { concurrency: 8, ...options });
  return { client: new RegistryClient(parts), transport: parts.transport };
}

/** Pushes a one-platform and a two-platform image to `repo` with skopeo. */
async function pushImages(
  t: TestContext,
  registry: Registry,
  repo: string,
  skopeo: SkopeoOptions,
): Promise<{ single: WrittenImage; multi: WrittenImage }> {
  const layout = await tempRepo(t, {});
  const single = await writeImage(layout, { tag: "single", layers: 2, seed: repo });
  const multi = await writeImage(layout, { tag: "multi", platforms: twoPlatforms, seed: repo });
  for (const image of [single, multi]) {
    await pushLayout(layout, image.tag, `${registry.host}/${repo}:${image.tag}`, skopeo);
  }
  return { single, multi };
}

const ref = (registry: Registry, rest: string) =>
  parseNormalizedReference(`${registry.host}/${rest}`);

/** Every way the client reads the images agrees with skopeo. */
async function assertAgreesWithSkopeo(
  client: RegistryClient,
  registry: Registry,
  repo: string,
  images: { single: WrittenImage; multi: WrittenImage },
  skopeo: SkopeoOptions,
): Promise<void> {
  for (const image of [images.single, images.multi]) {
    const resolved = await client.resolve(ref(registry, `${repo}:${image.tag}`));
    assert.equal(
      resolved.digest,
      await inspectDigest(`${registry.host}/${repo}:${image.tag}`, skopeo),
    );
    assert.equal(resolved.digest, image.digest);
    assert.equal(resolved.mediaType, image.mediaType);
    const byDigest = await client.resolve(ref(registry, `${repo}@${image.digest}`));
    assert.equal(byDigest.digest, image.digest);
    const manifest = await client.getManifest(ref(registry, `${repo}:${image.tag}`));
    assert.equal(manifest.descriptor.digest, image.digest);
  }
  const arm = await client.resolve(ref(registry, `${repo}:multi`), {
    os: "linux",
    architecture: "arm64",
  });
  assert.equal(arm.digest, images.multi.manifests[1]?.digest);
  assert.deepEqual((await client.listTags(ref(registry, repo))).sort(), ["multi", "single"]);
}

describe("RegistryClient against docker-registry", { concurrency: true }, () => {
  it("plain HTTP: refused unless insecure, then HTTPS falls back to HTTP", async (t) => {
    const registry = await startRegistry(t);
    const images = await pushImages(t, registry, "plain/app", {});
    const secure = newClient(t).client;
    await assert.rejects(secure.resolve(ref(registry, "plain/app:single")), (err: unknown) => {
      assert.ok(err instanceof RegistryError);
      assert.match(err.message, /is HTTP only and requires the insecure flag/);
      return true;
    });
    const { client, transport } = newClient(t, { insecure: true });
    await assertAgreesWithSkopeo(client, registry, "plain/app", images, {});
    assert.ok((transport.stats.snapshot()[registry.host]?.requests ?? 0) > 0);
  });

  it("TLS: trusted with the CA, refused without it, accepted when insecure", async (t) => {
    const registry = await startRegistry(t, { tls: true });
    assert.ok(registry.caPem !== undefined && registry.caDir !== undefined);
    const skopeo = { certDir: registry.caDir };
    const images = await pushImages(t, registry, "tls/app", skopeo);
    await assertAgreesWithSkopeo(
      newClient(t, { ca: registry.caPem }).client,
      registry,
      "tls/app",
      images,
      skopeo,
    );
    await assert.rejects(
      newClient(t).client.resolve(ref(registry, "tls/app:single")),
      /not trusted/,
    );
    const insecure = newClient(t, { insecure: true }).client;
    assert.equal(
      (await insecure.resolve(ref(registry, "tls/app:single"))).digest,
      images.single.digest,
    );
  });

  it("htpasswd basic auth: credentials work, anonymous is refused, the password never leaks", async (t) => {
    const auth = { kind: "htpasswd", username: "alice", password: canary } as const;
    const registry = await startRegistry(t, { tls: true, auth });
    assert.ok(registry.caPem !== undefined && registry.caDir !== undefined);
    const skopeo = { certDir: registry.caDir, creds: `alice:${canary}` };
    const images = await pushImages(t, registry, "basic/app", skopeo);
    const credentials = { [registry.host]: { username: "alice", password: canary } };
    const good = newClient(t, { ca: registry.caPem, credentials }).client;
    await assertAgreesWithSkopeo(good, registry, "basic/app", images, skopeo);
    for (const client of [
      newClient(t, { ca: registry.caPem }).client,
      newClient(t, {
        ca: registry.caPem,
        credentials: { [registry.host]: { username: "alice", password: `${canary}-wrong` } },
      }).client,
    ]) {
      await assert.rejects(client.resolve(ref(registry, "basic/app:single")), (err: unknown) => {
        assert.ok(err instanceof RegistryError);
        assert.equal(err.status, 401);
        assert.doesNotMatch(
          `${err.message} ${String(err.stack)} ${JSON.stringify(err)}`,
          /canary-7f3a9c/,
        );
        return true;
      });
    }
  });

  it("token auth on a second origin: scope, realm credentials, refresh tokens, one token per scope", async (t) => {
    const { certs, tokens, registry } = await startTokenRegistry(t, {
      users: { alice: canary, bob: "bob-pass" },
      issuer: "isg-issuer",
      service: "isg-registry",
      grant: (user, scope) => (user === undefined ? [] : scope.actions),
    });
    const skopeo = { certDir: certs.caDir, creds: `alice:${canary}` };
    const images = await pushImages(t, registry, "token/app", skopeo);
    const ca = certs.ca.certPem;

    const alice = { [registry.host]: { username: "alice", password: canary } };
    await assertAgreesWithSkopeo(
      newClient(t, { ca, credentials: alice }).client,
      registry,
      "token/app",
      images,
      skopeo,
    );

    // A fresh client: one /v2/ ping, one token for the repository's pull scope, then only manifests.
    tokens.requests.length = 0;
    const { client, transport } = newClient(t, { ca, credentials: alice });
    for (const tag of ["single", "multi", "single", "multi"])
      await client.resolve(ref(registry, `token/app:${tag}`));
    await client.listTags(ref(registry, "token/app"));
    assert.deepEqual(
      tokens.requests.map((r) => [r.method, r.scopes, r.user, r.service, r.basicAuth]),
      [["GET", ["repository:token/app:pull"], "alice", "isg-registry", true]],
    );
    assert.equal(transport.stats.snapshot()[registry.host]?.requests, 6, "ping, 4 HEADs, tag list");
    assert.equal(transport.stats.snapshot()[registry.host]?.retries, 0);

    tokens.requests.length = 0;
    const realmCreds = newClient(t, {
      ca,
      credentials: {
        [registry.host]: { username: "alice", password: canary },
        [tokens.host]: { username: "bob", password: "bob-pass" },
      },
    }).client;
    await realmCreds.resolve(ref(registry, "token/app:single"));
    assert.equal(
      tokens.requests[0]?.user,
      "bob",
      "the realm host's own credentials win there (B5)",
    );

    const form = new URLSearchParams({
      grant_type: "password",
      username: "alice",
      password: canary,
      client_id: "t",
      service: "isg-registry",
      access_type: "offline",
      scope: "repository:token/app:pull",
    });
    const issued = await fetchJson(tokens.realm, ca, form);
    tokens.requests.length = 0;
    const refresh = newClient(t, {
      ca,
      credentials: { [registry.host]: { identityToken: issued["refresh_token"] ?? "" } },
    }).client;
    assert.equal(
      (await refresh.resolve(ref(registry, "token/app:single"))).digest,
      images.single.digest,
    );
    const exchange = tokens.requests.at(0);
    assert.ok(exchange !== undefined);
    assert.deepEqual([exchange.method, exchange.grantType], ["POST", "refresh_token"]);

    await assert.rejects(
      newClient(t, { ca }).client.resolve(ref(registry, "token/app:single")),
      (err: unknown) => {
        assert.ok(err instanceof RegistryError);
        assert.equal(err.status, 401);
        return true;
      },
    );
  });

  it("reports a missing tag as a 404 with the registry's error code, not transient", async (t) => {
    const registry = await startRegistry(t);
    await pushImages(t, registry, "missing/app", {});
    const { client } = newClient(t, { insecure: true });
    await assert.rejects(client.getManifest(ref(registry, "missing/app:nope")), (err: unknown) => {
      assert.ok(err instanceof RegistryError);
      assert.equal(err.status, 404);
      assert.equal(err.transient, false);
      assert.deepEqual(
        err.ociErrors.map((e) => e.code),
        ["MANIFEST_UNKNOWN"],
      );
      return true;
    });
  });
});

/** POSTs a form over HTTPS trusting `ca`, and parses the JSON answer. */
async function fetchJson(
  url: string,
  ca: string,
  form: URLSearchParams,
): Promise<Record<string, string>> {
  const { Agent, request } = await import("undici");
  const dispatcher = new Agent({ connect: { ca } });
  try {
    const response = await request(url, {
      method: "POST",
      dispatcher,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    return (await response.body.json()) as Record<string, string>;
  } finally {
    await dispatcher.close();
  }
}
