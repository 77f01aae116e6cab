/**
 * Examples on the real docker-registry: a copy of examples/ whose config
 * routes every registry the examples name to one local registry (a path
 * per host, through the config's `location`), images pushed by skopeo,
 * and readers of the streams the commands write.
 */
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestContext } from "node:test";
import { parse } from "yaml";
import { writeImage } from "./oci-image.ts";
import type { Registry } from "./registry-server.ts";
import { inspectDigest, pushLayout } from "./skopeo.ts";
import { projectRoot, tempRepo } from "./temp-repo.ts";

const hosts = ["docker.io", "quay.io", "registry.example.com", "registry.internal.example:5000"];

/** The examples' config, with every registry served by `registry` under a path named after the host. */
export function localConfig(registry: Registry): string {
  const entries = hosts
    .map(
      (h) => `  "${h}":\n    insecure: true\n    location: ${registry.host}/${h.replace(":", "-")}`,
    )
    .join("\n");
  return `files:
  include: ["imagestreams/**/*.yaml", "apps/**/*.yaml"]
  exclude: ["**/kustomization.yaml"]
namespace: demo
localRegistry: registry.example.com/mirror
registries:
${entries}
history: 5
`;
}

/** Where `ref` (as the examples name it) lives on the local registry. */
export function served(registry: Registry, ref: string): string {
  const host = hosts.find((h) => ref.startsWith(`${h}/`));
  assert.ok(host, `no host for ${ref}`);
  return `${registry.host}/${host.replace(":", "-")}/${ref.slice(host.length + 1)}`;
}

export async function push(
  t: TestContext,
  registry: Registry,
  ref: string,
  seed: string,
  created?: string,
): Promise<string> {
  const layout = await mkdtemp(path.join(tmpdir(), "isg-layout-"));
  t.after(() => rm(layout, { recursive: true, force: true }));
  const tag = ref.slice(ref.lastIndexOf(":") + 1);
  await writeImage(layout, { tag, seed, ...(created === undefined ? {} : { created }) });
  const target = served(registry, ref);
  await pushLayout(layout, tag, target);
  return inspectDigest(target);
}

/** Pushes an image for every tag the examples import, each from its own seed. */
export async function pushExampleImages(t: TestContext, registry: Registry): Promise<void> {
  await push(t, registry, "quay.io/sclorg/ruby-33-c9s:latest", "ruby33-a");
  await push(t, registry, "registry.example.com/platform/base:1.1", "base11");
  await push(t, registry, "docker.io/library/postgres:15", "pg15-a");
  for (const tag of ["2.0", "latest", "2.2"])
    await push(t, registry, `docker.io/openshift/ruby-20-centos7:${tag}`, `ruby20-${tag}`);
}

export async function examplesCopy(t: TestContext, registry: Registry): Promise<string> {
  const root = await tempRepo(t, {});
  await cp(path.join(projectRoot, "examples"), root, { recursive: true });
  await writeFile(path.join(root, "imagestream-gitops.yaml"), localConfig(registry));
  return root;
}

export async function snapshot(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(root, file), await readFile(file, "utf8"));
  }
  return files;
}

export interface StatusItem {
  dockerImageReference: string;
  image: string;
  created: string;
}
export interface StreamDoc {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { tags?: { name: string; annotations?: Record<string, string> }[] };
  status?: { tags: { tag: string; items: StatusItem[] }[] };
}

export async function streamDoc(root: string, file: string, name: string): Promise<StreamDoc> {
  const docs = (await readFile(path.join(root, file), "utf8"))
    .split(/^---$/m)
    .map((d) => parse(d, { version: "1.1" }) as StreamDoc & { items?: StreamDoc[] });
  const found = docs.flatMap((d) => d.items ?? [d]).find((d) => d.metadata.name === name);
  assert.ok(found, `no stream ${name} in ${file}`);
  return found;
}

export function itemsOf(stream: StreamDoc, tag: string): StatusItem[] {
  return stream.status?.tags.find((t) => t.tag === tag)?.items ?? [];
}
