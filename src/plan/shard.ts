/**
 * Sharding (`--shard i/n`): a stable split of a repository's streams into n
 * parts, so a GitHub Actions matrix or a Kubernetes Indexed Job runs one
 * part each. Streams that resolve tags from one another (ImageStreamTag and
 * ImageStreamImage sources) stay in one shard, so every shard plans with all
 * it needs; a workload goes with the triggers that follow its shard's
 * streams. The hash is SHA-256, so the split is the same on every machine
 * and in every run. Pure.
 */
import { createHash } from "node:crypto";
import type { ObjectReference } from "../model/generated/imagestream.ts";
import type { StreamEntry, WorkloadEntry } from "../model/repository.ts";
import { parseSourceName } from "../reference/index.ts";

/** Shard `index` of `count`, 1-based as a matrix or an Indexed Job counts from 1 or 0 + 1. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * Parses `i/n` (1 ≤ i ≤ n ≤ 1024); undefined when `text` is not that.
 */
export function parseShard(text: string): Shard | undefined {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  if (match === null) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return index >= 1 && count <= 1024 && index <= count ? { index, count } : undefined;
}

/** The shard (1-based) a key falls in: the first 32 bits of its SHA-256, modulo `count`. */
export function shardOfKey(key: string, count: number): number {
  const hash = createHash("sha256").update(key).digest();
  return (hash.readUInt32BE(0) % count) + 1;
}

/** The streams and workloads a shard plans. */
export interface ShardInput {
  readonly streams: readonly StreamEntry[];
  readonly workloads: readonly WorkloadEntry[];
  /** Whether the stream `namespace/name` belongs to the shard (also for streams no longer in the repository). */
  readonly owns: (namespace: string, name: string) => boolean;
}

/** Selects `shard`'s part of the streams and workloads. */
export function selectShard(
  streams: readonly StreamEntry[],
  workloads: readonly WorkloadEntry[],
  shard: Shard,
): ShardInput {
  const groupOf = streamGroups(streams);
  const owns = (namespace: string, name: string): boolean => {
    const key = `${namespace}/${name}`;
    return shardOfKey(groupOf.get(key) ?? key, shard.count) === shard.index;
  };
  const selected = workloads
    .map((w) => ({
      ...w,
      triggers: w.triggers.filter((t) => owns(t.source.namespace, t.source.stream)),
    }))
    .filter((w) => w.triggers.length > 0);
  return {
    streams: streams.filter((s) => owns(s.namespace, s.stream.metadata.name)),
    workloads: selected,
    owns,
  };
}

/** Each stream's group: the least `namespace/name` of the streams it is linked to through tag sources. */
function streamGroups(streams: readonly StreamEntry[]): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let root = key;
    while ((parent.get(root) ?? root) !== root) root = parent.get(root) ?? root;
    parent.set(key, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (const entry of streams) {
    const key = `${entry.namespace}/${entry.stream.metadata.name}`;
    parent.set(key, parent.get(key) ?? key);
    for (const tag of entry.stream.spec?.tags ?? []) {
      const source = sourceStream(entry, tag.from);
      if (source !== undefined) union(key, source);
    }
  }
  return new Map([...parent.keys()].map((key) => [key, find(key)]));
}

/** `namespace/name` of the stream a tag resolves from; undefined for registry sources and bad names. */
function sourceStream(
  entry: StreamEntry,
  from: ObjectReference | null | undefined,
): string | undefined {
  if (
    from === undefined ||
    from === null ||
    (from.kind !== "ImageStreamTag" && from.kind !== "ImageStreamImage")
  ) {
    return undefined;
  }
  try {
    // A bare name (`2.0`, `sha256:…`) is a tag or image of the stream itself.
    const stream = parseSourceName(from.kind, from.name).stream ?? entry.stream.metadata.name;
    const namespace =
      from.namespace === undefined || from.namespace === "" ? entry.namespace : from.namespace;
    return `${namespace}/${stream}`;
  } catch {
    return undefined; // validate reports it; the stream is planned on its own.
  }
}
