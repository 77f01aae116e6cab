/**
 * The image copies a run needs (D9 and the config's `mirrors`), decided
 * from the stream plans. Pure.
 *
 * - A tag whose referencePolicy is Local, with a local registry configured,
 *   points consumers at `<localRegistry>/<namespace>/<stream>@<digest>`:
 *   the image must be there before this run points anything at it, so a
 *   copy is planned when the tag gets a new image or a trigger is about to
 *   follow it there (a tag nothing newly points at is not asked about: its
 *   consumers were pointed when its copy was made). The copy is tagged with
 *   the stream tag's name, as the integrated registry serves
 *   `<namespace>/<stream>:<tag>`.
 * - A tag whose image comes from a repository under a `mirrors[].from`
 *   prefix is copied to the same path under `to`, tagged with the source's
 *   tag when the spec names one, as `oc image mirror` would copy it; pulls
 *   by digest then find it in the mirror (an ImageDigestMirrorSet's job).
 *   Nothing else tells whether such a copy is missing, so it is asked about
 *   on every run, and a copy that failed is made by the next.
 */
import type { ResolvedConfig } from "../model/config.ts";
import type { MirrorPlan, StreamPlan, TagPlan, WorkloadPlan } from "../model/plan.ts";
import {
  DOCKER_HUB_DOMAIN,
  isDockerHubDomain,
  parseNormalizedReference,
} from "../reference/index.ts";
import { presenceOf } from "./mirror-presence.ts";
import type { PlanContext } from "./plan-context.ts";

/**
 * What a copy of `pullSpec` (a tag's image) needs: the tag to give it at a
 * mapped mirror, and whether its source is read insecurely (D1).
 */
export type CopySource = (
  stream: StreamPlan,
  tag: string,
  pullSpec: string,
) => { readonly tag?: string; readonly insecure: boolean };

/** A copy before its destination is asked about. */
type Wanted = Omit<MirrorPlan, "action" | "reason">;

/** The copies `streams` need, each destination (digest and tag) once. */
export function planMirrors(
  context: PlanContext,
  streams: readonly StreamPlan[],
  workloads: readonly WorkloadPlan[],
  sourceOf: CopySource,
  settled: boolean,
): MirrorPlan[] {
  // Local copies a trigger is about to point at (D9).
  const followed = new Set(
    workloads.flatMap((w) =>
      w.triggers.flatMap((t) => (t.mirror === undefined ? [] : [t.mirror.to])),
    ),
  );
  const wanted = new Map<string, Wanted>();
  for (const stream of streams) {
    for (const tag of stream.tags) {
      for (const want of copiesOf(context.options.config, stream, tag, sourceOf, followed)) {
        const key = `${want.to}\n${want.destinationTag ?? ""}`;
        if (!wanted.has(key)) wanted.set(key, want);
      }
    }
  }
  return [...wanted.values()].map((want) => decide(context, want, settled));
}

function copiesOf(
  config: ResolvedConfig,
  stream: StreamPlan,
  tag: TagPlan,
  sourceOf: CopySource,
  followed: ReadonlySet<string>,
): Wanted[] {
  const head = tag.history === "none" ? tag.current : tag.next;
  if (head === undefined || head.image === "" || tag.action === "fail") return [];
  const source = sourceOf(stream, tag.tag, head.dockerImageReference);
  const base = {
    namespace: stream.namespace,
    stream: stream.name,
    tag: tag.tag,
    ...(source.insecure ? { insecure: true } : {}),
  };
  const copies: Wanted[] = [];
  if (tag.mirror !== undefined && (tag.history !== "none" || followed.has(tag.mirror.to))) {
    copies.push({ ...base, origin: "local", ...tag.mirror, destinationTag: tag.tag });
  }
  const mapped = mappedDestination(config, head.dockerImageReference);
  if (mapped !== undefined) {
    copies.push({
      ...base,
      origin: "mapping",
      from: head.dockerImageReference,
      to: `${mapped}@${head.image}`,
      ...(source.tag === undefined ? {} : { destinationTag: source.tag }),
    });
  }
  return copies;
}

/** The repository under a `mirrors[].to` that `pullSpec`'s repository maps to; the longest `from` wins. */
export function mappedDestination(config: ResolvedConfig, pullSpec: string): string | undefined {
  const repository = normalizedRepository(pullSpec);
  if (repository === undefined) return undefined;
  let best: { from: string; to: string } | undefined;
  for (const mapping of config.mirrors) {
    const from = normalizedPrefix(mapping.from);
    if (repository !== from && !repository.startsWith(`${from}/`)) continue;
    if (best === undefined || from.length > best.from.length) best = { from, to: mapping.to };
  }
  if (best === undefined) return undefined;
  return `${best.to.replace(/\/+$/, "")}${repository.slice(best.from.length)}`;
}

/**
 * A mapping's `from` as `domain/path`: the domain when the first component
 * is one (N-2), else Docker Hub's; never `library/` added, since a prefix
 * such as `docker.io/library` names a namespace, not an image.
 */
function normalizedPrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, "");
  const slash = trimmed.indexOf("/");
  const first = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const isDomain = first === "localhost" || /[.:A-Z]/.test(first);
  if (!isDomain) return `${DOCKER_HUB_DOMAIN}/${trimmed}`;
  const domain = isDockerHubDomain(first) ? DOCKER_HUB_DOMAIN : first;
  return slash === -1 ? domain : `${domain}${trimmed.slice(slash)}`;
}

/** `domain/path` of a pull spec, Docker Hub names spelled out; undefined when it does not parse. */
export function normalizedRepository(name: string): string | undefined {
  try {
    const ref = parseNormalizedReference(name);
    return `${ref.domain ?? DOCKER_HUB_DOMAIN}/${ref.path}`;
  } catch {
    return undefined;
  }
}

function decide(context: PlanContext, want: Wanted, settled: boolean): MirrorPlan {
  const presence = presenceOf(context, want.to, settled);
  switch (presence.kind) {
    case "present":
      return { ...want, action: "present", reason: "the destination holds the image" };
    case "missing":
      return { ...want, action: "copy", reason: "the destination lacks the image" };
    case "pending":
      return { ...want, action: "pending", reason: "waiting for the tags to settle" };
    case "unchecked":
      return {
        ...want,
        action: "unchecked",
        reason: `cannot tell whether the destination holds the image: ${presence.message}`,
      };
  }
}
