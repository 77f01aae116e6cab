/**
 * CredentialStore.lookup: SEMANTICS §12 scenarios 44–46 as they apply to
 * choosing a credential, Docker's precedence (credHelpers, credsStore, file
 * entries), per-repository keys, configCredentials, helper caching, and
 * secrets() for masking. Helpers are scripted through the injected runner.
 */
import assert from "node:assert/strict";
import { describe, it, mock, type TestContext } from "node:test";
import {
  CredentialsError,
  loadCredentialStore,
  type CredentialInput,
  type CredentialStore,
  type HelperOutcome,
  type HelperRequest,
  type HelperRunner,
} from "../../../src/registry/credentials/index.ts";
import {
  assertNoSecret,
  b64,
  basic,
  CANARY,
  plain,
  tempDir,
  writeJson,
  type PlainCredential,
} from "./support.ts";

/** A helper answer, as `docker-credential-*` prints it. */
function answer(username: string, secret: string): HelperOutcome {
  const stdout = JSON.stringify({ ServerURL: "x", Username: username, Secret: secret });
  return { kind: "exited", exitCode: 0, stdout, stderr: "" };
}

const notFound: HelperOutcome = {
  kind: "exited",
  exitCode: 1,
  stdout: "credentials not found in native keychain\n",
  stderr: "",
};

/** A runner answering from `script`, keyed `"<program> <stdin>"`; anything else is not found. */
function scriptedRunner(script: Readonly<Record<string, HelperOutcome>>) {
  return mock.fn<HelperRunner>((request: HelperRequest) =>
    Promise.resolve(script[`${request.program} ${request.input}`] ?? notFound),
  );
}

async function storeWith(
  t: TestContext,
  config: unknown,
  extra: {
    runHelper?: HelperRunner;
    configCredentials?: Readonly<Record<string, CredentialInput>>;
  } = {},
): Promise<CredentialStore> {
  const dir = await tempDir(t);
  const authFile = await writeJson(dir, "auth.json", config);
  return loadCredentialStore({ env: {}, homeDir: "", authFile, ...extra });
}

interface LookupCase {
  readonly name: string;
  readonly config: unknown;
  readonly script?: Readonly<Record<string, HelperOutcome>>;
  readonly lookups: readonly (readonly [string, string | undefined, PlainCredential | undefined])[];
}

const u1 = basic("u1", "p1");
const u2 = basic("u2", "p2");
const u3 = basic("u3", "p3");
const hubAuth = { "https://index.docker.io/v1/": { auth: "dTpw" } };
const quayTwoKeys = { "quay.io/org": { auth: b64("u1:p1") }, "quay.io": { auth: b64("u2:p2") } };

const lookupCases: readonly LookupCase[] = [
  {
    name: "scenario 44: https://index.docker.io/v1/ serves nginx under every Docker Hub name",
    config: { auths: hubAuth },
    lookups: [
      ["docker.io", "library/nginx", basic("u", "p")],
      ["docker.io", "nginx", basic("u", "p")],
      ["registry-1.docker.io", "library/nginx", basic("u", "p")],
      ["index.docker.io", "library/nginx", basic("u", "p")],
      ["https://index.docker.io/v1/", undefined, basic("u", "p")],
      ["quay.io", "library/nginx", undefined],
    ],
  },
  {
    name: "scenario 44: a lone registry-1.docker.io key serves Docker Hub (oc/containers)",
    config: { auths: { "registry-1.docker.io": { auth: "dTpw" } } },
    lookups: [
      ["docker.io", "library/nginx", basic("u", "p")],
      ["registry-1.docker.io", "library/nginx", basic("u", "p")],
    ],
  },
  {
    name: "Docker Hub keys docker.io and index.docker.io",
    config: { auths: { "docker.io": { auth: "dTpw" }, "index.docker.io": { auth: b64("x:y") } } },
    lookups: [["registry-1.docker.io", "org/app", basic("u", "p")]],
  },
  {
    name: "a per-repository Docker Hub key needs library/ for official images",
    config: { auths: { "docker.io/library/nginx": { auth: "dTpw" } } },
    lookups: [
      ["docker.io", "nginx", basic("u", "p")],
      ["docker.io", "library/redis", undefined],
    ],
  },
  {
    name: "scenario 45: quay.io/org is more specific than quay.io",
    config: { auths: quayTwoKeys },
    lookups: [
      ["quay.io", "org/app", u1],
      ["quay.io", "org", u1],
      ["quay.io", "other/app", u2],
      ["quay.io", "organization/x", u2],
      ["quay.io", undefined, u2],
    ],
  },
  {
    name: "most specific wins whatever the file order",
    config: {
      auths: {
        "quay.io": { auth: b64("u2:p2") },
        "quay.io/org/team/app": { auth: b64("u3:p3") },
        "quay.io/org": { auth: b64("u1:p1") },
      },
    },
    lookups: [
      ["quay.io", "org/team/app", u3],
      ["quay.io", "org/team/other", u1],
      ["quay.io", "org/team/app2", u1],
    ],
  },
  {
    name: "scenario 45: credHelpers[quay.io] serves both repositories",
    config: { auths: quayTwoKeys, credHelpers: { "quay.io": "x" } },
    script: { "docker-credential-x quay.io": answer("u3", "p3") },
    lookups: [
      ["quay.io", "org/app", u3],
      ["quay.io", "other/app", u3],
      ["ghcr.io", "a/b", undefined],
    ],
  },
  {
    name: "a helper with nothing stored lets the file entries answer (our choice)",
    config: { auths: quayTwoKeys, credHelpers: { "quay.io": "x" } },
    lookups: [
      ["quay.io", "org/app", u1],
      ["quay.io", "other/app", u2],
    ],
  },
  {
    name: "credHelpers wins over credsStore",
    config: { credHelpers: { "quay.io": "x" }, credsStore: "store" },
    script: {
      "docker-credential-x quay.io": answer("u1", "p1"),
      "docker-credential-store quay.io": answer("u2", "p2"),
      "docker-credential-store ghcr.io": answer("u3", "p3"),
    },
    lookups: [
      ["quay.io", "a/b", u1],
      ["ghcr.io", "a/b", u3],
    ],
  },
  {
    name: "credsStore wins over the file entries, which answer when it has nothing",
    config: {
      auths: { "quay.io": { auth: b64("u2:p2") }, "ghcr.io": { auth: "dTpw" } },
      credsStore: "store",
    },
    script: { "docker-credential-store quay.io": answer("u1", "p1") },
    lookups: [
      ["quay.io", "a/b", u1],
      ["ghcr.io", "a/b", basic("u", "p")],
    ],
  },
  {
    name: "credHelpers keyed by any Docker Hub name; helpers are asked with Docker's URL",
    config: { credHelpers: { "docker.io": "hub" } },
    script: { "docker-credential-hub https://index.docker.io/v1/": answer("u1", "p1") },
    lookups: [
      ["registry-1.docker.io", "library/nginx", u1],
      ["index.docker.io", undefined, u1],
    ],
  },
  {
    name: "a helper's <token> username means an identity token",
    config: { credHelpers: { "quay.io": "x" } },
    script: { "docker-credential-x quay.io": answer("<token>", "refresh-1") },
    lookups: [["quay.io", "a/b", { kind: "identityToken", identityToken: "refresh-1" }]],
  },
  {
    name: "a helper's empty secret is anonymous",
    config: { credHelpers: { "quay.io": "x" } },
    script: { "docker-credential-x quay.io": answer("", "") },
    lookups: [["quay.io", "a/b", undefined]],
  },
  {
    name: "scenario 46: basic u:p for reg.example.com, identity token for another host",
    config: {
      auths: {
        "reg.example.com": { auth: b64("u:p") },
        "tok.example.com": { auth: b64("u:"), identitytoken: "refresh-2" },
      },
    },
    lookups: [
      ["reg.example.com", "o/a", basic("u", "p")],
      [
        "tok.example.com",
        "o/a",
        { kind: "identityToken", username: "u", identityToken: "refresh-2" },
      ],
    ],
  },
  {
    name: "ports are kept: quay.io:443 is not quay.io",
    config: {
      auths: { "localhost:5000": { auth: "dTpw" }, "quay.io:443": { auth: b64("u1:p1") } },
    },
    lookups: [
      ["localhost:5000", "a", basic("u", "p")],
      ["localhost", "a", undefined],
      ["localhost:5001", "a", undefined],
      ["quay.io", "a", undefined],
      ["quay.io:443", "a", u1],
    ],
  },
  {
    name: "scheme and path of a URL key are dropped; hosts compare case-insensitively",
    config: { auths: { "https://Quay.io/v2/": { auth: b64("u1:p1") } } },
    lookups: [
      ["quay.io", "v2/x", u1],
      ["QUAY.IO", "a/b", u1],
    ],
  },
  {
    name: "an empty entry does not hide a less specific one",
    config: { auths: { "quay.io/org": {}, "quay.io": { auth: b64("u2:p2") } } },
    lookups: [["quay.io", "org/app", u2]],
  },
];

describe("CredentialStore.lookup", () => {
  for (const { name, config, script = {}, lookups } of lookupCases) {
    it(name, async (t) => {
      const store = await storeWith(t, config, { runHelper: scriptedRunner(script) });
      for (const [host, repository, want] of lookups) {
        assert.deepEqual(
          plain(await store.lookup(host, repository)),
          want,
          `${host} ${repository ?? ""}`,
        );
      }
    });
  }

  it("configCredentials take precedence over files and helpers", async (t) => {
    const runHelper = scriptedRunner({ "docker-credential-x quay.io": answer("u3", "p3") });
    const store = await storeWith(
      t,
      { auths: quayTwoKeys, credHelpers: { "quay.io": "x" } },
      {
        runHelper,
        configCredentials: {
          "quay.io/org": { username: "cfg", password: "cfg-p" },
          "https://index.docker.io/v1/": { identityToken: "cfg-tok" },
        },
      },
    );
    assert.deepEqual(plain(await store.lookup("quay.io", "org/app")), basic("cfg", "cfg-p"));
    assert.deepEqual(plain(await store.lookup("quay.io", "other/app")), u3);
    assert.deepEqual(plain(await store.lookup("docker.io", "nginx")), {
      kind: "identityToken",
      identityToken: "cfg-tok",
    });
    assert.ok(store.secrets().includes("cfg-p"));
    assert.ok(store.secrets().includes("cfg-tok"));
  });

  it("works with no file at all", async () => {
    const store = await loadCredentialStore({ env: {}, homeDir: "" });
    assert.equal(store.file, undefined);
    assert.equal(await store.lookup("quay.io", "a/b"), undefined);
    assert.deepEqual(store.secrets(), []);
  });
});

describe("credential helper calls", () => {
  it("runs docker-credential-<suffix> get with the server URL on stdin, the env and limits", async (t) => {
    const runHelper = scriptedRunner({ "docker-credential-x quay.io": answer("u1", "p1") });
    const dir = await tempDir(t);
    const authFile = await writeJson(dir, "auth.json", { credHelpers: { "quay.io": "x" } });
    const env = { PATH: "/opt/helpers", HOME: "/home/u", UNSET: undefined };
    const store = await loadCredentialStore({
      env,
      homeDir: "",
      authFile,
      runHelper,
      helperTimeoutMs: 1234,
      helperMaxOutputBytes: 5678,
    });
    await store.lookup("quay.io", "a/b");
    assert.deepEqual(runHelper.mock.calls[0]?.arguments[0], {
      program: "docker-credential-x",
      args: ["get"],
      input: "quay.io",
      env: { PATH: "/opt/helpers", HOME: "/home/u" },
      timeoutMs: 1234,
      maxOutputBytes: 5678,
    });
  });

  it("asks a helper once per host, concurrent lookups included, and remembers not found", async (t) => {
    const runHelper = scriptedRunner({ "docker-credential-x quay.io": answer("u1", CANARY) });
    const store = await storeWith(t, { credsStore: "x" }, { runHelper });
    const results = await Promise.all([
      store.lookup("quay.io", "a/b"),
      store.lookup("quay.io", "c/d"),
      store.lookup("QUAY.io"),
    ]);
    assert.deepEqual(results.map(plain), [
      basic("u1", CANARY),
      basic("u1", CANARY),
      basic("u1", CANARY),
    ]);
    await store.lookup("ghcr.io", "a/b");
    await store.lookup("ghcr.io", "c/d");
    assert.deepEqual(
      runHelper.mock.calls.map((c) => c.arguments[0].input),
      ["quay.io", "ghcr.io"],
    );
  });

  it("does not ask the same helper twice when credHelpers and credsStore name it", async (t) => {
    const runHelper = scriptedRunner({});
    const store = await storeWith(
      t,
      { credHelpers: { "quay.io": "x" }, credsStore: "x" },
      { runHelper },
    );
    assert.equal(await store.lookup("quay.io", "a/b"), undefined);
    assert.equal(runHelper.mock.callCount(), 1);
  });

  it("adds helper secrets to secrets() once fetched", async (t) => {
    const runHelper = scriptedRunner({ "docker-credential-x quay.io": answer("<token>", CANARY) });
    const store = await storeWith(
      t,
      { credsStore: "x", auths: { "a.io": { auth: "dTpw" } } },
      { runHelper },
    );
    assert.ok(!store.secrets().includes(CANARY));
    assert.ok(store.secrets().includes("p"));
    await store.lookup("quay.io");
    assert.ok(store.secrets().includes(CANARY));
  });

  const failures: readonly {
    name: string;
    outcome: HelperOutcome;
    wantReason: string;
    wantMessage: RegExp;
  }[] = [
    {
      name: "missing",
      outcome: { kind: "missing" },
      wantReason: "HELPER_MISSING",
      wantMessage: /was not found on PATH/,
    },
    {
      name: "not executable",
      outcome: { kind: "spawn-failed", errno: "EACCES" },
      wantReason: "HELPER_MISSING",
      wantMessage: /could not be started \(EACCES\)/,
    },
    {
      name: "timeout",
      outcome: { kind: "timeout" },
      wantReason: "HELPER_TIMEOUT",
      wantMessage: /did not answer within 30000 ms/,
    },
    {
      name: "too much output",
      outcome: { kind: "too-large" },
      wantReason: "HELPER_OUTPUT",
      wantMessage: /printed more than 1048576 bytes/,
    },
    {
      name: "killed",
      outcome: { kind: "signaled", signal: "SIGSEGV" },
      wantReason: "HELPER_FAILED",
      wantMessage: /was killed by SIGSEGV/,
    },
    {
      name: "exit 1 with a message",
      outcome: {
        kind: "exited",
        exitCode: 1,
        stdout: "gpg: decryption failed\nmore\n",
        stderr: "",
      },
      wantReason: "HELPER_FAILED",
      wantMessage: /exited with status 1: gpg: decryption failed$/,
    },
    {
      name: "exit 2 with the message on stderr",
      outcome: { kind: "exited", exitCode: 2, stdout: "", stderr: "no keychain\n" },
      wantReason: "HELPER_FAILED",
      wantMessage: /exited with status 2: no keychain$/,
    },
    {
      name: "exit 1 echoing a known secret",
      outcome: { kind: "exited", exitCode: 1, stdout: `bad password ${CANARY}`, stderr: "" },
      wantReason: "HELPER_FAILED",
      wantMessage: /exited with status 1: bad password <redacted>$/,
    },
    {
      name: "exit 0 with truncated JSON holding the secret",
      outcome: {
        kind: "exited",
        exitCode: 0,
        stdout: `{"Username":"u","Secret":"${CANARY}`,
        stderr: "",
      },
      wantReason: "HELPER_OUTPUT",
      wantMessage: /printed something that is not JSON$/,
    },
    {
      name: "exit 0 with a JSON array",
      outcome: { kind: "exited", exitCode: 0, stdout: `["${CANARY}"]`, stderr: "" },
      wantReason: "HELPER_OUTPUT",
      wantMessage: /printed JSON that is not an object$/,
    },
    {
      name: "exit 0 with a numeric secret",
      outcome: {
        kind: "exited",
        exitCode: 0,
        stdout: `{"Username":"u","Secret":12345}`,
        stderr: "",
      },
      wantReason: "HELPER_OUTPUT",
      wantMessage: /"Secret" that is not a string/,
    },
  ];

  for (const { name, outcome, wantReason, wantMessage } of failures) {
    it(`a helper failure is a typed error: ${name}`, async (t) => {
      const runHelper = mock.fn<HelperRunner>(() => Promise.resolve(outcome));
      const store = await storeWith(
        t,
        { credHelpers: { "quay.io": "x" }, auths: { "other.io": { auth: b64(`u:${CANARY}`) } } },
        { runHelper },
      );
      for (let attempt = 1; attempt <= 2; attempt++) {
        await assert.rejects(store.lookup("quay.io", "a/b"), (error: unknown) => {
          assert.ok(error instanceof CredentialsError);
          assert.equal(error.code, "CREDENTIALS");
          assert.equal(error.reason, wantReason);
          assert.equal(error.helper, "docker-credential-x");
          assert.equal(error.host, "quay.io");
          assert.ok(
            error.message.startsWith('credential helper "docker-credential-x" for "quay.io" '),
          );
          assert.match(error.message, wantMessage);
          assertNoSecret(error);
          return true;
        });
      }
      assert.equal(runHelper.mock.callCount(), 2, "failures are not cached");
    });
  }

  it("stops waiting when the lookup is aborted", async (t) => {
    let release: (outcome: HelperOutcome) => void = () => undefined;
    const runHelper = mock.fn<HelperRunner>(
      () => new Promise<HelperOutcome>((resolve) => (release = resolve)),
    );
    const store = await storeWith(t, { credsStore: "x" }, { runHelper });
    const controller = new AbortController();
    const pending = store.lookup("quay.io", "a/b", { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, { code: "CREDENTIALS", reason: "ABORTED" });
    await assert.rejects(store.lookup("quay.io", "a/b", { signal: AbortSignal.abort() }), {
      reason: "ABORTED",
    });
    release(answer("u1", "p1"));
    assert.deepEqual(plain(await store.lookup("quay.io", "a/b")), u1);
    assert.equal(runHelper.mock.callCount(), 1);
  });
});
