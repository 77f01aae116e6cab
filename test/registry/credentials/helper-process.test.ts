/**
 * Real credential helpers: executable shell scripts named
 * docker-credential-<suffix> in a temporary directory that only the env
 * given to the store puts on PATH (so process.env is provably not used).
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import {
  CredentialsError,
  loadCredentialStore,
  runHelperProcess,
  type CredentialStore,
  type CredentialsErrorReason,
} from "../../../src/registry/credentials/index.ts";
import {
  assertNoSecret,
  basic,
  CANARY,
  plain,
  tempDir,
  writeHelper,
  writeJson,
} from "./support.ts";

const systemPath = "/usr/local/bin:/usr/bin:/bin";

/** Helper scripts: each logs its arguments and stdin to $HELPER_LOG, then acts. */
const helpers: Readonly<Record<string, string>> = {
  good: `url=$(cat)
printf '%s %s\\n' "$*" "$url" >> "$HELPER_LOG"
case "$url" in
  quay.io) printf '{"ServerURL":"%s","Username":"robot","Secret":"${CANARY}"}\\n' "$url" ;;
  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"hub-token"}' "$url" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac`,
  broken: `cat >/dev/null
echo "error getting credentials - err: exit status 2, out: gpg: decryption failed"
exit 1`,
  slow: `sleep 5
echo '{"Username":"late","Secret":"late"}'`,
  chatty: `cat >/dev/null
i=0
while [ $i -lt 2000 ]; do echo "0123456789012345678901234567890123456789"; i=$((i+1)); done`,
  deaf: `echo '{"Username":"deaf","Secret":"deaf-pw"}'`,
};

async function setup(t: TestContext, config: unknown, timeoutMs = 10_000) {
  const root = await tempDir(t);
  const bin = path.join(root, "bin");
  for (const [suffix, body] of Object.entries(helpers)) await writeHelper(bin, suffix, body);
  const log = path.join(root, "helper.log");
  const authFile = await writeJson(root, "auth.json", config);
  const store: CredentialStore = await loadCredentialStore({
    env: { PATH: `${bin}:${systemPath}`, HELPER_LOG: log },
    homeDir: "",
    authFile,
    helperTimeoutMs: timeoutMs,
    helperMaxOutputBytes: 16 * 1024,
  });
  const calls = async (): Promise<string[]> =>
    (await readFile(log, "utf8").catch(() => "")).split("\n").filter((l) => l !== "");
  return { store, calls, bin, log };
}

describe("credential helpers as real processes", () => {
  it("finds the helper through the env's PATH and reads its answer", async (t) => {
    const { store, calls } = await setup(t, {
      credHelpers: { "quay.io": "good", "docker.io": "good" },
    });
    assert.deepEqual(plain(await store.lookup("quay.io", "org/app")), basic("robot", CANARY));
    assert.deepEqual(plain(await store.lookup("registry-1.docker.io", "library/nginx")), {
      kind: "identityToken",
      identityToken: "hub-token",
    });
    assert.deepEqual(plain(await store.lookup("quay.io", "other/app")), basic("robot", CANARY));
    assert.deepEqual(await calls(), ["get quay.io", "get https://index.docker.io/v1/"]);
    assert.ok(store.secrets().includes(CANARY) && store.secrets().includes("hub-token"));
  });

  it("takes a not-found answer as no credential and falls through to the file", async (t) => {
    const { store, calls } = await setup(t, {
      credsStore: "good",
      auths: { "ghcr.io": { auth: "dTpw" } },
    });
    assert.deepEqual(plain(await store.lookup("ghcr.io", "a/b")), basic("u", "p"));
    assert.equal(await store.lookup("gitlab.example.com", "a/b"), undefined);
    assert.deepEqual(await calls(), ["get ghcr.io", "get gitlab.example.com"]);
  });

  it("does not need the helper to read its input", async (t) => {
    const { store } = await setup(t, { credsStore: "deaf" });
    assert.deepEqual(plain(await store.lookup("quay.io")), basic("deaf", "deaf-pw"));
  });

  const failures: readonly {
    name: string;
    suffix: string;
    timeoutMs?: number;
    wantReason: CredentialsErrorReason;
    wantMessage: RegExp;
  }[] = [
    {
      name: "not on PATH",
      suffix: "absent",
      wantReason: "HELPER_MISSING",
      wantMessage: /"docker-credential-absent" for "quay\.io" was not found on PATH$/,
    },
    {
      name: "failing",
      suffix: "broken",
      wantReason: "HELPER_FAILED",
      wantMessage:
        /exited with status 1: error getting credentials - err: exit status 2, out: gpg: decryption failed$/,
    },
    {
      name: "timing out (with a grandchild holding stdout open)",
      suffix: "slow",
      timeoutMs: 300,
      wantReason: "HELPER_TIMEOUT",
      wantMessage: /did not answer within 300 ms$/,
    },
    {
      name: "printing too much",
      suffix: "chatty",
      wantReason: "HELPER_OUTPUT",
      wantMessage: /printed more than 16384 bytes$/,
    },
  ];

  for (const { name, suffix, timeoutMs, wantReason, wantMessage } of failures) {
    it(`reports a helper ${name} as a typed error`, async (t) => {
      const { store } = await setup(
        t,
        { credsStore: suffix, auths: { "x.io": { password: CANARY } } },
        timeoutMs,
      );
      const started = Date.now();
      await assert.rejects(store.lookup("quay.io", "a/b"), (error: unknown) => {
        assert.ok(error instanceof CredentialsError);
        assert.equal(error.reason, wantReason);
        assert.equal(error.helper, `docker-credential-${suffix}`);
        assert.equal(error.host, "quay.io");
        assert.match(error.message, wantMessage);
        assertNoSecret(error);
        return true;
      });
      assert.ok(Date.now() - started < 4000, "a timeout does not wait for the helper to finish");
    });
  }

  it("runHelperProcess reports a program that is not executable", async (t) => {
    const root = await tempDir(t);
    await writeJson(root, "bin/docker-credential-noexec", "#!/bin/sh\necho hi\n");
    const outcome = await runHelperProcess({
      program: "docker-credential-noexec",
      args: ["get"],
      input: "quay.io",
      env: { PATH: path.join(root, "bin") },
      timeoutMs: 5000,
      maxOutputBytes: 1024,
    });
    assert.deepEqual(outcome, { kind: "spawn-failed", errno: "EACCES" });
  });

  it("runHelperProcess never goes through a shell", async (t) => {
    const { bin, calls, log } = await setup(t, {});
    const outcome = await runHelperProcess({
      program: "docker-credential-good",
      args: ["get; echo injected"],
      input: "quay.io",
      env: { PATH: `${bin}:${systemPath}`, HELPER_LOG: log },
      timeoutMs: 5000,
      maxOutputBytes: 1024,
    });
    assert.ok(outcome.kind === "exited");
    assert.ok(!outcome.stdout.includes("injected"));
    assert.deepEqual(await calls(), ["get; echo injected quay.io"]);
  });
});
