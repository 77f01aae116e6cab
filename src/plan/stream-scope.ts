/**
 * One stream as the planner sees it: its names, the generation this run's
 * new status items get, and the gates that apply to it. Pure.
 */
import type { ResolvedConfig } from "../model/config.ts";
import type { ImageStream } from "../model/generated/imagestream.ts";
import type { StreamEntry } from "../model/repository.ts";
import { gatesActive, streamGates, type Gates } from "./gates.ts";

/** A stream being planned. */
export interface StreamScope {
  readonly entry: StreamEntry;
  readonly stream: ImageStream;
  readonly namespace: string;
  readonly name: string;
  /** `namespace/name`. */
  readonly key: string;
  /**
   * G7: the generation of the items this run writes: one more than the
   * highest generation the stream records, so each run that changes a
   * stream writes one generation, newer than all before it.
   */
  readonly generation: number;
  readonly gates: Gates;
  readonly gatesActive: boolean;
  /** `namespace/name:tag`. */
  tagKey(tag: string): string;
}

/** The scope of `entry`. */
export function streamScope(entry: StreamEntry, config: ResolvedConfig): StreamScope {
  const { stream, namespace } = entry;
  const name = stream.metadata.name;
  const key = `${namespace}/${name}`;
  const gates = streamGates(stream, config);
  return {
    entry,
    stream,
    namespace,
    name,
    key,
    generation: highestGeneration(stream) + 1,
    gates,
    gatesActive: gatesActive(gates),
    tagKey: (tag) => `${key}:${tag}`,
  };
}

function highestGeneration(stream: ImageStream): number {
  let highest = typeof stream.metadata.generation === "number" ? stream.metadata.generation : 0;
  for (const tag of stream.status?.tags ?? [])
    for (const item of tag.items ?? []) highest = Math.max(highest, item.generation);
  return highest;
}
