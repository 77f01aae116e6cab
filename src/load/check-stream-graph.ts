/**
 * Checks across streams: duplicate stream names in a namespace, ImageStreamTag
 * and ImageStreamImage sources that name nothing in the repository, and
 * ImageStreamTag chains that loop (`reference tag is circular`). Pure.
 */
import type { Diagnostic } from "../model/diagnostic.ts";
import type { StreamEntry } from "../model/repository.ts";
import { parseSourceName } from "../reference/index.ts";
import { diagnoseAt } from "./diagnose.ts";
import { StreamIndex, streamKey, tagKey } from "./stream-index.ts";

/** A tag's ImageStreamTag edge: the tag at `from` follows the tag at `to`. */
interface Edge {
  readonly from: string;
  readonly to: string;
  readonly entry: StreamEntry;
  readonly pointer: string;
}

/**
 * Cross-stream problems of `entries`. `otherKeys` names streams that exist but
 * failed their own checks: references to them are not reported again.
 */
export function checkStreamGraph(
  entries: readonly StreamEntry[],
  otherKeys: ReadonlySet<string>,
): Diagnostic[] {
  const index = new StreamIndex(entries);
  const found: Diagnostic[] = [...index.duplicates()];
  const edges: Edge[] = [];
  for (const entry of index.unique()) {
    for (const [i, tag] of (entry.stream.spec?.tags ?? []).entries()) {
      const from = tag.from;
      if (from === undefined || from === null || from.kind === "DockerImage") continue;
      const pointer = `/spec/tags/${i}/from/name`;
      const source = resolveSource(from.kind, from.name, from.namespace, entry);
      if (source === undefined) continue;
      const target = index.get(source.key);
      if (target === undefined) {
        if (!otherKeys.has(source.key)) found.push(missingStream(source.key, entry, pointer));
        continue;
      }
      if (source.tag !== undefined) {
        if (!index.hasTag(source.key, source.tag)) {
          found.push(missingTag(source.key, source.tag, entry, pointer));
        } else {
          edges.push({
            from: tagKey(entry, tag.name),
            to: `${source.key}:${source.tag}`,
            entry,
            pointer,
          });
        }
      } else if (source.id !== undefined) {
        found.push(...checkImage(index, source.key, source.id, entry, pointer));
      }
    }
  }
  return [...found, ...cycles(edges)];
}

function resolveSource(
  kind: "ImageStreamTag" | "ImageStreamImage",
  name: string,
  namespace: string | undefined,
  entry: StreamEntry,
): { key: string; tag?: string; id?: string } | undefined {
  try {
    const parsed = parseSourceName(kind, name);
    const ns = namespace !== undefined && namespace !== "" ? namespace : entry.namespace;
    const key = streamKey(ns, parsed.stream ?? entry.stream.metadata.name);
    return kind === "ImageStreamTag"
      ? { key, ...(parsed.tag === undefined ? {} : { tag: parsed.tag }) }
      : { key, ...(parsed.id === undefined ? {} : { id: parsed.id }) };
  } catch {
    return undefined; // reported by checkStream
  }
}

function missingStream(key: string, entry: StreamEntry, pointer: string): Diagnostic {
  return diagnoseAt(
    entry.at,
    pointer,
    "MISSING_TAG",
    `imagestream "${key}" not found in the repository`,
    {
      hint: "define that ImageStream in this repository, or set from.namespace to where it lives",
    },
  );
}

function missingTag(key: string, tag: string, entry: StreamEntry, pointer: string): Diagnostic {
  return diagnoseAt(entry.at, pointer, "MISSING_TAG", `imagestreamtag "${key}:${tag}" not found`, {
    hint: `add a tag named "${tag}" to the "${key}" stream's spec.tags`,
  });
}

function checkImage(
  index: StreamIndex,
  key: string,
  id: string,
  entry: StreamEntry,
  pointer: string,
): Diagnostic[] {
  const matches = index.imagesMatching(key, id);
  if (matches.length === 1) return [];
  if (matches.length === 0) {
    return [
      diagnoseAt(
        entry.at,
        pointer,
        "MISSING_IMAGE",
        `error generating tag event: image "${id}" not found in the status of imagestream "${key}"`,
        {
          hint: "an ImageStreamImage must name an image the source stream has imported",
        },
      ),
    ];
  }
  return [
    diagnoseAt(entry.at, pointer, "AMBIGUOUS_IMAGE", `multiple images match the prefix "${id}"`, {
      hint: "use more characters of the digest, or the whole sha256:... digest",
    }),
  ];
}

/**
 * One diagnostic per ImageStreamTag cycle, at its first tag in file order.
 * A tag has at most one source, so the edges form a functional graph: one
 * walk per tag, each tag visited once overall (linear, where walking every
 * chain from every tag was cubic on a long alias chain).
 */
function cycles(edges: readonly Edge[]): Diagnostic[] {
  const next = new Map(edges.map((e) => [e.from, e]));
  const done = new Set<string>();
  const found: Diagnostic[] = [];
  for (const start of edges) {
    const walk = new Map<string, number>();
    let node: string | undefined = start.from;
    while (node !== undefined && !done.has(node) && !walk.has(node)) {
      walk.set(node, walk.size);
      node = next.get(node)?.to;
    }
    if (node !== undefined && walk.has(node)) {
      const loop = [...walk.keys()].slice(walk.get(node));
      found.push(cycleDiagnostic(loop, edges));
    }
    for (const visited of walk.keys()) done.add(visited);
  }
  return found;
}

function cycleDiagnostic(loop: readonly string[], edges: readonly Edge[]): Diagnostic {
  const members = new Set(loop);
  const first = edges.find((e) => members.has(e.from)) ?? edges[0];
  if (first === undefined) throw new Error("a cycle without edges");
  const rotated = [
    ...loop.slice(loop.indexOf(first.from)),
    ...loop.slice(0, loop.indexOf(first.from)),
  ];
  return diagnoseAt(
    first.entry.at,
    first.pointer,
    "TAG_CYCLE",
    `reference tag is circular: ${[...rotated, first.from].join(" -> ")}`,
    { hint: "point one of these tags at a DockerImage or at a tag outside the loop" },
  );
}
