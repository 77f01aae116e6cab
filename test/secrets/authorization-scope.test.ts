/**
 * Where credentials may go, through the CLI: `Authorization` never follows
 * a manifest or blob redirect to another origin; a token realm on plain
 * HTTP gets no credentials unless its host is insecure by policy; plain
 * HTTP and unverified TLS happen only for what `--insecure`, the config's
 * `registries.HOST.insecure` or a tag's `importPolicy.insecure` name, and
 * one negative of each shows the policy does not spread further.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { writeImage } from "../support/oci-image.ts";
import { startFrontServer } from "../support/redirect-server.ts";
import { startRegistry } from "../support/registry-server.ts";
import { runInProcess } from "../support/run-cli.ts";
import { pushLayout } from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";
import { makeCertificates } from "../support/tls.ts";
import { startTokenServer } from "../support/token-server.ts";
import { assertNoCanary, canaries } from "./canaries.ts";

const basic = (user: string, secret: string): string =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;

describe("authorization scope", () => {
  it("a manifest or blob redirected to another origin is fetched there without Authorization", async (t) => {
    const registry = await startRegistry(t, {
      auth: { kind: "htpasswd", username: "helper", password: canaries.helper },
    });
    const layout = await tempRepo(t, {});
    await writeImage(layout, { tag: "1.0", layers: 2 });
    await pushLayout(layout, "1.0", `${registry.host}/team/app:1.0`, {
      tlsVerify: false,
      creds: `helper:${canaries.helper}`,
    });
    // The storage backend is authorised by the signed URL, not by the registry's credentials.
    const cdn = await startFrontServer(t, {
      upstream: registry.url,
      upstreamHeaders: { authorization: basic("helper", canaries.helper) },
    });
    const front = await startFrontServer(t, {
      upstream: registry.url,
      answer: (r) =>
        r.method === "GET" && /\/(manifests|blobs)\//.test(r.path)
          ? { status: 307, headers: { location: `${cdn.url}${r.path}` } }
          : undefined,
    });
    const dst = await startRegistry(t);
    const dir = await tempRepo(t, {});
    const authFile = path.join(dir, "auth.json");
    await writeFile(
      authFile,
      JSON.stringify({
        auths: {
          [front.host]: { auth: Buffer.from(`helper:${canaries.helper}`).toString("base64") },
        },
      }),
    );
    const result = await runInProcess([
      "mirror",
      "--insecure",
      "--authfile",
      authFile,
      `${front.host}/team/app:1.0`,
      `${dst.host}/copy/app:1.0`,
    ]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const redirected = front.requests.filter((r) => /\/(manifests|blobs)\//.test(r.path));
    assert.ok(
      redirected.some((r) => r.headers["authorization"] !== undefined),
      "the registry itself got the credentials",
    );
    const gets = cdn.requests.filter((r) => r.method === "GET");
    assert.ok(
      gets.some((r) => r.path.includes("/manifests/")),
      "a manifest came from the CDN",
    );
    assert.ok(
      gets.some((r) => r.path.includes("/blobs/")),
      "blobs came from the CDN",
    );
    assert.deepEqual(
      cdn.requests.filter((r) => r.headers["authorization"] !== undefined).map((r) => r.path),
      [],
      "no Authorization crossed to the other origin",
    );
    assertNoCanary([
      { where: "stdout", text: result.stdout },
      { where: "stderr", text: result.stderr },
    ]);
  });

  it("a plain-HTTP token realm gets no credentials unless its host is marked insecure", async (t) => {
    const certs = await makeCertificates(await tempRepo(t, {}));
    const tokens = await startTokenServer(t, {
      users: { alice: canaries.basic },
      issuer: "isg-realm",
      service: "isg-realm-registry",
      signingKeyPem: certs.tokenSigner.keyPem,
      signingCertPem: certs.tokenSigner.certPem,
    });
    assert.match(tokens.realm, /^http:\/\//);
    const registry = await startRegistry(t, {
      tls: true,
      certificates: certs,
      auth: {
        kind: "token",
        realm: tokens.realm,
        service: "isg-realm-registry",
        issuer: "isg-realm",
        rootCertBundle: certs.tokenSigner.certPath,
      },
    });
    const dir = await tempRepo(t, { "ca.pem": certs.ca.certPem });
    const authFile = path.join(dir, "auth.json");
    await writeFile(
      authFile,
      JSON.stringify({
        auths: {
          [registry.host]: { auth: Buffer.from(`alice:${canaries.basic}`).toString("base64") },
        },
      }),
    );
    const config = (realmInsecure: boolean): string =>
      `registries:\n  "${registry.host}": {ca: ca.pem}\n` +
      (realmInsecure ? `  "${tokens.host}": {insecure: true}\n` : "");
    const untrusted = path.join(dir, "untrusted.yaml");
    const trusted = path.join(dir, "trusted.yaml");
    await writeFile(untrusted, config(false));
    await writeFile(trusted, config(true));
    const ref = `${registry.host}/team/app:1.0`;

    const refused = await runInProcess([
      "digest",
      "--config",
      untrusted,
      "--authfile",
      authFile,
      ref,
    ]);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(
      refused.stderr,
      /token realm of .* is plain HTTP: credentials are sent there only when/,
    );
    assert.deepEqual(
      tokens.requests.filter((r) => r.basicAuth || r.account !== undefined),
      [],
      "the untrusted realm never saw the credentials",
    );

    // Marked insecure, the realm is trusted: it gets them (and the image is absent: 404, not 401).
    const allowed = await runInProcess([
      "digest",
      "--config",
      trusted,
      "--authfile",
      authFile,
      ref,
    ]);
    assert.ok(
      tokens.requests.some((r) => r.basicAuth && r.authenticated),
      allowed.stdout + allowed.stderr,
    );
    assert.match(allowed.stderr, /not found|unknown/i);
    assertNoCanary(
      [refused, allowed].flatMap((r, i) => [
        { where: `run ${String(i)} stdout`, text: r.stdout },
        { where: `run ${String(i)} stderr`, text: r.stderr },
      ]),
      tokens.issued,
    );
  });

  it("plain HTTP only where policy says so: --insecure, the config's host, a tag's importPolicy", async (t) => {
    const plain = await startRegistry(t);
    const layout = await tempRepo(t, {});
    await writeImage(layout, { tag: "1.0", layers: 1 });
    await pushLayout(layout, "1.0", `${plain.host}/team/app:1.0`, { tlsVerify: false });
    const ref = `${plain.host}/team/app:1.0`;
    const httpOnly = /the registry .* is HTTP only and requires the insecure flag/;

    // --insecure: without it, refused.
    const without = await runInProcess(["digest", ref]);
    assert.equal(without.code, 1);
    assert.match(without.stderr, httpOnly);
    assert.equal((await runInProcess(["digest", "--insecure", ref])).code, 0);

    // registries.HOST.insecure: another host's entry does not make this one insecure.
    const dir = await tempRepo(t, {});
    const other = path.join(dir, "other.yaml");
    await writeFile(other, `registries:\n  "127.0.0.1:1": {insecure: true}\n`);
    const otherRun = await runInProcess(["digest", "--config", other, ref]);
    assert.equal(otherRun.code, 1);
    assert.match(otherRun.stderr, httpOnly);
    const own = path.join(dir, "own.yaml");
    await writeFile(own, `registries:\n  "${plain.host}": {insecure: true}\n`);
    assert.equal((await runInProcess(["digest", "--config", own, ref])).code, 0);

    // importPolicy.insecure: one tag's insecure import does not make its sibling's insecure.
    const repo = await tempRepo(t, {
      "app.yaml": `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
    - {name: allowed, from: {kind: DockerImage, name: "${ref}"}, importPolicy: {insecure: true}}
    - {name: refused, from: {kind: DockerImage, name: "${ref}"}}
`,
    });
    const plan = await runInProcess(["plan", "--repo", repo, "--json"]);
    const document = JSON.parse(plan.stdout) as {
      streams: { tags: { tag: string; action: string; error?: { message: string } }[] }[];
    };
    const tags = document.streams[0]?.tags ?? [];
    assert.equal(tags.find((x) => x.tag === "allowed")?.action, "import", plan.stdout);
    const refusedTag = tags.find((x) => x.tag === "refused");
    assert.equal(refusedTag?.action, "fail", plan.stdout);
    assert.match(JSON.stringify(refusedTag), /HTTP only and requires the insecure flag/);
  });
});
