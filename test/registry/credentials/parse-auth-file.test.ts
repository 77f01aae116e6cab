/**
 * parseAuthFile: SEMANTICS §9.1 C1–C3 (auth, username/password,
 * identitytoken, credHelpers, credsStore; legacy .dockercfg) and the typed
 * errors for broken files, which name the file and key but never a secret.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CredentialsError,
  type CredentialsErrorReason,
} from "../../../src/registry/credentials/index.ts";
import { parseAuthFile } from "../../../src/registry/credentials/parse-auth-file.ts";
import {
  assertNoSecret,
  b64,
  b64Unpadded,
  basic,
  CANARY,
  plain,
  type PlainCredential,
} from "./support.ts";

const FILE = "/home/u/.docker/config.json";

/** The credential one `auths` entry yields. */
function entryCredential(entry: unknown): PlainCredential | undefined {
  const text = JSON.stringify({ auths: { "quay.io": entry } });
  return plain(parseAuthFile(text, FILE, "config").entries[0]?.credential);
}

const entryCases: readonly { name: string; entry: unknown; want: PlainCredential | undefined }[] = [
  { name: "scenario 44: dTpw is u:p", entry: { auth: "dTpw" }, want: basic("u", "p") },
  { name: "padded base64", entry: { auth: b64("u:pw") }, want: basic("u", "pw") },
  { name: "unpadded base64", entry: { auth: b64Unpadded("u:pw") }, want: basic("u", "pw") },
  {
    name: "unpadded, one byte short of a block",
    entry: { auth: b64Unpadded("user:pass1") },
    want: basic("user", "pass1"),
  },
  {
    name: "password holds ':' (split at the first)",
    entry: { auth: b64("u:p:w::x") },
    want: basic("u", "p:w::x"),
  },
  { name: "empty username", entry: { auth: b64(":p") }, want: basic("", "p") },
  { name: "UTF-8 password", entry: { auth: b64("u:pässwörd✓") }, want: basic("u", "pässwörd✓") },
  {
    name: "line breaks inside auth are ignored",
    entry: { auth: `${b64("user:password").slice(0, 8)}\n${b64("user:password").slice(8)}` },
    want: basic("user", "password"),
  },
  {
    name: "auth overrides username/password",
    entry: { auth: b64("a:b"), username: "x", password: "y" },
    want: basic("a", "b"),
  },
  {
    name: "username/password fields without auth",
    entry: { username: "x", password: "y", email: "x@example.com" },
    want: basic("x", "y"),
  },
  {
    name: "empty auth falls back to the fields",
    entry: { auth: "", username: "x", password: "y" },
    want: basic("x", "y"),
  },
  {
    name: "identitytoken alone",
    entry: { identitytoken: "tok" },
    want: { kind: "identityToken", identityToken: "tok" },
  },
  {
    name: "identitytoken with auth keeps the username",
    entry: { auth: b64("u:"), identitytoken: "tok" },
    want: { kind: "identityToken", username: "u", identityToken: "tok" },
  },
  {
    name: "identitytoken wins over a password",
    entry: { auth: b64("u:p"), identitytoken: "tok" },
    want: { kind: "identityToken", username: "u", identityToken: "tok" },
  },
  { name: "empty entry (docker with credsStore)", entry: {}, want: undefined },
  { name: "username alone", entry: { username: "x" }, want: undefined },
  { name: "auth with an empty password", entry: { auth: b64("u:") }, want: undefined },
  { name: "null fields are absent", entry: { auth: null, password: null }, want: undefined },
  { name: "registrytoken is ignored", entry: { registrytoken: "rt" }, want: undefined },
];

describe("parseAuthFile entries", () => {
  for (const { name, entry, want } of entryCases) {
    it(name, () => {
      assert.deepEqual(entryCredential(entry), want);
    });
  }

  it("keeps every entry in file order with its key normalised", () => {
    const text = JSON.stringify({
      auths: {
        "https://index.docker.io/v1/": { auth: "dTpw" },
        "quay.io/org": { auth: b64("u1:p1") },
        "http://localhost:5000/v2/": { auth: b64("l:p") },
        "empty.example.com": {},
      },
    });
    const { entries } = parseAuthFile(text, FILE, "config");
    assert.deepEqual(
      entries.map((e) => [e.key, e.registry]),
      [
        ["https://index.docker.io/v1/", { host: "docker.io", path: "" }],
        ["quay.io/org", { host: "quay.io", path: "org" }],
        ["http://localhost:5000/v2/", { host: "localhost:5000", path: "" }],
      ],
    );
  });

  it("reads a legacy .dockercfg: per-host objects without auths (C2)", () => {
    const text = JSON.stringify({
      "https://index.docker.io/v1/": { auth: "dTpw", email: "u@example.com" },
      "quay.io": { username: "q", password: "qp" },
    });
    const file = parseAuthFile(text, "/home/u/.dockercfg", "legacy");
    assert.deepEqual(
      file.entries.map((e) => [e.registry.host, plain(e.credential)]),
      [
        ["docker.io", basic("u", "p")],
        ["quay.io", basic("q", "qp")],
      ],
    );
    assert.equal(file.credsStore, undefined);
    assert.equal(file.credHelpers.size, 0);
  });

  it("reads credHelpers by normalised host and credsStore", () => {
    const text = JSON.stringify({
      credHelpers: {
        "https://index.docker.io/v1/": "desktop",
        "Quay.io": "pass",
        "quay.io": "ignored-duplicate",
        "gcr.io/project": "gcloud",
        "localhost:5000": "",
      },
      credsStore: "osxkeychain",
    });
    const file = parseAuthFile(text, FILE, "config");
    assert.deepEqual(
      [...file.credHelpers],
      [
        ["docker.io", "desktop"],
        ["quay.io", "pass"],
      ],
    );
    assert.equal(file.credsStore, "osxkeychain");
    assert.equal(parseAuthFile(`{"credsStore": ""}`, FILE, "config").credsStore, undefined);
  });

  it("lists every secret it saw, usable or not", () => {
    const text = JSON.stringify({
      auths: {
        a: { auth: b64(`u:${CANARY}`) },
        b: { identitytoken: "tok-1" },
        c: { password: "lonely-password" },
      },
    });
    const { secrets } = parseAuthFile(text, FILE, "config");
    for (const secret of [CANARY, b64(`u:${CANARY}`), "tok-1", "lonely-password"]) {
      assert.ok(secrets.includes(secret), secret);
    }
  });

  it("accepts a byte order mark and unrelated top-level fields", () => {
    const text = `\uFEFF${JSON.stringify({ psFormat: "table", auths: { "quay.io": { auth: "dTpw" } } })}`;
    assert.equal(parseAuthFile(text, FILE, "config").entries.length, 1);
  });
});

const errorCases: readonly {
  name: string;
  text: string;
  format?: "config" | "legacy";
  wantReason: CredentialsErrorReason;
  wantKey?: string;
  wantMessage: RegExp;
}[] = [
  {
    name: "not JSON, secret next to the error",
    text: `{"auths": {"quay.io": {"password": "${CANARY}",}}}`,
    wantReason: "FILE_SYNTAX",
    wantMessage: /is not valid JSON at line 1, column \d+$/,
  },
  {
    name: "not JSON, parser would quote the text",
    text: `{"auths": {"quay.io": {"password": ${CANARY}}}}`,
    wantReason: "FILE_SYNTAX",
    wantMessage: /is not valid JSON/,
  },
  {
    name: "top level is an array",
    text: "[]",
    wantReason: "FILE_SHAPE",
    wantMessage: /the file must be a JSON object/,
  },
  {
    name: "auths is a string",
    text: `{"auths": "${CANARY}"}`,
    wantReason: "FILE_SHAPE",
    wantMessage: /auths must be a JSON object/,
  },
  {
    name: "entry is a string",
    text: `{"auths": {"quay.io": "${CANARY}"}}`,
    wantReason: "FILE_SHAPE",
    wantKey: "quay.io",
    wantMessage: /auths\["quay\.io"\] must be a JSON object/,
  },
  {
    name: "legacy entry is a number",
    text: `{"quay.io": 1}`,
    format: "legacy",
    wantReason: "FILE_SHAPE",
    wantKey: "quay.io",
    wantMessage: /"quay\.io" must be a JSON object/,
  },
  {
    name: "password is a number",
    text: `{"auths": {"quay.io": {"password": 12345}}}`,
    wantReason: "FILE_SHAPE",
    wantKey: "quay.io",
    wantMessage: /auths\["quay\.io"\]\.password must be a string/,
  },
  {
    name: "auth outside the base64 alphabet",
    text: JSON.stringify({ auths: { "quay.io": { auth: CANARY } } }),
    wantReason: "AUTH_ENCODING",
    wantKey: "quay.io",
    wantMessage: /auths\["quay\.io"\]\.auth is not valid base64$/,
  },
  {
    name: "auth of impossible length",
    text: JSON.stringify({ auths: { "quay.io": { auth: "dTpwd" } } }),
    wantReason: "AUTH_ENCODING",
    wantKey: "quay.io",
    wantMessage: /is not valid base64/,
  },
  {
    name: "auth with padding in the middle",
    text: JSON.stringify({ auths: { "quay.io": { auth: "dT==dTpw" } } }),
    wantReason: "AUTH_ENCODING",
    wantKey: "quay.io",
    wantMessage: /is not valid base64/,
  },
  {
    name: "URL-safe base64 is not accepted",
    text: JSON.stringify({ auths: { "quay.io": { auth: "dTp-_w" } } }),
    wantReason: "AUTH_ENCODING",
    wantKey: "quay.io",
    wantMessage: /is not valid base64/,
  },
  {
    name: "auth without a colon",
    text: JSON.stringify({ auths: { "quay.io": { auth: b64(CANARY.replace(":", "")) } } }),
    wantReason: "AUTH_ENCODING",
    wantKey: "quay.io",
    wantMessage: /must be base64 of "username:password" and has no ":"/,
  },
  {
    name: "auth that is not UTF-8",
    text: JSON.stringify({
      auths: { "quay.io": { auth: Buffer.from([0xff, 0x3a, 0x61]).toString("base64") } },
    }),
    wantReason: "AUTH_ENCODING",
    wantKey: "quay.io",
    wantMessage: /does not decode to UTF-8 text/,
  },
  {
    name: "credHelpers value is not a string",
    text: `{"credHelpers": {"quay.io": true}}`,
    wantReason: "FILE_SHAPE",
    wantKey: "quay.io",
    wantMessage: /credHelpers\["quay\.io"\] must be a string/,
  },
  {
    name: "credHelpers value is a path",
    text: `{"credHelpers": {"quay.io": "../../bin/sh"}}`,
    wantReason: "HELPER_NAME",
    wantKey: "quay.io",
    wantMessage: /is not a credential helper name/,
  },
  {
    name: "credsStore looks like an option",
    text: `{"credsStore": "-rf"}`,
    wantReason: "HELPER_NAME",
    wantMessage: /credsStore "-rf" is not a credential helper name/,
  },
];

describe("parseAuthFile errors", () => {
  for (const { name, text, format = "config", wantReason, wantKey, wantMessage } of errorCases) {
    it(name, () => {
      assert.throws(
        () => parseAuthFile(text, FILE, format),
        (error: unknown) => {
          assert.ok(error instanceof CredentialsError);
          assert.equal(error.code, "CREDENTIALS");
          assert.equal(error.reason, wantReason);
          assert.equal(error.file, FILE);
          assert.equal(error.key, wantKey);
          assert.ok(error.message.startsWith(`credentials file "${FILE}"`), error.message);
          assert.match(error.message, wantMessage);
          assert.equal(error.cause, undefined);
          assertNoSecret(error);
          assertNoSecret(error, CANARY.replace(":", ""));
          return true;
        },
      );
    });
  }
});
