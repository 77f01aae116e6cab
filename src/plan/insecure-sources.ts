/**
 * The pull specs some tag imports insecurely because its stream or tag says
 * so (D1), before any planning: the registry client's TLS settings are
 * chosen per host when it is built. Pure.
 */
import type { StreamEntry } from "../model/repository.ts";
import { importInsecure, insecureRepositoryAnnotation } from "./import-settings.ts";

/** `from.name`s and repositories whose import the stream or tag marks insecure. */
export function insecureSources(streams: readonly StreamEntry[]): string[] {
  const found: string[] = [];
  for (const { stream } of streams) {
    const repository = stream.spec?.dockerImageRepository;
    if (
      repository !== undefined &&
      repository !== "" &&
      stream.metadata.annotations?.[insecureRepositoryAnnotation] === "true"
    )
      found.push(repository);
    for (const tag of stream.spec?.tags ?? []) {
      if (tag.from?.kind === "DockerImage" && importInsecure(stream, tag, false))
        found.push(tag.from.name);
    }
  }
  return found;
}
