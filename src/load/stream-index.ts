/**
 * Lookups over the repository's streams by namespace/name: which exist, which
 * tags they define (in spec or, for status-only tags, in status), and which
 * images they hold. Pure.
 */
import type { Diagnostic } from "../model/diagnostic.ts";
import type { StreamEntry } from "../model/repository.ts";
import { diagnoseAt } from "./diagnose.ts";

/** "namespace/name": how streams are keyed. */
export function streamKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** "namespace/name:tag" of a tag of `entry`. */
export function tagKey(entry: StreamEntry, tag: string): string {
  return `${streamKey(entry.namespace, entry.stream.metadata.name)}:${tag}`;
}

/** Streams by key; the first definition wins, later ones are duplicates. */
export class StreamIndex {
  readonly #first = new Map<string, StreamEntry>();
  readonly #duplicates: { entry: StreamEntry; first: StreamEntry }[] = [];
  readonly #tags = new Map<string, ReadonlySet<string>>();

  constructor(entries: readonly StreamEntry[]) {
    for (const entry of entries) {
      const key = streamKey(entry.namespace, entry.stream.metadata.name);
      const first = this.#first.get(key);
      if (first === undefined) this.#first.set(key, entry);
      else this.#duplicates.push({ entry, first });
    }
  }

  /** The first stream defined under `key`. */
  get(key: string): StreamEntry | undefined {
    return this.#first.get(key);
  }

  /** Streams without the duplicates. */
  unique(): StreamEntry[] {
    return [...this.#first.values()];
  }

  /** True when the stream defines `tag` in spec or has it in status (a status-only tag). */
  hasTag(key: string, tag: string): boolean {
    let tags = this.#tags.get(key);
    if (tags === undefined) {
      const stream = this.#first.get(key)?.stream;
      tags = new Set([
        ...(stream?.spec?.tags ?? []).map((t) => t.name),
        ...(stream?.status?.tags ?? []).map((t) => t.tag),
      ]);
      this.#tags.set(key, tags);
    }
    return tags.has(tag);
  }

  /** Distinct status images of the stream equal to `id` or starting with it (an ID prefix). */
  imagesMatching(key: string, id: string): string[] {
    const images = new Set<string>();
    for (const tag of this.#first.get(key)?.stream.status?.tags ?? []) {
      for (const item of tag.items ?? []) {
        const hex = item.image.slice(item.image.indexOf(":") + 1);
        if (item.image !== "" && (item.image.startsWith(id) || hex.startsWith(id))) {
          images.add(item.image);
        }
      }
    }
    return [...images];
  }

  /** A DUPLICATE_STREAM diagnostic for every stream defined twice. */
  duplicates(): Diagnostic[] {
    return this.#duplicates.map(({ entry, first }) =>
      diagnoseAt(
        entry.at,
        "/metadata/name",
        "DUPLICATE_STREAM",
        `imagestream "${streamKey(entry.namespace, entry.stream.metadata.name)}" is defined twice`,
        {
          hint: `first defined at ${first.at.file.path}:${String(lineOf(first))}`,
        },
      ),
    );
  }
}

function lineOf(entry: StreamEntry): number {
  return diagnoseAt(entry.at, "/metadata/name", "DUPLICATE_STREAM", "").line;
}
