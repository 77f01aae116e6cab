/** proxyFor: Go's httpproxy rules for HTTP_PROXY, HTTPS_PROXY and NO_PROXY. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { proxyFor } from "../../src/registry/proxy-for.ts";

const settings = { httpProxy: "http://p80:3128", httpsProxy: "http://p443:3128" };

function via(url: string, noProxy?: string): string | undefined {
  return proxyFor(new URL(url), { ...settings, ...(noProxy === undefined ? {} : { noProxy }) })
    ?.host;
}

describe("proxyFor", () => {
  it("uses HTTPS_PROXY for https and HTTP_PROXY for http, never one for the other", () => {
    assert.equal(via("https://quay.io/v2/"), "p443:3128");
    assert.equal(via("http://quay.io/v2/"), "p80:3128");
    assert.equal(
      proxyFor(new URL("https://quay.io/"), { httpProxy: "http://p80:3128" }),
      undefined,
    );
    assert.equal(
      proxyFor(new URL("http://quay.io/"), { httpsProxy: "http://p443:3128" }),
      undefined,
    );
  });

  it("takes a proxy without a scheme as http://", () => {
    assert.equal(
      proxyFor(new URL("https://quay.io/"), { httpsProxy: "proxy.corp:8080" })?.toString(),
      "http://proxy.corp:8080/",
    );
  });

  it("treats an empty proxy variable as unset", () => {
    assert.equal(proxyFor(new URL("https://quay.io/"), { httpsProxy: "" }), undefined);
  });

  const table: [url: string, noProxy: string, proxied: boolean][] = [
    ["https://quay.io/", "*", false],
    ["https://quay.io/", "quay.io", false],
    ["https://cdn.quay.io/", "quay.io", false],
    ["https://notquay.io/", "quay.io", true],
    ["https://quay.io/", ".quay.io", true],
    ["https://cdn.quay.io/", ".quay.io", false],
    ["https://cdn.quay.io/", "*.quay.io", false],
    ["https://quay.io/", "*.quay.io", true],
    ["https://QUAY.IO/", " example.com , Quay.io ", false],
    ["https://quay.io/", "quay.io:443", false],
    ["https://quay.io/", "quay.io:5000", true],
    ["https://quay.io:5000/", "quay.io:5000", false],
    ["http://quay.io/", "quay.io:80", false],
    ["https://10.1.2.3:5000/", "10.1.2.3", false],
    ["https://10.1.2.3/", "10.1.2.4", true],
    ["https://10.1.2.3/", "10.0.0.0/8", false],
    ["https://11.1.2.3/", "10.0.0.0/8", true],
    ["https://[::1]:5000/", "::1", false],
    ["https://[::1]:5000/", "[::1]:5000", false],
    ["https://[fd00::5]/", "fd00::/8", false],
    ["https://127.0.0.1:5000/", "", true],
    ["https://localhost:5000/", "example.com", true],
    ["https://quay.io/", ",,", true],
    ["https://quay.io/", "10.0.0.0/99", true],
  ];
  for (const [url, noProxy, proxied] of table) {
    it(`${proxied ? "proxies" : "does not proxy"} ${url} with NO_PROXY=${JSON.stringify(noProxy)}`, () => {
      assert.equal(via(url, noProxy) !== undefined, proxied);
    });
  }
});
