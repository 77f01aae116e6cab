/**
 * listReferrers against the real docker-registry and against a scripted
 * server. distribution 2.8.2 has no Referrers API (it answers 404), so the
 * real registry exercises the referrers tag schema fallback, with skopeo as
 * the oracle of what the registry holds. The 1.1 API itself (pages linked by
 * Link, OCI-Filters-Applied) is served by a small scripted server on
 * 127.0.0.1, because no registry on this machine implements it.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it, type TestContext } from "node:test";
import { ReferenceParseError } from "../../src/reference/index.ts";
import { DigestMismatchError, RegistryError } from "../../src/registry/errors.ts";
import { referrersTag, type Referrer } from "../../src/registry/referrers.ts";
import { listReferrers } from "../../src/registry/remote-referrers.ts";
import { RemoteRepository } from "../../src/registry/remote-repository.ts";
import { RegistrySession, type RepositoryTarget } from "../../src/registry/session.ts";
import {
  Transport,
  type BufferedResponse,
  type HttpRequest,
  type HttpResponse,
} from "../../src/registry/transport.ts";
import {
  referrersIndex,
  sha256Digest,
  writeArtifact,
  writeImage,
  type ReferrerDescriptor,
  type ReferrersIndex,
} from "../support/oci-image.ts";
import { startRegistry, storedBlobPath, type Registry } from "../support/registry-server.ts";
import { inspectRaw, pushLayout } from "../support/skopeo.ts";
import { tempRepo } from "../support/temp-repo.ts";

const ociIndex = "application/vnd.oci.image.index.v1+json";
const ociManifest = "application/vnd.oci.image.manifest.v1+json";
const spdx = "application/spdx+json";
const cosign = "application/vnd.dev.cosign.simplesigning.v1+json";

/** One request the client sent, as the transport saw it. */
interface Sent {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  readonly accept: string | undefined;
}

/** The real transport, keeping a log of what it sends. */
class RecordingTransport extends Transport {
  readonly sent: Sent[] = [];

  override send(request: HttpRequest): Promise<HttpResponse> {
    this.#record(request);
    return super.send(request);
  }

  override read(request: HttpRequest, limit: number): Promise<BufferedResponse> {
    this.#record(request);
    return super.read(request, limit);
  }

  #record(request: HttpRequest): void {
    const path = request.url.pathname + request.url.search;
    this.sent.push({ method: request.method, path, accept: request.headers?.["accept"] });
  }
}

/** A session over plain HTTP (insecure) with a recording transport, closed when `t` ends. */
function newSession(t: TestContext): { session: RegistrySession; transport: RecordingTransport } {
  const settings = () => ({ insecure: true, concurrency: 4 });
  const transport = new RecordingTransport({
    hostSettings: settings,
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 10 },
    timeoutMs: 10_000,
  });
  const credentials = { lookup: () => Promise.resolve(undefined) };
  t.after(() => transport.close());
  return {
    session: new RegistrySession({ transport, credentials, hostSettings: settings }),
    transport,
  };
}

function targetOf(host: string, repository: string): RepositoryTarget {
  return { host, repository, display: `${host}/${repository}` };
}

/** Requests other than the /v2/ ping. */
function apiRequests(transport: RecordingTransport): Sent[] {
  return transport.sent.filter((s) => s.path !== "/v2/");
}

/**
 * Stores a referrers tag index by PUT, as a client without the Referrers
 * API maintains it (skopeo 1.9 cannot copy an index whose entries carry
 * `artifactType` with its digest preserved).
 */
async function putIndex(registry: Registry, repo: string, index: ReferrersIndex): Promise<void> {
  const response = await fetch(`${registry.url}/v2/${repo}/manifests/${index.tag}`, {
    method: "PUT",
    headers: { "content-type": index.mediaType },
    body: index.bytes,
  });
  assert.equal(response.status, 201, await response.text());
  assert.equal(response.headers.get("docker-content-digest"), index.digest);
}

/** An image with an SBOM and a signature referring to it, pushed to `repo` with skopeo. */
async function pushImageWithReferrers(
  t: TestContext,
  registry: Registry,
  repo: string,
): Promise<{ digest: string; sbom: ReferrerDescriptor; signature: ReferrerDescriptor }> {
  const layout = await tempRepo(t, {});
  const image = await writeImage(layout, { tag: "v1", seed: `${repo} image` });
  const sbom = await writeArtifact(layout, {
    tag: "sbom",
    subject: image,
    artifactType: spdx,
    content: JSON.stringify({ spdxVersion: "SPDX-2.3", name: repo }),
    annotations: { "org.opencontainers.image.created": "2024-01-02T03:04:05Z" },
  });
  const signature = await writeArtifact(layout, {
    tag: "signature",
    subject: image,
    artifactType: cosign,
    content: JSON.stringify({ critical: { image: { "docker-manifest-digest": image.digest } } }),
    annotations: { "dev.cosignproject.cosign/signature": "MEUCIQ==" },
  });
  for (const tag of ["v1", "sbom", "signature"]) {
    await pushLayout(layout, tag, `${registry.host}/${repo}:${tag}`);
  }
  return { digest: image.digest, sbom, signature };
}

describe("listReferrers against docker-registry (no Referrers API)", { concurrency: true }, () => {
  it("reads the referrers tag schema's index after the API's 404, filtered by artifactType", async (t) => {
    const registry = await startRegistry(t);
    const repo = "signed/app";
    const { digest, sbom, signature } = await pushImageWithReferrers(t, registry, repo);
    const index = referrersIndex(digest, [sbom, signature]);
    await putIndex(registry, repo, index);
    // skopeo: the tag holds exactly that index, and the artifact names the image as its subject.
    assert.ok((await inspectRaw(`${registry.host}/${repo}:${index.tag}`)).equals(index.bytes));
    const artifact = JSON.parse(
      (await inspectRaw(`${registry.host}/${repo}@${sbom.digest}`)).toString("utf8"),
    ) as { subject?: { digest?: string }; artifactType?: string };
    assert.equal(artifact.subject?.digest, digest);
    assert.equal(artifact.artifactType, spdx);

    const { session, transport } = newSession(t);
    const target = targetOf(registry.host, repo);
    assert.deepEqual(await listReferrers(session, target, digest), [sbom, signature]);
    const sent = apiRequests(transport);
    assert.deepEqual(
      sent.map((s) => s.path),
      [`/v2/${repo}/referrers/${digest}`, `/v2/${repo}/manifests/${index.tag}`],
    );
    assert.equal(sent[0]?.accept, ociIndex);
    assert.ok(sent[1]?.accept?.includes(ociIndex));

    transport.sent.length = 0;
    assert.deepEqual(await listReferrers(session, target, digest, { artifactType: spdx }), [sbom]);
    assert.equal(
      apiRequests(transport)[0]?.path,
      `/v2/${repo}/referrers/${digest}?artifactType=application%2Fspdx%2Bjson`,
    );
    assert.deepEqual(await listReferrers(session, target, digest, { artifactType: cosign }), [
      signature,
    ]);
    assert.deepEqual(
      await listReferrers(session, target, digest, { artifactType: "application/x-none" }),
      [],
    );
    // The same through the repository, as imports and mirrors reach it.
    const repository = new RemoteRepository(session, target);
    assert.deepEqual(await repository.listReferrers(digest, { artifactType: cosign }), [signature]);
  });

  it("no referrers tag, or a tag that holds no image index, means no referrers", async (t) => {
    const registry = await startRegistry(t);
    const repo = "plain/app";
    const layout = await tempRepo(t, {});
    const lonely = await writeImage(layout, { tag: "lonely", seed: "lonely" });
    const other = await writeImage(layout, { tag: "other", seed: "other" });
    // An ordinary image tagged like the schema's tag for `other`: not a referrers list.
    const impostor = await writeImage(layout, {
      tag: referrersTag(other.digest),
      seed: "impostor",
    });
    for (const tag of [lonely.tag, other.tag, impostor.tag]) {
      await pushLayout(layout, tag, `${registry.host}/${repo}:${tag}`);
    }
    assert.equal(
      sha256Digest(await inspectRaw(`${registry.host}/${repo}:${impostor.tag}`)),
      impostor.digest,
    );
    const { session, transport } = newSession(t);
    const target = targetOf(registry.host, repo);
    assert.deepEqual(await listReferrers(session, target, lonely.digest), []);
    assert.deepEqual(
      apiRequests(transport).map((s) => s.path),
      [
        `/v2/${repo}/referrers/${lonely.digest}`,
        `/v2/${repo}/manifests/${referrersTag(lonely.digest)}`,
      ],
    );
    assert.deepEqual(await listReferrers(session, target, other.digest), []);
  });

  it("verifies the tag's index: bytes that do not hash to the announced digest fail", async (t) => {
    const registry = await startRegistry(t);
    const repo = "tampered/app";
    const { digest, sbom } = await pushImageWithReferrers(t, registry, repo);
    const index = referrersIndex(digest, [sbom]);
    await putIndex(registry, repo, index);
    // Change the stored bytes behind the registry's back (still valid JSON, same link).
    const data = storedBlobPath(registry, index.digest);
    const stored = await readFile(data, "utf8");
    assert.equal(stored, index.bytes.toString("utf8"));
    await writeFile(data, stored.replace("{", "{ "));
    const { session } = newSession(t);
    await assert.rejects(
      listReferrers(session, targetOf(registry.host, repo), digest),
      (err: unknown) => {
        assert.ok(err instanceof DigestMismatchError, String(err));
        assert.equal(err.want, index.digest);
        assert.equal(err.bytesRead, index.size + 1);
        return true;
      },
    );
  });

  it("refuses a digest that is not one, before any request", async (t) => {
    const { session, transport } = newSession(t);
    await assert.rejects(
      listReferrers(session, targetOf("127.0.0.1:9", "a/b"), "sha256:abc"),
      ReferenceParseError,
    );
    assert.deepEqual(transport.sent, []);
  });
});

/** How the scripted server answers the Referrers API. */
type ApiMode =
  /** Per the spec, applying the artifactType filter and saying so. */
  | "filters"
  /** Per the spec, but ignoring the artifactType filter (it is a SHOULD). */
  | "ignores-filter"
  /** 200 with a JSON body that is not an image index (a proxy, an old extension). */
  | "not-an-index"
  /** 404 NAME_UNKNOWN: the repository does not exist. */
  | "name-unknown";

/** One request the server received. */
interface Received {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly accept: string | undefined;
}

const subject = `sha256:${"5".repeat(64)}`;

function descriptor(n: number, artifactType: string | undefined): Referrer {
  const base = {
    mediaType: artifactType === undefined ? ociIndex : ociManifest,
    digest: `sha256:${String(n).repeat(64)}`,
    size: 500 + n,
    annotations: { "org.example.n": String(n) },
  };
  // An index without artifactType is listed without one (distribution-spec 1.1).
  return artifactType === undefined ? base : { ...base, artifactType };
}

const referrers = [
  descriptor(1, spdx),
  descriptor(2, cosign),
  descriptor(3, spdx),
  descriptor(4, undefined),
  descriptor(6, spdx),
];

/**
 * A registry that implements GET /v2/ and GET /v2/app/referrers/<subject>
 * (distribution-spec 1.1 "Listing Referrers"), two referrers per page with
 * a `Link: <...>; rel="next"` to the rest, and GET of the referrers tag for
 * the fallback. Scripted because no registry here implements the 1.1 API.
 */
async function startReferrersServer(
  t: TestContext,
  mode: ApiMode,
): Promise<{ host: string; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://placeholder");
    received.push({
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      accept: req.headers.accept,
    });
    const { status, headers, body } = answer(mode, url);
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  });
  return { host: `127.0.0.1:${String((server.address() as AddressInfo).port)}`, received };
}

/** A scripted answer. */
interface Answer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
}

function answer(mode: ApiMode, url: URL): Answer {
  if (url.pathname === "/v2/") return { status: 200, body: {} };
  if (url.pathname === `/v2/app/referrers/${subject}`) return referrersPage(mode, url);
  if (url.pathname === `/v2/app/manifests/${subject.replace(":", "-")}`) {
    const body = { schemaVersion: 2, mediaType: ociIndex, manifests: referrers };
    const digest = sha256Digest(JSON.stringify(body));
    return {
      status: 200,
      headers: { "content-type": ociIndex, "docker-content-digest": digest },
      body,
    };
  }
  return { status: 404, body: { errors: [{ code: "MANIFEST_UNKNOWN", message: "not here" }] } };
}

/** One page of two referrers, filtered when the mode says so, linked to the next. */
function referrersPage(mode: ApiMode, url: URL): Answer {
  if (mode === "not-an-index") return { status: 200, body: { referrers: [] } };
  if (mode === "name-unknown") {
    const errors = [{ code: "NAME_UNKNOWN", message: "repository name not known" }];
    return { status: 404, body: { errors } };
  }
  const artifactType = url.searchParams.get("artifactType");
  const filter = mode === "filters" && artifactType !== null;
  const listed = filter ? referrers.filter((r) => r.artifactType === artifactType) : referrers;
  const start = Number(url.searchParams.get("page") ?? "0");
  const next = new URLSearchParams(url.searchParams);
  next.set("page", String(start + 2));
  const headers: Record<string, string> = { "content-type": ociIndex };
  if (filter) headers["oci-filters-applied"] = "artifactType";
  if (start + 2 < listed.length)
    headers["link"] = `<${url.pathname}?${next.toString()}>; rel="next"`;
  const manifests = listed.slice(start, start + 2);
  return { status: 200, headers, body: { schemaVersion: 2, mediaType: ociIndex, manifests } };
}

describe("listReferrers against a Referrers API (scripted server)", { concurrency: true }, () => {
  it("follows Link to every page", async (t) => {
    const server = await startReferrersServer(t, "filters");
    const { session } = newSession(t);
    assert.deepEqual(
      await listReferrers(session, targetOf(server.host, "app"), subject),
      referrers,
    );
    assert.deepEqual(server.received, [
      { path: "/v2/", query: {}, accept: undefined },
      { path: `/v2/app/referrers/${subject}`, query: {}, accept: ociIndex },
      { path: `/v2/app/referrers/${subject}`, query: { page: "2" }, accept: ociIndex },
      { path: `/v2/app/referrers/${subject}`, query: { page: "4" }, accept: ociIndex },
    ]);
  });

  it("asks the registry to filter and keeps what it returns under OCI-Filters-Applied", async (t) => {
    const server = await startReferrersServer(t, "filters");
    const { session } = newSession(t);
    const got = await listReferrers(session, targetOf(server.host, "app"), subject, {
      artifactType: spdx,
    });
    assert.deepEqual(got, [descriptor(1, spdx), descriptor(3, spdx), descriptor(6, spdx)]);
    assert.deepEqual(server.received.slice(1), [
      { path: `/v2/app/referrers/${subject}`, query: { artifactType: spdx }, accept: ociIndex },
      {
        path: `/v2/app/referrers/${subject}`,
        query: { artifactType: spdx, page: "2" },
        accept: ociIndex,
      },
    ]);
  });

  it("filters by itself when the registry did not say it filtered", async (t) => {
    const server = await startReferrersServer(t, "ignores-filter");
    const { session } = newSession(t);
    const got = await listReferrers(session, targetOf(server.host, "app"), subject, {
      artifactType: spdx,
    });
    assert.deepEqual(got, [descriptor(1, spdx), descriptor(3, spdx), descriptor(6, spdx)]);
    assert.deepEqual(
      server.received.slice(1).map((r) => r.query),
      [
        { artifactType: spdx },
        { artifactType: spdx, page: "2" },
        { artifactType: spdx, page: "4" },
      ],
    );
  });

  it("falls back to the referrers tag when the API answers with something that is not an index", async (t) => {
    const server = await startReferrersServer(t, "not-an-index");
    const { session } = newSession(t);
    const got = await listReferrers(session, targetOf(server.host, "app"), subject, {
      artifactType: cosign,
    });
    assert.deepEqual(got, [descriptor(2, cosign)]);
    assert.deepEqual(
      server.received.slice(1).map((r) => r.path),
      [`/v2/app/referrers/${subject}`, `/v2/app/manifests/${subject.replace(":", "-")}`],
    );
  });

  it("reports an unknown repository instead of falling back", async (t) => {
    const server = await startReferrersServer(t, "name-unknown");
    const { session } = newSession(t);
    await assert.rejects(
      listReferrers(session, targetOf(server.host, "app"), subject),
      (err: unknown) => {
        assert.ok(err instanceof RegistryError, String(err));
        assert.equal(err.status, 404);
        assert.deepEqual(
          err.ociErrors.map((e) => e.code),
          ["NAME_UNKNOWN"],
        );
        return true;
      },
    );
    assert.equal(server.received.length, 2);
  });
});
