/**
 * Generated GitOps repositories for the benchmarks: ImageStream files,
 * Deployments following their tags through trigger annotations, and a
 * config that routes the made-up registry `bench.example` to a local one.
 * Names are zero-padded so files sort as they are numbered.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** The registry name the generated streams import from. */
export const BENCH_REGISTRY = "bench.example";

/** The repository (on the registry) stream `index` imports from. */
export function streamRepo(index: number): string {
  return `streams/${streamName(index)}`;
}

/** The name of stream `index`. */
export function streamName(index: number): string {
  return `s-${String(index).padStart(4, "0")}`;
}

/** The tag names of every generated stream. */
export function tagNames(perStream: number): string[] {
  return Array.from({ length: perStream }, (_, i) => `t${String(i)}`);
}

/** What {@link writeStreams} writes. */
export interface StreamsOptions {
  readonly streams: number;
  readonly tagsPerStream: number;
  /** `importPolicy.scheduled: true` on every tag: each run asks the registry. */
  readonly scheduled?: boolean;
}

function streamYaml(index: number, tags: readonly string[], scheduled: boolean): string {
  const name = streamName(index);
  const policy = scheduled ? "\n      importPolicy:\n        scheduled: true" : "";
  const specTags = tags.map(
    (tag) =>
      `    - name: ${tag}\n      from:\n        kind: DockerImage\n` +
      `        name: ${BENCH_REGISTRY}/${streamRepo(index)}:${tag}${policy}`,
  );
  return (
    `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: ${name}\n` +
    `  namespace: bench\nspec:\n  tags:\n${specTags.join("\n")}\n`
  );
}

/** Writes `imagestreams/s-NNNN.yaml`, one stream per file. */
export async function writeStreams(root: string, options: StreamsOptions): Promise<void> {
  const dir = path.join(root, "imagestreams");
  await mkdir(dir, { recursive: true });
  const tags = tagNames(options.tagsPerStream);
  for (let i = 0; i < options.streams; i++) {
    await writeFile(
      path.join(dir, `${streamName(i)}.yaml`),
      streamYaml(i, tags, options.scheduled === true),
    );
  }
}

function deploymentYaml(index: number, stream: string): string {
  const name = `w-${String(index).padStart(4, "0")}`;
  const trigger = JSON.stringify([
    {
      from: { kind: "ImageStreamTag", name: `${stream}:t0` },
      fieldPath: 'spec.template.spec.containers[?(@.name=="app")].image',
    },
  ]);
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: bench
  annotations:
    image.openshift.io/triggers: '${trigger}'
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: app
          image: placeholder:latest
          ports:
            - containerPort: 8080
`;
}

/** Writes `apps/w-NNNN.yaml`: Deployments, workload `i` following stream `i % streams`'s `t0`. */
export async function writeWorkloads(root: string, count: number, streams: number): Promise<void> {
  const dir = path.join(root, "apps");
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    await writeFile(
      path.join(dir, `w-${String(i).padStart(4, "0")}.yaml`),
      deploymentYaml(i, streamName(i % streams)),
    );
  }
}

/** A registry entry of the config file. */
export interface RegistryEntry {
  readonly location?: string;
  readonly insecure?: boolean;
  /** A CA file, relative to the repository root. */
  readonly ca?: string;
}

/** Writes `imagestream-gitops.yaml` with `registries`. */
export async function writeConfig(
  root: string,
  registries: Readonly<Record<string, RegistryEntry>>,
): Promise<void> {
  const entries = Object.entries(registries).map(([host, entry]) => {
    const fields = Object.entries(entry).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
    return `  "${host}":\n${fields.join("\n")}`;
  });
  const text =
    `namespace: bench\nlocalRegistry: ${BENCH_REGISTRY}/mirror\n` +
    `registries:\n${entries.join("\n")}\n`;
  await writeFile(path.join(root, "imagestream-gitops.yaml"), text);
}
