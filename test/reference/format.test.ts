/**
 * formatReference, repositoryName, withDigest (status pull specs, SEMANTICS.md
 * H1/D10) and registryApiHost; SEMANTICS.md §12 scenarios 1 and 4.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  formatReference,
  parseNormalizedReference,
  parseReference,
  registryApiHost,
  repositoryName,
  withDefaultTag,
  withDigest,
} from "../../src/reference/index.ts";
import { assertFails, D1, RUBY_20 } from "./support.ts";

describe("formatReference prints what was parsed", () => {
  const inputs = [
    "nginx",
    "ruby:2.0",
    "localhost:5000/a/b:t",
    `quay.io/o/a:1.0@${D1}`,
    "[2001:db8::1]:5000/repo:tag",
    `docker.io/openshift/ruby-20-centos7@${RUBY_20}`,
    "Foo/bar",
  ];
  for (const input of inputs) {
    it(input, () => {
      assert.equal(formatReference(parseReference(input)), input);
    });
  }
});

describe("repositoryName", () => {
  const cases = [
    { name: "domain and path", input: "quay.io/o/a:1.0", want: "quay.io/o/a" },
    { name: "no domain", input: "nginx:1.25", want: "nginx" },
    { name: "digest dropped", input: `localhost:5000/a@${D1}`, want: "localhost:5000/a" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(repositoryName(parseReference(c.input)), c.want);
    });
  }
  it("registry-only", () => {
    assert.equal(repositoryName({ domain: "docker.io", path: "" }), "docker.io");
  });
});

describe("withDigest writes status pull specs as OpenShift does", () => {
  const cases = [
    {
      name: "H1: tag replaced by the digest",
      input: "quay.io/org/app:1.2",
      want: `quay.io/org/app@${D1}`,
    },
    { name: "D10: no docker.io expansion", input: "nginx:1.25", want: `nginx@${D1}` },
    { name: "no tag", input: "quay.io/o/a", want: `quay.io/o/a@${D1}` },
    {
      name: "scenario 4: tag and digest pin to the digest",
      input: `quay.io/o/a:1.0@${RUBY_20}`,
      want: `quay.io/o/a@${D1}`,
    },
    {
      name: "port kept",
      input: "my.repo.com:5000/myimage:mytag",
      want: `my.repo.com:5000/myimage@${D1}`,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(formatReference(withDigest(parseReference(c.input), D1)), c.want);
    });
  }
  it("seed: docker.io/openshift/ruby-20-centos7:latest imported as the seed's status item", () => {
    const ref = withDigest(parseReference("docker.io/openshift/ruby-20-centos7:latest"), RUBY_20);
    assert.equal(formatReference(ref), `docker.io/openshift/ruby-20-centos7@${RUBY_20}`);
  });
  it("rejects a short digest", () => {
    assertFails(() => withDigest(parseReference("nginx"), "sha256:abc"), {
      wantReason: "DIGEST_LENGTH",
      wantIndex: 7,
    });
  });
});

describe("registryApiHost", () => {
  const cases = [
    { name: "docker.io", input: "docker.io", want: "registry-1.docker.io" },
    { name: "index.docker.io", input: "index.docker.io", want: "registry-1.docker.io" },
    { name: "quay.io unchanged", input: "quay.io", want: "quay.io" },
    { name: "port unchanged", input: "localhost:5000", want: "localhost:5000" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(registryApiHost(c.input), c.want);
    });
  }
});

describe("scenario 1: nginx", () => {
  it("is docker.io/library/nginx:latest, fetched from registry-1.docker.io", () => {
    const ref = withDefaultTag(parseNormalizedReference("nginx"));
    assert.equal(formatReference(ref), "docker.io/library/nginx:latest");
    assert.equal(registryApiHost(ref.domain ?? ""), "registry-1.docker.io");
    assert.equal(ref.path, "library/nginx");
    assert.equal(ref.tag, "latest");
  });
});
