/**
 * The registry fixtures work end to end: images written by oci-image.ts and
 * pushed with skopeo to a real docker-registry (plain HTTP, TLS, htpasswd,
 * delegated token auth) read back with the digests oci-image.ts computed.
 */
import assert from "node:assert/strict";
import https from "node:https";
import { describe, it, type TestContext } from "node:test";
import { writeImage, type Platform, type WrittenImage } from "../support/oci-image.ts";
import { startRegistry, type Registry } from "../support/registry-server.ts";
import {
  inspectDigest,
  inspectFormatDigest,
  inspectRaw,
  listTags,
  pushLayout,
  type SkopeoOptions,
} from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";
import { startTokenRegistry } from "../support/token-registry.ts";
import type { TokenServer } from "../support/token-server.ts";

const USER = "alice";
const PASSWORD = "s3cret pass:word";
const SERVICE = "isg-test-registry";
const ISSUER = "isg-test-token-issuer";

const TWO_PLATFORMS: readonly Platform[] = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64", variant: "v8" },
];

/** A started registry and how skopeo reaches it. */
interface Setup {
  readonly registry: Registry;
  readonly skopeo: SkopeoOptions;
  readonly tokens?: TokenServer;
}

/** The two images each mode pushes, in one OCI layout. */
async function writeImages(
  t: TestContext,
): Promise<{ layout: string; single: WrittenImage; multi: WrittenImage }> {
  const layout = await tempRepo(t, {});
  const single = await writeImage(layout, { tag: "single", layers: 2 });
  const multi = await writeImage(layout, { tag: "multi", platforms: TWO_PLATFORMS });
  return { layout, single, multi };
}

/** Pushes both images to `repo` and checks skopeo reads back the computed digests. */
async function pushAndVerify(t: TestContext, setup: Setup, repo: string): Promise<void> {
  const { layout, single, multi } = await writeImages(t);
  const base = `${setup.registry.host}/${repo}`;
  for (const image of [single, multi]) {
    await pushLayout(layout, image.tag, `${base}:${image.tag}`, setup.skopeo);
    assert.equal(await inspectDigest(`${base}:${image.tag}`, setup.skopeo), image.digest);
    assert.equal(await inspectDigest(`${base}@${image.digest}`, setup.skopeo), image.digest);
  }
  const index = JSON.parse((await inspectRaw(`${base}:multi`, setup.skopeo)).toString()) as {
    manifests: { digest: string }[];
  };
  assert.deepEqual(
    index.manifests.map((m) => m.digest),
    multi.manifests.map((m) => m.digest),
  );
  for (const m of multi.manifests) {
    assert.equal(await inspectDigest(`${base}@${m.digest}`, setup.skopeo), m.digest);
  }
  assert.deepEqual((await listTags(base, setup.skopeo)).sort(), ["multi", "single"]);
}

/** A wrong password is refused by a push. */
async function assertWrongPasswordRefused(t: TestContext, setup: Setup): Promise<void> {
  const { layout } = await writeImages(t);
  await assert.rejects(
    pushLayout(layout, "single", `${setup.registry.host}/denied:single`, {
      ...setup.skopeo,
      creds: `${USER}:wrong`,
    }),
    /unauthorized|invalid username|401/i,
  );
}

/** Status and body of an HTTPS request trusting `ca`. */
function request(
  url: string,
  ca: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? "GET", headers: init.headers, ca });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

/** The OAuth2 form (`POST /token`) gives a token the registry accepts; a wrong service is refused. */
async function assertOAuthFlow(setup: Setup & { tokens: TokenServer }, ca: string): Promise<void> {
  const form = new URLSearchParams({
    grant_type: "password",
    username: USER,
    password: PASSWORD,
    client_id: "isg-test",
    service: SERVICE,
    scope: "repository:token/app:pull",
    access_type: "offline",
  });
  const headers = { "Content-Type": "application/x-www-form-urlencoded" };
  const posted = await request(setup.tokens.realm, ca, {
    method: "POST",
    headers,
    body: form.toString(),
  });
  assert.equal(posted.status, 200, posted.body);
  const { access_token, refresh_token } = JSON.parse(posted.body) as Record<string, string>;
  assert.ok(access_token && refresh_token);
  const tags = await request(`${setup.registry.url}/v2/token/app/tags/list`, ca, {
    headers: { Authorization: `Bearer ${access_token}` },
  });
  assert.equal(tags.status, 200, tags.body);
  assert.deepEqual((JSON.parse(tags.body) as { tags: string[] }).tags.sort(), ["multi", "single"]);

  const refreshed = await request(setup.tokens.realm, ca, {
    method: "POST",
    headers,
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token,
      client_id: "isg-test",
      service: SERVICE,
      scope: "repository:token/app:pull",
    }).toString(),
  });
  assert.equal(refreshed.status, 200, refreshed.body);

  const scope = "repository:token/app:pull";
  const wrongService = await request(`${setup.tokens.realm}?service=other&scope=${scope}`, ca);
  assert.equal(wrongService.status, 400);
}

describe("oci-image", () => {
  it("is deterministic per options and distinct per seed", async (t) => {
    const [a, b] = [await tempRepo(t, {}), await tempRepo(t, {})];
    const options = { tag: "v1", platforms: TWO_PLATFORMS, layers: 2 };
    const first = await writeImage(a, options);
    assert.deepEqual(await writeImage(b, options), first);
    assert.notEqual((await writeImage(b, { ...options, seed: "other" })).digest, first.digest);
    assert.equal(first.indexDigest, first.digest);
    assert.equal(first.manifests.length, 2);
  });
});

describe("registry fixtures: docker-registry + skopeo + oci-image", { concurrency: true }, () => {
  it("plain HTTP, anonymous", async (t) => {
    const registry = await startRegistry(t);
    assert.match(registry.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await pushAndVerify(t, { registry, skopeo: {} }, "plain/app");
  });

  it("TLS with a test CA", async (t) => {
    const registry = await startRegistry(t, { tls: true });
    assert.match(registry.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(registry.caDir);
    const setup = { registry, skopeo: { certDir: registry.caDir } };
    await pushAndVerify(t, setup, "tls/app");
    const { layout, single } = await writeImages(t);
    const digest = await inspectFormatDigest(`${registry.host}/tls/app:single`, setup.skopeo);
    assert.equal(digest, single.digest, "skopeo inspect --format {{.Digest}} agrees");
    await assert.rejects(
      pushLayout(layout, "single", `${registry.host}/tls/other:single`, { tlsVerify: true }),
      /certificate|x509/i,
      "without the CA the certificate is not trusted",
    );
  });

  it("htpasswd basic auth over TLS", async (t) => {
    const auth = { kind: "htpasswd", username: USER, password: PASSWORD } as const;
    const registry = await startRegistry(t, { tls: true, auth });
    assert.ok(registry.caDir);
    const setup = { registry, skopeo: { certDir: registry.caDir, creds: `${USER}:${PASSWORD}` } };
    await pushAndVerify(t, setup, "basic/app");
    const multi = await inspectFormatDigest(`${registry.host}/basic/app:multi`, setup.skopeo);
    assert.equal(multi, await inspectDigest(`${registry.host}/basic/app:multi`, setup.skopeo));
    await assertWrongPasswordRefused(t, setup);
    await assert.rejects(
      inspectDigest(`${registry.host}/basic/app:single`, { certDir: registry.caDir }),
      /unauthorized|authentication required|401/i,
      "anonymous access is refused",
    );
  });

  it("token auth delegated to a token server on a second port", async (t) => {
    const { certs, tokens, registry } = await startTokenRegistry(t, {
      users: { [USER]: PASSWORD },
      issuer: ISSUER,
      service: SERVICE,
      grant: (user, scope) => (user === USER ? scope.actions : []),
    });
    assert.notEqual(tokens.host, registry.host);
    const setup = {
      registry,
      tokens,
      skopeo: { certDir: certs.caDir, creds: `${USER}:${PASSWORD}` },
    };
    await pushAndVerify(t, setup, "token/app");

    const push = tokens.requests.find((r) => r.scopes.includes("repository:token/app:pull,push"));
    assert.ok(
      push,
      `no pull,push request in ${JSON.stringify(tokens.requests.map((r) => r.scopes))}`,
    );
    assert.equal(push.method, "GET");
    assert.equal(push.service, SERVICE);
    assert.equal(push.basicAuth, true);
    assert.equal(push.user, USER);
    assert.equal(push.status, 200);
    assert.deepEqual(push.granted, [
      { type: "repository", name: "token/app", actions: ["pull", "push"] },
    ]);

    await assertWrongPasswordRefused(t, setup);
    const refused = tokens.requests.at(-1);
    assert.equal(refused?.status, 401);
    assert.equal(refused.basicAuth, true);
    assert.equal(refused.user, USER);

    await assert.rejects(
      inspectDigest(`${registry.host}/token/app:single`, { certDir: certs.caDir }),
      /unauthorized|authentication required|401/i,
      "anonymous gets a token that grants nothing",
    );
    assert.equal(tokens.requests.at(-1)?.basicAuth, false);

    await assertOAuthFlow(setup, certs.ca.certPem);
  });
});
