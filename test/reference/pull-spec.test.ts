/**
 * parseDockerImageReference = openshift/library-go `reference.Parse`
 * (reference_test.go TestParse), its divergences from distribution
 * (SEMANTICS.md §8.5 OS-1..OS-4) and the seeds' DockerImage pull specs.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDockerImageReference, type PullSpec } from "../../src/reference/index.ts";
import { assertFails, RUBY_20, type FailCase } from "./support.ts";

const ID = "sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25";

const valid: readonly { name: string; input: string; want: PullSpec }[] = [
  // library-go reference_test.go TestParse
  { name: "OS-1 bare name, no defaults", input: "foo", want: { path: "foo", name: "foo" } },
  { name: "name and tag", input: "foo:tag", want: { path: "foo", name: "foo", tag: "tag" } },
  {
    name: "digest-looking input is name sha256 and a tag",
    input: ID,
    want: { path: "sha256", name: "sha256", tag: ID.slice(7) },
  },
  { name: "name and ID", input: `foo@${ID}`, want: { path: "foo", name: "foo", digest: ID } },
  { name: "namespace", input: "bar/foo", want: { path: "bar/foo", namespace: "bar", name: "foo" } },
  {
    name: "namespace and tag",
    input: "bar/foo:tag",
    want: { path: "bar/foo", namespace: "bar", name: "foo", tag: "tag" },
  },
  {
    name: "namespace and ID",
    input: `bar/foo@${ID}`,
    want: { path: "bar/foo", namespace: "bar", name: "foo", digest: ID },
  },
  {
    name: "nested name",
    input: "bar/foo/baz",
    want: { path: "bar/foo/baz", namespace: "bar", name: "foo/baz" },
  },
  {
    name: "library below a namespace",
    input: "bar/library/baz",
    want: { path: "bar/library/baz", namespace: "bar", name: "library/baz" },
  },
  {
    name: "nested name and tag",
    input: "bar/foo/baz:tag",
    want: { path: "bar/foo/baz", namespace: "bar", name: "foo/baz", tag: "tag" },
  },
  {
    name: "nested name and ID",
    input: `bar/foo/baz@${ID}`,
    want: { path: "bar/foo/baz", namespace: "bar", name: "foo/baz", digest: ID },
  },
  {
    name: "registry with port",
    input: "bar:5000/foo/baz",
    want: { domain: "bar:5000", path: "foo/baz", namespace: "foo", name: "baz" },
  },
  {
    name: "library namespace kept",
    input: "bar:5000/library/baz",
    want: { domain: "bar:5000", path: "library/baz", namespace: "library", name: "baz" },
  },
  {
    name: "registry, name only",
    input: "bar:5000/baz",
    want: { domain: "bar:5000", path: "baz", name: "baz" },
  },
  {
    name: "registry and tag",
    input: "bar:5000/foo/baz:tag",
    want: { domain: "bar:5000", path: "foo/baz", namespace: "foo", name: "baz", tag: "tag" },
  },
  {
    name: "registry and ID",
    input: `bar:5000/foo/baz@${ID}`,
    want: { domain: "bar:5000", path: "foo/baz", namespace: "foo", name: "baz", digest: ID },
  },
  {
    name: "dotted registry",
    input: "myregistry.io/foo",
    want: { domain: "myregistry.io", path: "foo", name: "foo" },
  },
  {
    name: "localhost registry",
    input: "localhost/bar",
    want: { domain: "localhost", path: "bar", name: "bar" },
  },
  {
    name: "docker.io/library kept as written",
    input: "docker.io/library/myapp",
    want: { domain: "docker.io", path: "library/myapp", namespace: "library", name: "myapp" },
  },
  {
    name: "no library/ added",
    input: "docker.io/myapp",
    want: { domain: "docker.io", path: "myapp", name: "myapp" },
  },
  {
    name: "docker.io user",
    input: "docker.io/user/myapp",
    want: { domain: "docker.io", path: "user/myapp", namespace: "user", name: "myapp" },
  },
  {
    name: "docker.io nested",
    input: "docker.io/user/project/myapp",
    want: {
      domain: "docker.io",
      path: "user/project/myapp",
      namespace: "user",
      name: "project/myapp",
    },
  },
  {
    name: "index.docker.io not rewritten",
    input: "index.docker.io/bar",
    want: { domain: "index.docker.io", path: "bar", name: "bar" },
  },
  {
    name: "OS-4 whole name of exactly 255",
    input: `bar:5000/${"a".repeat(63)}/${"b".repeat(182)}:tag`,
    want: {
      domain: "bar:5000",
      path: `${"a".repeat(63)}/${"b".repeat(182)}`,
      namespace: "a".repeat(63),
      name: "b".repeat(182),
      tag: "tag",
    },
  },
  {
    name: "docker.io/library name within 255",
    input: `docker.io/library/${"b".repeat(231)}:tag`,
    want: {
      domain: "docker.io",
      path: `library/${"b".repeat(231)}`,
      namespace: "library",
      name: "b".repeat(231),
      tag: "tag",
    },
  },
  { name: "OS-2 registry only", input: "quay.io", want: { domain: "quay.io", path: "", name: "" } },
  {
    name: "registry and org",
    input: "quay.io/org",
    want: { domain: "quay.io", path: "org", name: "org" },
  },
  {
    name: "OS-2 localhost:5000 is a registry",
    input: "localhost:5000",
    want: { domain: "localhost:5000", path: "", name: "" },
  },
  {
    name: "localhost:5000/org",
    input: "localhost:5000/org",
    want: { domain: "localhost:5000", path: "org", name: "org" },
  },
  {
    name: "deep nesting",
    input: "bar/foo/baz/biz",
    want: { path: "bar/foo/baz/biz", namespace: "bar", name: "foo/baz/biz" },
  },
  // SEMANTICS.md §8.5
  {
    name: "OS-1 quay.io/a/b/c:t",
    input: "quay.io/a/b/c:t",
    want: { domain: "quay.io", path: "a/b/c", namespace: "a", name: "b/c", tag: "t" },
  },
  {
    name: "OS-2 docker.io alone",
    input: "docker.io",
    want: { domain: "docker.io", path: "", name: "" },
  },
  {
    name: "OS-3 upper-case first segment is a namespace",
    input: "Foo/bar",
    want: { path: "Foo/bar", namespace: "Foo", name: "bar" },
  },
  {
    name: "OS-3 docker/docker is a namespace",
    input: "docker/docker",
    want: { path: "docker/docker", namespace: "docker", name: "docker" },
  },
  {
    name: "OS-4 whole name of 255 with a short registry",
    input: `a.io/${"b".repeat(250)}`,
    want: { domain: "a.io", path: "b".repeat(250), name: "b".repeat(250) },
  },
  {
    name: "registry-only keeps a tag in the registry",
    input: "example.com:latest",
    want: { domain: "example.com:latest", path: "", name: "" },
  },
  {
    name: "upper-case hex accepted",
    input: `app@sha256:${"A".repeat(64)}`,
    want: { path: "app", name: "app", digest: `sha256:${"A".repeat(64)}` },
  },
  // seeds
  {
    name: "seed from.name docker.io/openshift/ruby-20-centos7:latest",
    input: "docker.io/openshift/ruby-20-centos7:latest",
    want: {
      domain: "docker.io",
      path: "openshift/ruby-20-centos7",
      namespace: "openshift",
      name: "ruby-20-centos7",
      tag: "latest",
    },
  },
  {
    name: "seed dockerImageRepository",
    input: "docker.io/openshift/ruby-20-centos7",
    want: {
      domain: "docker.io",
      path: "openshift/ruby-20-centos7",
      namespace: "openshift",
      name: "ruby-20-centos7",
    },
  },
  {
    name: "seed from.name openshift/ruby-20-centos7",
    input: "openshift/ruby-20-centos7",
    want: { path: "openshift/ruby-20-centos7", namespace: "openshift", name: "ruby-20-centos7" },
  },
  {
    name: "seed status dockerImageReference",
    input: `docker.io/openshift/ruby-20-centos7@${RUBY_20}`,
    want: {
      domain: "docker.io",
      path: "openshift/ruby-20-centos7",
      namespace: "openshift",
      name: "ruby-20-centos7",
      digest: RUBY_20,
    },
  },
  {
    name: "seed insecure my.repo.com:5000/myimage",
    input: "my.repo.com:5000/myimage",
    want: { domain: "my.repo.com:5000", path: "myimage", name: "myimage" },
  },
  {
    name: "seed registry.connect.redhat.com",
    input: "registry.connect.redhat.com",
    want: { domain: "registry.connect.redhat.com", path: "", name: "" },
  },
];

const invalid: readonly FailCase[] = [
  {
    name: "OS-4 whole name of 256",
    input: `bar:5000/${"a".repeat(63)}/${"b".repeat(183)}:tag`,
    wantReason: "NAME_TOO_LONG",
    wantIndex: 0,
  },
  {
    name: "OS-4 docker.io name of 256",
    input: `docker.io/${"b".repeat(246)}:tag`,
    wantReason: "NAME_TOO_LONG",
    wantIndex: 0,
  },
  {
    name: "trailing slash before tag",
    input: "registry.io/foo/bar/:Tag",
    wantReason: "NAME_INVALID",
    wantIndex: 20,
  },
  {
    name: "https URL",
    input: "https://bar:5000/foo/baz",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  {
    name: "http URL with ID",
    input: `http://bar:5000/foo/baz@${ID}`,
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  {
    name: "upper case in the path",
    input: "registry:3000/integration/imageStream:success",
    wantReason: "NAME_UPPERCASE",
    wantIndex: 31,
  },
  {
    name: "32-hex ID",
    input: "registry:5000/integration/test-image-stream@sha256:00000000000000000000000000000001",
    wantReason: "DIGEST_LENGTH",
  },
  { name: "ID without algorithm", input: "abc@badid", wantReason: "DIGEST_INVALID", wantIndex: 4 },
  { name: "short ID", input: "index.docker.io/mysql@sha256:bad", wantReason: "DIGEST_LENGTH" },
  { name: "ID only", input: `@${ID}`, wantReason: "NAME_EMPTY", wantIndex: 0 },
  { name: "tag only", input: ":tag", wantReason: "NAME_EMPTY", wantIndex: 0 },
  {
    name: "empty components",
    input: "bar/foo/baz////biz",
    wantReason: "NAME_INVALID",
    wantIndex: 12,
  },
  { name: "leading slashes", input: "//foo/baz/biz", wantReason: "NAME_INVALID", wantIndex: 0 },
  { name: "ftp URL", input: "ftp://baz/baz/biz", wantReason: "DOMAIN_INVALID", wantIndex: 0 },
  { name: "empty", input: "", wantReason: "EMPTY", wantIndex: 0 },
  {
    name: "no IPv6 hosts in OpenShift",
    input: "[::1]:5000/app",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  {
    name: "OS-4 path fits distribution but not OpenShift",
    input: `quay.io/${"b".repeat(250)}`,
    wantReason: "NAME_TOO_LONG",
    wantIndex: 0,
  },
  { name: "quay.io/Org/app", input: "quay.io/Org/app", wantReason: "NAME_UPPERCASE", wantIndex: 8 },
  { name: "bad tag", input: "quay.io/o/a:-1", wantReason: "TAG_INVALID", wantIndex: 12 },
];

describe("parseDockerImageReference accepts", () => {
  for (const c of valid) {
    it(c.name, () => {
      assert.deepEqual(parseDockerImageReference(c.input), c.want);
    });
  }
});

describe("parseDockerImageReference rejects", () => {
  for (const c of invalid) {
    it(c.name, () => {
      assertFails(() => parseDockerImageReference(c.input), c);
    });
  }
});
