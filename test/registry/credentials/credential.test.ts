/**
 * Credentials never show their secret: JSON, util.inspect, String(),
 * template literals and object spread print the username and <redacted>.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { format, inspect } from "node:util";
import {
  BasicCredential,
  credentialFrom,
  IdentityTokenCredential,
  REDACTED,
  type Credential,
} from "../../../src/registry/credentials/index.ts";
import { assertNoSecret, CANARY, plain } from "./support.ts";

const cases: readonly { name: string; credential: Credential; json: unknown }[] = [
  {
    name: "basic",
    credential: new BasicCredential("alice", CANARY),
    json: { kind: "basic", username: "alice", password: REDACTED },
  },
  {
    name: "identity token with username",
    credential: new IdentityTokenCredential(CANARY, "alice"),
    json: { kind: "identityToken", username: "alice", identityToken: REDACTED },
  },
  {
    name: "identity token alone",
    credential: new IdentityTokenCredential(CANARY),
    json: { kind: "identityToken", identityToken: REDACTED },
  },
];

describe("Credential redaction", () => {
  for (const { name, credential, json } of cases) {
    it(`${name}: JSON shows the username and ${REDACTED}`, () => {
      assert.deepEqual(JSON.parse(JSON.stringify(credential)), json);
    });

    it(`${name}: no view reveals the secret`, () => {
      assertNoSecret(credential);
      assertNoSecret({ nested: [credential] });
      assertNoSecret(Object.fromEntries(Object.entries(credential)));
      assert.ok(
        !`${String(credential)} ${format("%o %j %s", credential, credential, credential)}`.includes(
          CANARY,
        ),
      );
      assert.ok(inspect(credential).includes(REDACTED));
      assert.deepEqual(Object.keys(credential).includes("password"), false);
    });

    it(`${name}: the secret is still readable where it is sent`, () => {
      const secret = credential.kind === "basic" ? credential.password : credential.identityToken;
      assert.equal(secret, CANARY);
    });
  }

  it("credentialFrom wraps plain input in the matching class", () => {
    assert.deepEqual(plain(credentialFrom({ username: "u", password: "p" })), {
      kind: "basic",
      username: "u",
      password: "p",
    });
    assert.deepEqual(plain(credentialFrom({ identityToken: "t", username: "u" })), {
      kind: "identityToken",
      username: "u",
      identityToken: "t",
    });
    assert.ok(credentialFrom({ identityToken: "t" }) instanceof IdentityTokenCredential);
  });
});
