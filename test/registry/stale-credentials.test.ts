/**
 * Scenario 15 (SEMANTICS.md): a registry whose token server rejects the
 * configured secret with "incorrect username or password" (Docker Hub's
 * words) but lets anyone pull is retried once without credentials; any other
 * refusal is final. Real registry, real token server on a second origin.
 */
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { parseNormalizedReference } from "../../src/reference/index.ts";
import { RegistryClient } from "../../src/registry/client.ts";
import { RegistryError } from "../../src/registry/errors.ts";
import { Transport } from "../../src/registry/transport.ts";
import { writeImage } from "../support/oci-image.ts";
import { inspectDigest, pushLayout } from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";
import { startTokenRegistry } from "../support/token-registry.ts";

const canary = "canary-5e0c77-stale";

/** A token registry where alice may push and anyone may pull, holding public/app:1.0. */
async function setUp(t: TestContext, wrongPasswordMessage: string) {
  const pair = await startTokenRegistry(t, {
    users: { alice: canary },
    issuer: "isg-issuer",
    service: "isg-registry",
    grant: (user, scope) => (user === undefined ? ["pull"] : scope.actions),
    wrongPasswordMessage,
  });
  const skopeo = { certDir: pair.certs.caDir, creds: `alice:${canary}` };
  const layout = await tempRepo(t, {});
  const image = await writeImage(layout, { tag: "1.0", layers: 1 });
  const name = `${pair.registry.host}/public/app:1.0`;
  await pushLayout(layout, image.tag, name, skopeo);
  const settings = () => ({ insecure: false, concurrency: 4, ca: pair.certs.ca.certPem });
  const transport = new Transport({ hostSettings: settings, timeoutMs: 10_000 });
  const stale = { username: "alice", password: `${canary}-rotated` };
  const credentials = {
    lookup: (host: string) => Promise.resolve(host === pair.registry.host ? stale : undefined),
  };
  const client = new RegistryClient({ transport, credentials, hostSettings: settings });
  t.after(() => client.close());
  const want = await inspectDigest(name, skopeo);
  pair.tokens.requests.length = 0;
  return { ...pair, client, name, want };
}

describe("a stale secret on a registry that allows anonymous pulls (scenario 15)", () => {
  it('retries once without credentials after "incorrect username or password"', async (t) => {
    const s = await setUp(t, "incorrect username or password");
    const resolved = await s.client.resolve(parseNormalizedReference(s.name));
    assert.equal(resolved.digest, s.want);
    assert.deepEqual(
      s.tokens.requests.map((r) => [r.basicAuth, r.status]),
      [
        [true, 401],
        [false, 200],
      ],
    );
  });

  it("does not retry other refusals, and names no secret", async (t) => {
    const s = await setUp(t, "invalid username or password");
    await assert.rejects(s.client.resolve(parseNormalizedReference(s.name)), (err: unknown) => {
      assert.ok(err instanceof RegistryError);
      assert.equal(err.status, 401);
      assert.doesNotMatch(`${err.message} ${String(err.cause)}`, /canary-5e0c77/);
      return true;
    });
    assert.deepEqual(
      s.tokens.requests.map((r) => [r.basicAuth, r.status]),
      [[true, 401]],
    );
  });
});
