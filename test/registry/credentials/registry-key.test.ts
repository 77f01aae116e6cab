/**
 * Key and host normalisation (SEMANTICS §9.2(b)/(c), §8.3): scheme and,
 * with a scheme, path stripped; port kept; Docker Hub's names folded.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  helperServerUrl,
  lookupKey,
  parseRegistryKey,
  type RegistryKey,
} from "../../../src/registry/credentials/registry-key.ts";

const keyCases: readonly { input: string; want: RegistryKey }[] = [
  { input: "quay.io", want: { host: "quay.io", path: "" } },
  { input: "quay.io/org", want: { host: "quay.io", path: "org" } },
  { input: "quay.io/org/app/", want: { host: "quay.io", path: "org/app" } },
  { input: "https://quay.io", want: { host: "quay.io", path: "" } },
  { input: "https://quay.io/org", want: { host: "quay.io", path: "" } },
  { input: "HTTP://Quay.IO/v2/", want: { host: "quay.io", path: "" } },
  { input: "localhost:5000", want: { host: "localhost:5000", path: "" } },
  { input: "http://localhost:5000/v2/", want: { host: "localhost:5000", path: "" } },
  { input: "quay.io:443", want: { host: "quay.io:443", path: "" } },
  { input: "https://index.docker.io/v1/", want: { host: "docker.io", path: "" } },
  { input: "index.docker.io", want: { host: "docker.io", path: "" } },
  { input: "registry-1.docker.io", want: { host: "docker.io", path: "" } },
  { input: "docker.io", want: { host: "docker.io", path: "" } },
  { input: "docker.io/library/nginx", want: { host: "docker.io", path: "library/nginx" } },
  { input: "[::1]:5000", want: { host: "[::1]:5000", path: "" } },
  { input: "  quay.io  ", want: { host: "quay.io", path: "" } },
];

describe("parseRegistryKey", () => {
  for (const { input, want } of keyCases) {
    it(JSON.stringify(input), () => {
      assert.deepEqual(parseRegistryKey(input), want);
    });
  }
});

describe("lookupKey", () => {
  const cases: readonly { host: string; repository?: string; want: RegistryKey }[] = [
    { host: "quay.io", repository: "org/app", want: { host: "quay.io", path: "org/app" } },
    { host: "quay.io", want: { host: "quay.io", path: "" } },
    { host: "docker.io", repository: "nginx", want: { host: "docker.io", path: "library/nginx" } },
    {
      host: "registry-1.docker.io",
      repository: "library/nginx",
      want: { host: "docker.io", path: "library/nginx" },
    },
    { host: "quay.io", repository: "/org/app/", want: { host: "quay.io", path: "org/app" } },
    { host: "quay.io", repository: "app", want: { host: "quay.io", path: "app" } },
  ];
  for (const { host, repository, want } of cases) {
    it(`${host} ${repository ?? "(no repository)"}`, () => {
      assert.deepEqual(lookupKey(host, repository), want);
    });
  }
});

describe("helperServerUrl", () => {
  it("asks helpers about Docker Hub by Docker's server URL, others by host", () => {
    assert.equal(helperServerUrl("docker.io"), "https://index.docker.io/v1/");
    assert.equal(helperServerUrl("quay.io"), "quay.io");
    assert.equal(helperServerUrl("localhost:5000"), "localhost:5000");
  });
});
