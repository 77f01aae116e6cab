/**
 * parseReference = distribution/reference `Parse`: the cases of
 * reference_test.go TestReferenceParse, every pull spec in the seeds, and
 * SEMANTICS.md §12 scenarios 2 and 3.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseReference, type Reference } from "../../src/reference/index.ts";
import { assertFails, D1, FFFF, RUBY_20, RUBY_22, type FailCase } from "./support.ts";

const SHA512 = `sha512:${"f".repeat(128)}`;

const valid: readonly { name: string; input: string; want: Reference }[] = [
  // distribution/reference reference_test.go
  { name: "underscore name", input: "test_com", want: { path: "test_com" } },
  {
    name: "single segment with tag",
    input: "test.com:tag",
    want: { path: "test.com", tag: "tag" },
  },
  {
    name: "single segment is never a domain",
    input: "test.com:5000",
    want: { path: "test.com", tag: "5000" },
  },
  {
    name: "domain, tag",
    input: "test.com/repo:tag",
    want: { domain: "test.com", path: "repo", tag: "tag" },
  },
  {
    name: "domain with port",
    input: "test:5000/repo",
    want: { domain: "test:5000", path: "repo" },
  },
  {
    name: "port and tag",
    input: "test:5000/repo:tag",
    want: { domain: "test:5000", path: "repo", tag: "tag" },
  },
  {
    name: "port and digest",
    input: `test:5000/repo@${FFFF}`,
    want: { domain: "test:5000", path: "repo", digest: FFFF },
  },
  {
    name: "tag and digest both kept",
    input: `test:5000/repo:tag@${FFFF}`,
    want: { domain: "test:5000", path: "repo", tag: "tag", digest: FFFF },
  },
  {
    name: "upper case tag",
    input: "lowercase:Uppercase",
    want: { path: "lowercase", tag: "Uppercase" },
  },
  {
    name: "255-character name; the domain is not counted",
    input: `${"a/".repeat(127)}a:tag-puts-this-over-max`,
    want: { domain: "a", path: `${"a/".repeat(126)}a`, tag: "tag-puts-this-over-max" },
  },
  {
    name: "257-character name whose path is 255 (current distribution counts the path)",
    input: `${"a/".repeat(128)}a:tag`,
    want: { domain: "a", path: `${"a/".repeat(127)}a`, tag: "tag" },
  },
  {
    name: "255-character path below a domain",
    input: `example.com/${"a".repeat(255)}:tag`,
    want: { domain: "example.com", path: "a".repeat(255), tag: "tag" },
  },
  {
    name: "deep path",
    input: "sub-dom1.foo.com/bar/baz/quux",
    want: { domain: "sub-dom1.foo.com", path: "bar/baz/quux" },
  },
  {
    name: "deep path, long tag",
    input: "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
    want: { domain: "sub-dom1.foo.com", path: "bar/baz/quux", tag: "some-long-tag" },
  },
  {
    name: "dotted path and tag",
    input: "b.gcr.io/test.example.com/my-app:test.example.com",
    want: { domain: "b.gcr.io", path: "test.example.com/my-app", tag: "test.example.com" },
  },
  {
    name: "punycode domain",
    input: "xn--n3h.com/myimage:xn--n3h.com",
    want: { domain: "xn--n3h.com", path: "myimage", tag: "xn--n3h.com" },
  },
  {
    name: "sha512 digest",
    input: `xn--7o8h.com/myimage:xn--7o8h.com@${SHA512}`,
    want: { domain: "xn--7o8h.com", path: "myimage", tag: "xn--7o8h.com", digest: SHA512 },
  },
  {
    name: "underscore host reads as name:tag",
    input: "foo_bar.com:8080",
    want: { path: "foo_bar.com", tag: "8080" },
  },
  {
    name: "first segment matching the domain grammar is the domain",
    input: "foo/foo_bar.com:8080",
    want: { domain: "foo", path: "foo_bar.com", tag: "8080" },
  },
  { name: "IPv4 alone is a name", input: "192.168.1.1", want: { path: "192.168.1.1" } },
  { name: "IPv4 with tag", input: "192.168.1.1:tag", want: { path: "192.168.1.1", tag: "tag" } },
  {
    name: "IPv4 with numeric tag",
    input: "192.168.1.1:5000",
    want: { path: "192.168.1.1", tag: "5000" },
  },
  { name: "IPv4 domain", input: "192.168.1.1/repo", want: { domain: "192.168.1.1", path: "repo" } },
  {
    name: "IPv4 domain with port",
    input: "192.168.1.1:5000/repo",
    want: { domain: "192.168.1.1:5000", path: "repo" },
  },
  {
    name: "IPv4 domain, port and tag",
    input: "192.168.1.1:5000/repo:5050",
    want: { domain: "192.168.1.1:5000", path: "repo", tag: "5050" },
  },
  {
    name: "IPv6 domain",
    input: "[2001:db8::1]/repo",
    want: { domain: "[2001:db8::1]", path: "repo" },
  },
  {
    name: "uncompressed IPv6 with tag",
    input: "[2001:db8:1:2:3:4:5:6]/repo:tag",
    want: { domain: "[2001:db8:1:2:3:4:5:6]", path: "repo", tag: "tag" },
  },
  {
    name: "IPv6 with port",
    input: "[2001:db8::1]:5000/repo",
    want: { domain: "[2001:db8::1]:5000", path: "repo" },
  },
  {
    name: "IPv6 with port and tag",
    input: "[2001:db8::1]:5000/repo:tag",
    want: { domain: "[2001:db8::1]:5000", path: "repo", tag: "tag" },
  },
  {
    name: "IPv6 with port and digest",
    input: `[2001:db8::1]:5000/repo@${FFFF}`,
    want: { domain: "[2001:db8::1]:5000", path: "repo", digest: FFFF },
  },
  {
    name: "IPv6 with port, tag and digest",
    input: `[2001:db8::1]:5000/repo:tag@${FFFF}`,
    want: { domain: "[2001:db8::1]:5000", path: "repo", tag: "tag", digest: FFFF },
  },
  {
    name: "IPv6 ending in ::",
    input: "[2001:db8::]:5000/repo",
    want: { domain: "[2001:db8::]:5000", path: "repo" },
  },
  { name: "IPv6 loopback", input: "[::1]:5000/repo", want: { domain: "[::1]:5000", path: "repo" } },
  // every pull spec in the seeds
  { name: "seed ruby:2.0", input: "ruby:2.0", want: { path: "ruby", tag: "2.0" } },
  {
    name: "seed ruby:static-2.0",
    input: "ruby:static-2.0",
    want: { path: "ruby", tag: "static-2.0" },
  },
  { name: "seed ruby:latest", input: "ruby:latest", want: { path: "ruby", tag: "latest" } },
  {
    name: "seed centos/ruby-22-centos7@sha256 (centos reads as a domain in Parse)",
    input: `centos/ruby-22-centos7@${RUBY_22}`,
    want: { domain: "centos", path: "ruby-22-centos7", digest: RUBY_22 },
  },
  {
    name: "seed docker.io/openshift/ruby-20-centos7",
    input: "docker.io/openshift/ruby-20-centos7",
    want: { domain: "docker.io", path: "openshift/ruby-20-centos7" },
  },
  {
    name: "seed docker.io/openshift/ruby-20-centos7:latest",
    input: "docker.io/openshift/ruby-20-centos7:latest",
    want: { domain: "docker.io", path: "openshift/ruby-20-centos7", tag: "latest" },
  },
  {
    name: "seed openshift/ruby-20-centos7",
    input: "openshift/ruby-20-centos7",
    want: { domain: "openshift", path: "ruby-20-centos7" },
  },
  {
    name: "seed status docker.io/openshift/ruby-20-centos7@sha256",
    input: `docker.io/openshift/ruby-20-centos7@${RUBY_20}`,
    want: { domain: "docker.io", path: "openshift/ruby-20-centos7", digest: RUBY_20 },
  },
  {
    name: "seed my.repo.com:5000/myimage",
    input: "my.repo.com:5000/myimage",
    want: { domain: "my.repo.com:5000", path: "myimage" },
  },
  {
    name: "seed docker.io/centos:centos7",
    input: "docker.io/centos:centos7",
    want: { domain: "docker.io", path: "centos", tag: "centos7" },
  },
  {
    name: "seed docker.io/library/busybox:latest",
    input: "docker.io/library/busybox:latest",
    want: { domain: "docker.io", path: "library/busybox", tag: "latest" },
  },
  {
    name: "seed docker.io/myrepository/busybox:stable",
    input: "docker.io/myrepository/busybox:stable",
    want: { domain: "docker.io", path: "myrepository/busybox", tag: "stable" },
  },
  {
    name: "seed docker.io/myrepository/toybox:dev",
    input: "docker.io/myrepository/toybox:dev",
    want: { domain: "docker.io", path: "myrepository/toybox", tag: "dev" },
  },
  {
    name: "seed registry.connect.redhat.com is a one-segment name here",
    input: "registry.connect.redhat.com",
    want: { path: "registry.connect.redhat.com" },
  },
  {
    name: "seed tag v3.11.59-2",
    input: "openshift3/ose:v3.11.59-2",
    want: { domain: "openshift3", path: "ose", tag: "v3.11.59-2" },
  },
  {
    name: "internal registry pull spec",
    input: `image-registry.openshift-image-registry.svc:5000/demo/app@${D1}`,
    want: {
      domain: "image-registry.openshift-image-registry.svc:5000",
      path: "demo/app",
      digest: D1,
    },
  },
  // SEMANTICS.md §12
  {
    name: "scenario 2: localhost:5000/a/b:t",
    input: "localhost:5000/a/b:t",
    want: { domain: "localhost:5000", path: "a/b", tag: "t" },
  },
  {
    name: "scenario 2: Foo/bar has domain Foo",
    input: "Foo/bar",
    want: { domain: "Foo", path: "bar" },
  },
  {
    name: "scenario 3: 128-character tag",
    input: `app:${"t".repeat(128)}`,
    want: { path: "app", tag: "t".repeat(128) },
  },
  {
    name: "scenario 4: tag and digest",
    input: `quay.io/o/a:1.0@${D1}`,
    want: { domain: "quay.io", path: "o/a", tag: "1.0", digest: D1 },
  },
  // more edges
  {
    name: "bare 64-hex name is accepted by Parse",
    input: "a".repeat(64),
    want: { path: "a".repeat(64) },
  },
  {
    name: "sha256:<hex> is name and tag",
    input: `sha256:${"3".repeat(64)}`,
    want: { path: "sha256", tag: "3".repeat(64) },
  },
  { name: "separators", input: "a__b/c---d/e.f_g", want: { path: "a__b/c---d/e.f_g" } },
  {
    name: "upper-case domain",
    input: "Registry.Example.COM/app",
    want: { domain: "Registry.Example.COM", path: "app" },
  },
];

const invalid: readonly FailCase[] = [
  { name: "empty", input: "", wantReason: "EMPTY", wantIndex: 0 },
  { name: "tag only", input: ":justtag", wantReason: "NAME_EMPTY", wantIndex: 0 },
  { name: "digest only", input: `@${FFFF}`, wantReason: "NAME_EMPTY", wantIndex: 0 },
  {
    name: "short digest",
    input: `repo@sha256:${"f".repeat(34)}`,
    wantReason: "DIGEST_LENGTH",
    wantIndex: 12,
  },
  {
    name: "unknown digest algorithm",
    input: `validname@invaliddigest:${"f".repeat(64)}`,
    wantReason: "DIGEST_ALGORITHM",
    wantIndex: 10,
  },
  { name: "upper-case name", input: "Uppercase:tag", wantReason: "NAME_UPPERCASE", wantIndex: 0 },
  {
    name: "upper-case path below a port",
    input: "test:5000/Uppercase/lowercase:tag",
    wantReason: "NAME_UPPERCASE",
    wantIndex: 10,
  },
  {
    name: "256-character path",
    input: `domain/${"a".repeat(256)}:tag`,
    wantReason: "NAME_TOO_LONG",
    wantIndex: 7,
  },
  {
    name: "punctuation in the path",
    input: "aa/asdf$$^/aa",
    wantReason: "NAME_INVALID",
    wantIndex: 3,
  },
  {
    name: "IPv6 without a path",
    input: "[2001:db8::1]",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  {
    name: "IPv6 and port without a path",
    input: "[2001:db8::1]:5000",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  {
    name: "IPv6 and tag without a path",
    input: "[2001:db8::1]:tag",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  {
    name: "IPv6 zone",
    input: "[fe80::1%eth0]:5000/repo",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  {
    name: "IPv6 zone with @",
    input: "[fe80::1%@invalidzone]:5000/repo",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  {
    name: "IPv6 without brackets",
    input: "fc00::1:5000/debian",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  {
    name: "URL scheme",
    input: "https://registry.example.com/app",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  { name: "non-numeric port", input: "foo:bar/baz", wantReason: "DOMAIN_INVALID", wantIndex: 0 },
  { name: "leading dash", input: "-docker", wantReason: "NAME_INVALID", wantIndex: 0 },
  {
    name: "empty path components",
    input: "docker///docker",
    wantReason: "NAME_INVALID",
    wantIndex: 7,
  },
  { name: "trailing slash", input: "docker/", wantReason: "NAME_INVALID", wantIndex: 7 },
  { name: "double period", input: "dock..er/docker", wantReason: "NAME_INVALID", wantIndex: 0 },
  {
    name: "period after underscore",
    input: "quay.io/dock_.er",
    wantReason: "NAME_INVALID",
    wantIndex: 8,
  },
  { name: "triple underscore", input: "quay.io/a___b", wantReason: "NAME_INVALID", wantIndex: 8 },
  { name: "empty tag", input: "foo:", wantReason: "TAG_INVALID", wantIndex: 4 },
  {
    name: "scenario 3: tag starting with -",
    input: "app:-x",
    wantReason: "TAG_INVALID",
    wantIndex: 4,
  },
  { name: "tag starting with .", input: "app:.x", wantReason: "TAG_INVALID", wantIndex: 4 },
  { name: "second colon", input: "foo:a:b", wantReason: "TAG_INVALID", wantIndex: 5 },
  {
    name: "scenario 3: 129-character tag",
    input: `app:${"t".repeat(129)}`,
    wantReason: "TAG_TOO_LONG",
    wantIndex: 4,
  },
  {
    name: "scenario 3: 63 hex digits",
    input: `app@sha256:${"a".repeat(63)}`,
    wantReason: "DIGEST_LENGTH",
    wantIndex: 11,
  },
  {
    name: "upper-case hex",
    input: `app@sha256:${"A".repeat(64)}`,
    wantReason: "DIGEST_INVALID",
    wantIndex: 11,
  },
  {
    name: "non-hex digest",
    input: `app@sha256:${"g".repeat(64)}`,
    wantReason: "DIGEST_INVALID",
    wantIndex: 11,
  },
  {
    name: "digest without algorithm",
    input: "ruby@3a335d7",
    wantReason: "DIGEST_INVALID",
    wantIndex: 5,
  },
  {
    name: "unsupported md5",
    input: `app@md5:${"a".repeat(32)}`,
    wantReason: "DIGEST_ALGORITHM",
    wantIndex: 4,
  },
  { name: "second @", input: `app@${D1}@x`, wantReason: "TRAILING", wantIndex: 4 + D1.length },
  { name: "quay.io/Org/app", input: "quay.io/Org/app", wantReason: "NAME_UPPERCASE", wantIndex: 8 },
  {
    name: "seed oc describe output with a truncated digest",
    input: "docker.io/openshift/ruby-20-centos7@sha256:772c5bf9b2d1e8...",
    wantReason: "DIGEST_INVALID",
    wantIndex: 57,
  },
  {
    name: "seed docker push URL",
    input: "https://registry.<clusterID>.openshift.com",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  { name: "whitespace", input: "nginx ", wantReason: "NAME_INVALID", wantIndex: 0 },
];

describe("parseReference accepts", () => {
  for (const c of valid) {
    it(c.name, () => {
      assert.deepEqual(parseReference(c.input), c.want);
    });
  }
});

describe("parseReference rejects", () => {
  for (const c of invalid) {
    it(c.name, () => {
      assertFails(() => parseReference(c.input), c);
    });
  }
});
