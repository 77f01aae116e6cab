import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseChallenges } from "../../src/registry/challenge.ts";
import { nextPage } from "../../src/registry/remote-tags.ts";
import { RegistryError } from "../../src/registry/errors.ts";
import { Limiter } from "../../src/registry/limiter.ts";
import { parsePlatform, selectPlatform } from "../../src/registry/manifest.ts";
import { redactUrl } from "../../src/registry/redact.ts";
import {
  defaultRetryPolicy,
  isRetriableStatus,
  parseRetryAfter,
  retryDelay,
} from "../../src/registry/retry.ts";

describe("parseChallenges", () => {
  const cases = [
    {
      name: "Docker Hub bearer",
      header:
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      want: [
        {
          scheme: "bearer",
          params: {
            realm: "https://auth.docker.io/token",
            service: "registry.docker.io",
            scope: "repository:library/nginx:pull",
          },
        },
      ],
    },
    {
      name: "basic with realm",
      header: 'Basic realm="Registry Realm"',
      want: [{ scheme: "basic", params: { realm: "Registry Realm" } }],
    },
    {
      name: "two challenges, unquoted values, spaces",
      header: 'Basic realm=r , Bearer realm="https://a/t", service = s',
      want: [
        { scheme: "basic", params: { realm: "r" } },
        { scheme: "bearer", params: { realm: "https://a/t", service: "s" } },
      ],
    },
    {
      name: "escaped quote",
      header: 'Bearer realm="a\\"b"',
      want: [{ scheme: "bearer", params: { realm: 'a"b' } }],
    },
    {
      name: "no scope (a quirk some registries have)",
      header: 'Bearer realm="https://r/t",service="x"',
      want: [{ scheme: "bearer", params: { realm: "https://r/t", service: "x" } }],
    },
    { name: "empty", header: "", want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(parseChallenges(c.header), c.want);
    });
  }
});

describe("retry policy", () => {
  it("retries 429, 5xx and 408, never other 4xx", () => {
    assert.deepEqual(
      [200, 400, 401, 403, 404, 408, 429, 500, 502, 503, 504].filter(isRetriableStatus),
      [408, 429, 500, 502, 503, 504],
    );
  });

  it("honours Retry-After in seconds and as a date, within the policy's limit", () => {
    const now = Date.parse("2026-11-23T12:00:00Z");
    assert.equal(parseRetryAfter("3", now), 3000);
    assert.equal(parseRetryAfter("Mon, 23 Nov 2026 12:00:05 GMT", now), 5000);
    assert.equal(
      retryDelay(defaultRetryPolicy, 1, "2", now, () => 0.5),
      2000,
    );
    assert.equal(
      retryDelay(defaultRetryPolicy, 1, "3600", now, () => 0.5),
      undefined,
    );
  });

  it("backs off exponentially with full jitter, capped", () => {
    const delays = [1, 2, 3, 10].map((a) =>
      retryDelay(defaultRetryPolicy, a, undefined, 0, () => 1),
    );
    assert.deepEqual(delays, [250, 500, 1000, 5000]);
    assert.equal(
      retryDelay(defaultRetryPolicy, 3, undefined, 0, () => 0),
      0,
    );
  });
});

describe("redactUrl and RegistryError", () => {
  it("removes user info and token parameters", () => {
    assert.equal(
      redactUrl("https://user:pw@auth.example.com/token?service=s&access_token=abc&scope=x"),
      "https://auth.example.com/token?service=s&access_token=REDACTED&scope=x",
    );
  });

  it("keeps only the distribution API's own query values, so signed storage URLs leak nothing", () => {
    const signed =
      "https://bucket.s3.amazonaws.com/docker/blobs/data?X-Amz-Security-Token=sts&X-Amz-Credential=c&X-Goog-Signature=g&verify=v&sig=a&se=2030";
    assert.doesNotMatch(redactUrl(signed), /=(sts|c|g|v|a|2030)(&|$)/);
    assert.equal(
      redactUrl(
        "https://r.example.com/v2/a/blobs/uploads/?mount=sha256:1&from=b&_state=s&n=5&last=x",
      ),
      "https://r.example.com/v2/a/blobs/uploads/?mount=sha256%3A1&from=b&_state=REDACTED&n=5&last=x",
    );
  });

  it("names the request, the status and the registry's error codes", () => {
    const err = new RegistryError("not found", {
      method: "GET",
      url: "https://r.example.com/v2/a/manifests/1?token=secret",
      status: 404,
      ociErrors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }],
      transient: false,
    });
    assert.equal(
      err.message,
      "GET https://r.example.com/v2/a/manifests/1?token=REDACTED: 404 MANIFEST_UNKNOWN: manifest unknown",
    );
    assert.equal(err.code, "REGISTRY");
  });
});

describe("platforms and pagination", () => {
  it("parses and selects platforms", () => {
    const manifests = [
      {
        mediaType: "m",
        digest: "sha256:1",
        size: 1,
        platform: { os: "linux", architecture: "arm", variant: "v7" },
      },
      {
        mediaType: "m",
        digest: "sha256:2",
        size: 1,
        platform: { os: "linux", architecture: "amd64" },
      },
      {
        mediaType: "m",
        digest: "sha256:3",
        size: 1,
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
      },
    ];
    assert.equal(
      selectPlatform(manifests, { os: "linux", architecture: "amd64" })?.digest,
      "sha256:2",
    );
    assert.equal(
      selectPlatform(manifests, { os: "linux", architecture: "arm64" })?.digest,
      "sha256:3",
    );
    assert.equal(
      selectPlatform(manifests, { os: "linux", architecture: "arm", variant: "v6" }),
      undefined,
    );
    assert.deepEqual(parsePlatform("linux/arm/v7"), {
      os: "linux",
      architecture: "arm",
      variant: "v7",
    });
    assert.equal(parsePlatform("linux"), undefined);
  });

  it("follows Link: <...>; rel=next", () => {
    assert.equal(
      nextPage('</v2/a/tags/list?last=t9&n=10>; rel="next"'),
      "/v2/a/tags/list?last=t9&n=10",
    );
    assert.equal(nextPage(undefined), undefined);
    assert.equal(nextPage('</x>; rel="prev"'), undefined);
  });
});

describe("RegistryStats", () => {
  it("counts body bytes of GETs (not HEADs) and bytes sent, and keeps the rate limit", async () => {
    const { RegistryStats } = await import("../../src/registry/stats.ts");
    const stats = new RegistryStats();
    stats.request("r");
    stats.response("r", "HEAD", { "content-length": "400" });
    stats.request("r");
    stats.response("r", "GET", {
      "content-length": "1000",
      "ratelimit-limit": "100;w=21600",
      "ratelimit-remaining": "76;w=21600",
    });
    stats.retry("r");
    stats.sent("r", 512);
    assert.deepEqual(stats.snapshot(), {
      r: {
        requests: 2,
        retries: 1,
        bytes: 1000,
        bytesSent: 512,
        rateLimit: "100;w=21600",
        rateLimitRemaining: "76;w=21600",
      },
    });
  });
});

describe("Limiter", () => {
  it("never runs more than its limit at once", async () => {
    const limiter = new Limiter(3);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        limiter.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 2));
          active--;
        }),
      ),
    );
    assert.equal(peak, 3);
  });
});
