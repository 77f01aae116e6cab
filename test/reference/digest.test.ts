/**
 * parseDigest = opencontainers/go-digest `Parse` with sha256, sha384 and
 * sha512 registered; the digests are the seeds' image and layer names.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDigest, type ParsedDigest } from "../../src/reference/index.ts";
import { assertFails, type FailCase } from "./support.ts";

const valid: readonly { name: string; input: string; want: ParsedDigest }[] = [
  ...[
    "3a335d7d8a452970c5b4054ad7118ff134b3a6b50a2bb6d0c07c746e8986b28e",
    "772c5bf9b2d1e8e80742ed75aab05820419dc4532fa6d7ad8a1efddda5493dc3",
    "a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4",
    "ee1dd2cb6df21971f4af6de0f1d7782b81fb63156801cfde2bb47b4247c23c29",
    "ca062656bff07f18bff46be00f40cfbb069687ec124ac0aa038fd676cfaea092",
    "63d529c59c92843c395befd065de516ee9ed4995549f8218eac6ff088bfa6b6e",
  ].map((hex) => ({
    name: `seed sha256:${hex.slice(0, 7)}`,
    input: `sha256:${hex}`,
    want: { algorithm: "sha256", encoded: hex } as const,
  })),
  {
    name: "sha384",
    input: `sha384:${"0".repeat(96)}`,
    want: { algorithm: "sha384", encoded: "0".repeat(96) },
  },
  {
    name: "sha512",
    input: `sha512:${"f".repeat(128)}`,
    want: { algorithm: "sha512", encoded: "f".repeat(128) },
  },
];

const invalid: readonly FailCase[] = [
  { name: "empty", input: "", wantReason: "DIGEST_INVALID", wantIndex: 0 },
  { name: "no colon", input: "sha256", wantReason: "DIGEST_INVALID", wantIndex: 0 },
  { name: "no hex", input: "sha256:", wantReason: "DIGEST_INVALID", wantIndex: 0 },
  { name: "no algorithm", input: `:${"a".repeat(64)}`, wantReason: "DIGEST_INVALID", wantIndex: 0 },
  {
    name: "seed bare image ID",
    input: "d9c3abc5456a9461954ff0de8ae25e0e016aad35700594714d42b687564b1f51",
    wantReason: "DIGEST_INVALID",
    wantIndex: 0,
  },
  {
    name: "bad algorithm grammar",
    input: `sha-:${"a".repeat(64)}`,
    wantReason: "DIGEST_INVALID",
    wantIndex: 0,
  },
  {
    name: "non-hex",
    input: `sha256:${"a".repeat(63)}g`,
    wantReason: "DIGEST_INVALID",
    wantIndex: 70,
  },
  {
    name: "upper-case hex",
    input: `sha256:${"a".repeat(10)}B${"a".repeat(53)}`,
    wantReason: "DIGEST_INVALID",
    wantIndex: 17,
  },
  {
    name: "63 hex digits",
    input: `sha256:${"a".repeat(63)}`,
    wantReason: "DIGEST_LENGTH",
    wantIndex: 7,
  },
  {
    name: "65 hex digits",
    input: `sha256:${"a".repeat(65)}`,
    wantReason: "DIGEST_LENGTH",
    wantIndex: 7,
  },
  {
    name: "sha512 length for sha256",
    input: `sha256:${"a".repeat(128)}`,
    wantReason: "DIGEST_LENGTH",
    wantIndex: 7,
  },
  { name: "md5", input: `md5:${"a".repeat(32)}`, wantReason: "DIGEST_ALGORITHM", wantIndex: 0 },
  {
    name: "algorithms are case-sensitive",
    input: `SHA256:${"a".repeat(64)}`,
    wantReason: "DIGEST_ALGORITHM",
    wantIndex: 0,
  },
  {
    name: "composite algorithm",
    input: `sha256+b64u:${"a".repeat(64)}`,
    wantReason: "DIGEST_ALGORITHM",
    wantIndex: 0,
  },
];

describe("parseDigest accepts", () => {
  for (const c of valid) {
    it(c.name, () => {
      assert.deepEqual(parseDigest(c.input), c.want);
    });
  }
});

describe("parseDigest rejects", () => {
  for (const c of invalid) {
    it(c.name, () => {
      assertFails(() => parseDigest(c.input), c);
    });
  }
});
