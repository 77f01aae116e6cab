/**
 * parseNormalizedReference = distribution/reference `ParseNormalizedNamed`
 * (normalize_test.go), familiarName, withDefaultTag, and SEMANTICS.md §12
 * scenarios 1 and 2.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  familiarName,
  familiarString,
  parseNormalizedReference,
  withDefaultTag,
  type Reference,
} from "../../src/reference/index.ts";
import { assertFails, RUBY_20, RUBY_22, type FailCase } from "./support.ts";

const HEX64 = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";
const BUSYBOX = "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";

const hub = (path: string, rest: Partial<Reference> = {}): Reference => ({
  domain: "docker.io",
  path,
  ...rest,
});

const valid: readonly { name: string; input: string; want: Reference }[] = [
  // normalize_test.go TestValidateReferenceName
  { name: "org/app on Docker Hub", input: "docker/docker", want: hub("docker/docker") },
  { name: "explicit library", input: "library/debian", want: hub("library/debian") },
  { name: "N-1 familiar name", input: "debian", want: hub("library/debian") },
  { name: "docker.io org/app", input: "docker.io/docker/docker", want: hub("docker/docker") },
  { name: "docker.io library", input: "docker.io/library/debian", want: hub("library/debian") },
  { name: "N-4 docker.io single segment", input: "docker.io/debian", want: hub("library/debian") },
  {
    name: "N-3 index.docker.io",
    input: "index.docker.io/docker/docker",
    want: hub("docker/docker"),
  },
  {
    name: "index.docker.io library",
    input: "index.docker.io/library/debian",
    want: hub("library/debian"),
  },
  {
    name: "index.docker.io single segment",
    input: "index.docker.io/debian",
    want: hub("library/debian"),
  },
  {
    name: "IPv4 registry",
    input: "127.0.0.1:5000/docker/docker",
    want: { domain: "127.0.0.1:5000", path: "docker/docker" },
  },
  {
    name: "library elsewhere kept",
    input: "127.0.0.1:5000/library/debian",
    want: { domain: "127.0.0.1:5000", path: "library/debian" },
  },
  {
    name: "no library/ off Docker Hub",
    input: "127.0.0.1:5000/debian",
    want: { domain: "127.0.0.1:5000", path: "debian" },
  },
  { name: "N-1 bare IPv4 is a Hub name", input: "192.168.0.1", want: hub("library/192.168.0.1") },
  {
    name: "bare IPv4 with port is name:tag",
    input: "192.168.0.1:80",
    want: hub("library/192.168.0.1", { tag: "80" }),
  },
  {
    name: "IPv4 short port",
    input: "192.168.0.1:8/debian",
    want: { domain: "192.168.0.1:8", path: "debian" },
  },
  {
    name: "IPv4 long port",
    input: "192.168.0.2:25000/debian",
    want: { domain: "192.168.0.2:25000", path: "debian" },
  },
  {
    name: "64 characters that are not all hex",
    input: "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
    want: hub("library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev"),
  },
  {
    name: "IPv6 registry",
    input: "[fc00::1]:5000/docker",
    want: { domain: "[fc00::1]:5000", path: "docker" },
  },
  {
    name: "IPv6 registry, two segments",
    input: "[fc00::1]:5000/docker/docker",
    want: { domain: "[fc00::1]:5000", path: "docker/docker" },
  },
  {
    name: "uncompressed IPv6 registry",
    input: "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
    want: { domain: "[fc00:1:2:3:4:5:6:7]:5000", path: "library/debian" },
  },
  { name: "N-6 64-hex below a domain", input: `docker.io/${HEX64}`, want: hub(`library/${HEX64}`) },
  {
    name: "N-2 upper-case first segment is a domain",
    input: "Docker/docker",
    want: { domain: "Docker", path: "docker" },
  },
  {
    name: "all upper-case domain",
    input: "DOCKER/docker",
    want: { domain: "DOCKER", path: "docker" },
  },
  // TestNormalizedSplitHostname
  { name: "dotted domain", input: "test.com/foo", want: { domain: "test.com", path: "foo" } },
  { name: "underscore is not a domain", input: "test_com/foo", want: hub("test_com/foo") },
  { name: "plain org", input: "docker/migrator", want: hub("docker/migrator") },
  {
    name: "domain and port",
    input: "test.com:8080/foo",
    want: { domain: "test.com:8080", path: "foo" },
  },
  {
    name: "port makes a domain",
    input: "test-com:8080/foo",
    want: { domain: "test-com:8080", path: "foo" },
  },
  { name: "punycode", input: "xn--n3h.com/foo", want: { domain: "xn--n3h.com", path: "foo" } },
  {
    name: "punycode and port",
    input: "xn--n3h.com:18080/foo",
    want: { domain: "xn--n3h.com:18080", path: "foo" },
  },
  { name: "nested library kept", input: "docker.io/library/foo/bar", want: hub("library/foo/bar") },
  // TestParseReferenceWithTagAndDigest, TestParseAnyReference
  {
    name: "tag and digest both kept",
    input: `busybox:latest@${BUSYBOX}`,
    want: hub("library/busybox", { tag: "latest", digest: BUSYBOX }),
  },
  {
    name: "familiar with tag",
    input: "redis:latest",
    want: hub("library/redis", { tag: "latest" }),
  },
  {
    name: "org with digest",
    input: `dmcgowan/myapp@${BUSYBOX}`,
    want: hub("dmcgowan/myapp", { digest: BUSYBOX }),
  },
  {
    name: "63 hex is a name",
    input: HEX64.slice(0, 63),
    want: hub(`library/${HEX64.slice(0, 63)}`),
  },
  // N-1 edges, seeds and scenarios
  { name: "N-1 bare localhost is a Hub name", input: "localhost", want: hub("library/localhost") },
  {
    name: "N-1 bare localhost:5000 is name:tag",
    input: "localhost:5000",
    want: hub("library/localhost", { tag: "5000" }),
  },
  {
    name: "localhost without a dot is a domain",
    input: "localhost/app",
    want: { domain: "localhost", path: "app" },
  },
  { name: "scenario 1: nginx", input: "nginx", want: hub("library/nginx") },
  {
    name: "scenario 2: index.docker.io/foo",
    input: "index.docker.io/foo",
    want: hub("library/foo"),
  },
  {
    name: "scenario 2: docker.io/org/app unchanged",
    input: "docker.io/org/app",
    want: hub("org/app"),
  },
  {
    name: "scenario 2: localhost:5000/a/b:t",
    input: "localhost:5000/a/b:t",
    want: { domain: "localhost:5000", path: "a/b", tag: "t" },
  },
  { name: "scenario 2: Foo/bar", input: "Foo/bar", want: { domain: "Foo", path: "bar" } },
  { name: "seed ruby:2.0", input: "ruby:2.0", want: hub("library/ruby", { tag: "2.0" }) },
  {
    name: "seed centos/ruby-22-centos7@sha256",
    input: `centos/ruby-22-centos7@${RUBY_22}`,
    want: hub("centos/ruby-22-centos7", { digest: RUBY_22 }),
  },
  {
    name: "seed openshift/ruby-20-centos7",
    input: "openshift/ruby-20-centos7",
    want: hub("openshift/ruby-20-centos7"),
  },
  {
    name: "seed status pull spec",
    input: `docker.io/openshift/ruby-20-centos7@${RUBY_20}`,
    want: hub("openshift/ruby-20-centos7", { digest: RUBY_20 }),
  },
  {
    name: "seed docker.io/centos:centos7",
    input: "docker.io/centos:centos7",
    want: hub("library/centos", { tag: "centos7" }),
  },
  {
    name: "seed registry.connect.redhat.com",
    input: "registry.connect.redhat.com",
    want: hub("library/registry.connect.redhat.com"),
  },
  {
    name: "a dotted non-host stays a path, as in Go",
    input: "a_b.c/foo",
    want: { path: "a_b.c/foo" },
  },
];

const invalid: readonly FailCase[] = [
  { name: "empty", input: "", wantReason: "EMPTY" },
  {
    name: "URL",
    input: "https://github.com/docker/docker",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  {
    name: "N-5 upper case below org",
    input: "docker/Docker",
    wantReason: "NAME_UPPERCASE",
    wantIndex: 7,
  },
  {
    name: "N-5 upper case below docker.io",
    input: "docker.io/docker/Docker",
    wantReason: "NAME_UPPERCASE",
    wantIndex: 17,
  },
  { name: "N-5 familiar upper case", input: "Foo", wantReason: "NAME_UPPERCASE", wantIndex: 0 },
  {
    name: "scenario 2: quay.io/Org/app",
    input: "quay.io/Org/app",
    wantReason: "NAME_UPPERCASE",
    wantIndex: 8,
  },
  { name: "leading dash", input: "-docker", wantReason: "NAME_INVALID", wantIndex: 0 },
  {
    name: "leading dash in org",
    input: "-docker/docker",
    wantReason: "NAME_INVALID",
    wantIndex: 0,
  },
  {
    name: "leading dash in host",
    input: "-docker.io/docker/docker",
    wantReason: "NAME_INVALID",
    wantIndex: 0,
  },
  { name: "empty components", input: "docker///docker", wantReason: "NAME_INVALID", wantIndex: 7 },
  {
    name: "empty components below docker.io",
    input: "docker.io/docker///docker",
    wantReason: "NAME_INVALID",
    wantIndex: 17,
  },
  { name: "bracketed IPv6 alone", input: "[fc00::1]", wantReason: "NAME_INVALID", wantIndex: 0 },
  {
    name: "bracketed IPv6 and port alone",
    input: "[fc00::1]:5000",
    wantReason: "NAME_INVALID",
    wantIndex: 0,
  },
  {
    name: "IPv6 without brackets",
    input: "fc00::1:5000/debian",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  {
    name: "IPv6 zone",
    input: "[fe80::1%eth0]:5000/debian",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  {
    name: "IPv4-mapped IPv6",
    input: "[2001:db8:3:4::192.0.2.33]:5000/debian",
    wantReason: "DOMAIN_INVALID",
    wantIndex: 0,
  },
  { name: "N-6 bare 64-hex", input: HEX64, wantReason: "HEX_NAME", wantIndex: 0 },
  {
    name: "trailing dash in org",
    input: "docker-/docker",
    wantReason: "NAME_INVALID",
    wantIndex: 0,
  },
  { name: "dashes around org", input: "-docker-/docker", wantReason: "NAME_INVALID", wantIndex: 0 },
  { name: "underscores only", input: "____/____", wantReason: "NAME_INVALID", wantIndex: 0 },
  {
    name: "leading underscores",
    input: "_docker/_docker",
    wantReason: "NAME_INVALID",
    wantIndex: 0,
  },
  { name: "double period", input: "dock..er/docker", wantReason: "NAME_INVALID", wantIndex: 0 },
  { name: "underscore period", input: "dock_.er/docker", wantReason: "NAME_INVALID", wantIndex: 0 },
  { name: "dash period", input: "dock-.er/docker", wantReason: "NAME_INVALID", wantIndex: 0 },
  { name: "no repository", input: "docker/", wantReason: "NAME_INVALID", wantIndex: 7 },
  {
    name: "namespace too long",
    input: `${Array(4).fill("this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255").join("_")}/docker`,
    wantReason: "NAME_TOO_LONG",
    wantIndex: 0,
  },
  { name: "bad tag keeps its offset", input: "nginx:-1", wantReason: "TAG_INVALID", wantIndex: 6 },
  {
    name: "bad digest keeps its offset",
    input: "index.docker.io/foo@sha256:abc",
    wantReason: "DIGEST_LENGTH",
    wantIndex: 27,
  },
];

describe("parseNormalizedReference accepts", () => {
  for (const c of valid) {
    it(c.name, () => {
      assert.deepEqual(parseNormalizedReference(c.input), c.want);
    });
  }
});

describe("parseNormalizedReference rejects", () => {
  for (const c of invalid) {
    it(c.name, () => {
      assertFails(() => parseNormalizedReference(c.input), c);
    });
  }
});

// normalize_test.go TestParseRepositoryInfo: every spelling gives one familiar and one full name.
const repositoryInfo: readonly { familiar: string; full: string; spellings: readonly string[] }[] =
  [
    { familiar: "fooo/bar", full: "docker.io/fooo/bar", spellings: ["index.docker.io/fooo/bar"] },
    { familiar: "ubuntu", full: "docker.io/library/ubuntu", spellings: ["library/ubuntu"] },
    { familiar: "nonlibrary/ubuntu", full: "docker.io/nonlibrary/ubuntu", spellings: [] },
    { familiar: "other/library", full: "docker.io/other/library", spellings: [] },
    {
      familiar: "127.0.0.1:8000/private/moonbase",
      full: "127.0.0.1:8000/private/moonbase",
      spellings: [],
    },
    {
      familiar: "example.com:8000/privatebasee",
      full: "example.com:8000/privatebasee",
      spellings: [],
    },
    {
      familiar: "ubuntu-12.04-base",
      full: "docker.io/library/ubuntu-12.04-base",
      spellings: ["index.docker.io/library/ubuntu-12.04-base"],
    },
    { familiar: "foo", full: "docker.io/library/foo", spellings: ["docker.io/foo"] },
    { familiar: "library/foo/bar", full: "docker.io/library/foo/bar", spellings: [] },
    { familiar: "store/foo/bar", full: "docker.io/store/foo/bar", spellings: [] },
    { familiar: "Foo/bar", full: "Foo/bar", spellings: [] },
  ];

describe("familiarName", () => {
  for (const c of repositoryInfo) {
    for (const spelling of [c.familiar, c.full, ...c.spellings]) {
      it(`${spelling} → ${c.familiar}`, () => {
        const ref = parseNormalizedReference(spelling);
        assert.equal(familiarName(ref), c.familiar);
        assert.equal(familiarName(parseNormalizedReference(c.familiar)), c.familiar);
      });
    }
  }
  it("familiarString keeps tag and digest", () => {
    const input = `busybox:latest@${BUSYBOX}`;
    assert.equal(familiarString(parseNormalizedReference(input)), input);
  });
});

describe("withDefaultTag (N-7)", () => {
  const cases: readonly { name: string; input: Reference; want: Reference }[] = [
    {
      name: "scenario 1: nginx gets latest",
      input: hub("library/nginx"),
      want: hub("library/nginx", { tag: "latest" }),
    },
    {
      name: "tag kept",
      input: hub("library/nginx", { tag: "1.25" }),
      want: hub("library/nginx", { tag: "1.25" }),
    },
    {
      name: "digest only gets no tag",
      input: hub("library/nginx", { digest: RUBY_20 }),
      want: hub("library/nginx", { digest: RUBY_20 }),
    },
    { name: "no domain", input: { path: "app" }, want: { path: "app", tag: "latest" } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(withDefaultTag(c.input), c.want);
    });
  }
});
