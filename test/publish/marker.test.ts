/**
 * The PR marker and the commit trailer: round trips through what forges do
 * to bodies (CRLF, whitespace rewrites), and git's trailer rules.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  parseFingerprintTrailer,
  parseMarker,
  renderFingerprintTrailer,
  renderMarker,
} from "../../src/publish/marker.ts";

const fp = "0123456789abcdef0123456789abcdef01234567";

describe("renderMarker and parseMarker", () => {
  it("renders the hidden comment", () => {
    assert.equal(renderMarker(fp), `<!-- imagestream-gitops: fingerprint=${fp} -->`);
  });

  it("refuses a fingerprint that is not hex", () => {
    assert.throws(() => renderMarker("abc -->"), { code: "INTERNAL" });
  });

  const cases: readonly { name: string; body: string; want: string | undefined }[] = [
    { name: "as rendered", body: `Summary\n\n${renderMarker(fp)}\n`, want: fp },
    { name: "CRLF from a forge", body: `Summary\r\n\r\n${renderMarker(fp)}\r\n`, want: fp },
    {
      name: "whitespace rewritten and case changed",
      body: `Summary\r\n<!--\r\n  imagestream-gitops :\u00a0fingerprint = ${fp.toUpperCase()}\t-->`,
      want: fp,
    },
    {
      name: "a quoted older marker above the last",
      body: `> ${renderMarker("aa")}\n\n${renderMarker(fp)}`,
      want: fp,
    },
    { name: "no marker", body: "Summary only", want: undefined },
    { name: "not hex", body: "<!-- imagestream-gitops: fingerprint=xyz -->", want: undefined },
    {
      name: "another tool's marker",
      body: `<!-- renovate: fingerprint=${fp} -->`,
      want: undefined,
    },
  ];
  for (const { name, body, want } of cases) {
    it(name, () => {
      assert.equal(parseMarker(body), want);
    });
  }
});

describe("parseFingerprintTrailer", () => {
  const trailer = renderFingerprintTrailer(fp);
  const cases: readonly { name: string; message: string; want: string | undefined }[] = [
    { name: "last paragraph", message: `Update x\n\nbody\n\n${trailer}\n`, want: fp },
    {
      name: "among other trailers",
      message: `Update x\n\nbody\n\nSigned-off-by: A <a@b>\n${trailer}\n`,
      want: fp,
    },
    {
      name: "CRLF and trailing blank lines",
      message: `Update x\r\n\r\n${trailer}\r\n\r\n`,
      want: fp,
    },
    {
      name: "key in another case",
      message: `Update x\n\nimagestream-gitops-fingerprint: ${fp}`,
      want: fp,
    },
    {
      name: "not in the last paragraph",
      message: `Update x\n\n${trailer}\n\nmore prose`,
      want: undefined,
    },
    {
      name: "last paragraph is not all trailers",
      message: `Update x\n\nprose\n${trailer}`,
      want: undefined,
    },
    { name: "subject only", message: trailer, want: undefined },
    {
      name: "continuation lines are allowed",
      message: `Update x\n\nNote: a\n  b\n${trailer}`,
      want: fp,
    },
    {
      name: "value not hex",
      message: `Update x\n\nImagestream-Gitops-Fingerprint: zz`,
      want: undefined,
    },
  ];
  for (const { name, message, want } of cases) {
    it(name, () => {
      assert.equal(parseFingerprintTrailer(message), want);
    });
  }
});
