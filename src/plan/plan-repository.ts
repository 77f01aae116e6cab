/**
 * The planner: the repository's streams and what the registries said, to a
 * Plan. Pure. Planning runs in rounds: a round that needs registry answers
 * it does not have yet returns them as `pending`; the caller observes them
 * and plans again with the answers (a repository import takes two rounds:
 * list the tags, then resolve the ones kept). The plan of the round with
 * nothing pending is the run's plan.
 *
 * Trigger patches are planned last, against the streams' plans; a trigger
 * to a Local tag may add one request (does the local registry hold the
 * image), made once no tag is waiting for a registry answer, so it asks
 * for the image the tag settles on.
 *
 * Order within a round: every registry-sourced tag of every stream first,
 * then the tags sourced from other tags and images, repeated until nothing
 * moves, so an alias of a freshly imported tag, or a cross-stream tag whose
 * source is new, is current in the same run. (OpenShift moves an alias chain
 * one hop per stream update; this is where those updates end.)
 */
import type { ResolvedConfig } from "../model/config.ts";
import type { TagEvent, TagReference } from "../model/generated/imagestream.ts";
import {
  type Plan,
  type PlanSummary,
  type StreamPlan,
  type TagAction,
  type TagPlan,
} from "../model/plan.ts";
import type { StreamEntry, WorkloadEntry } from "../model/repository.ts";
import type { ObservationRequests } from "./observation.ts";
import { PlanContext, type PlanOptions } from "./plan-context.ts";
import { planImportedTag } from "./plan-imported-tag.ts";
import { planLinkedTag } from "./plan-linked-tag.ts";
import { planWorkloads, summarizeTriggers } from "./plan-triggers.ts";
import { normalizedRepository, planMirrors, type CopySource } from "./plan-mirrors.ts";
import { consumerPullSpec } from "./pull-spec.ts";
import { planRepositoryImport, type RepositoryImport } from "./repository-import.ts";
import { streamScope, type StreamScope } from "./stream-scope.ts";
import { parseNormalizedReference, ReferenceParseError } from "../reference/index.ts";
import { importInsecure, importMode } from "./import-settings.ts";
import { recordOf, specRecord } from "./spec-record.ts";
import { describeSource, tagSource, type TagSource } from "./tag-source.ts";

/** A round's plan and what it still needs observed. */
export interface PlanRound {
  readonly plan: Plan;
  readonly pending: ObservationRequests;
}

interface StreamWork {
  readonly scope: StreamScope;
  readonly repository: RepositoryImport | undefined;
  /** Spec tags in file order, the last of duplicate names only (§1.2), then added ones. */
  readonly tags: readonly TagReference[];
  readonly decisions: Map<string, TagPlan>;
}

/** What is planned: the image streams and the workloads whose triggers follow them. */
export interface PlanInput {
  readonly streams: readonly StreamEntry[];
  readonly workloads: readonly WorkloadEntry[];
}

/**
 * Plans `input`'s streams (duplicates after the first of a name are left
 * to validation), then the triggers of its workloads against the result.
 */
export function planRepository(input: PlanInput, options: PlanOptions): PlanRound {
  const context = new PlanContext(options);
  const work = uniqueStreams(input.streams).map((entry) => startStream(context, entry));
  for (const w of work) planRegistryTags(context, w);
  planLinkedTags(context, work);
  const planned = work.map((w) => finishStream(context, w));
  const settled = context.pendingImages.size === 0 && context.pendingListings.size === 0;
  const workloads = planWorkloads(context, input.workloads, planned, settled);
  const mirrors = planMirrors(
    context,
    planned,
    workloads,
    sourceOf(work, context.options.config),
    settled,
  );
  const plan: Plan = {
    time: context.time,
    streams: planned,
    summary: summarize(planned),
    workloads,
    triggerSummary: summarizeTriggers(workloads),
    mirrors,
  };
  return {
    plan,
    pending: { images: context.pendingImages, listings: context.pendingListings },
  };
}

/**
 * What a copy needs of a tag's source: the tag its DockerImage `from.name`
 * names, unless a Legacy import recorded one platform's manifest (the copy
 * is then pushed by digest, so the mirror's tag never names less than the
 * source's); and whether the image's repository is read insecurely (D1):
 * any tag or stream importing from that repository insecurely makes it so,
 * which covers tags that follow another (an alias takes its source's image).
 */
function sourceOf(work: readonly StreamWork[], config: ResolvedConfig): CopySource {
  const insecure = new Set<string>();
  const specs = new Map<string, TagReference>();
  for (const w of work) {
    for (const tag of w.tags) {
      specs.set(`${w.scope.namespace}/${w.scope.name}:${tag.name}`, tag);
      if (tag.from?.kind === "DockerImage" && importInsecure(w.scope.stream, tag, false)) {
        const repository = normalizedRepository(tag.from.name);
        if (repository !== undefined) insecure.add(repository);
      }
    }
  }
  return (stream, tag, pullSpec) => {
    const repository = normalizedRepository(pullSpec);
    const base = { insecure: repository !== undefined && insecure.has(repository) };
    const spec = specs.get(`${stream.namespace}/${stream.name}:${tag}`);
    if (spec?.from?.kind !== "DockerImage" || importMode(spec, config) === "Legacy") return base;
    try {
      const ref = parseNormalizedReference(spec.from.name);
      return ref.digest === undefined && ref.tag !== undefined ? { ...base, tag: ref.tag } : base;
    } catch {
      return base;
    }
  };
}

function uniqueStreams(streams: readonly StreamEntry[]): StreamEntry[] {
  const seen = new Set<string>();
  return streams.filter((e) => {
    const key = `${e.namespace}/${e.stream.metadata.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function startStream(context: PlanContext, entry: StreamEntry): StreamWork {
  const scope = streamScope(entry, context.options.config);
  const repository = planRepositoryImport(context, scope);
  const specTags = scope.stream.spec?.tags ?? [];
  const lastOfName = specTags.filter(
    (t, i) => !specTags.slice(i + 1).some((u) => u.name === t.name),
  );
  const tags = [...lastOfName, ...(repository?.addSpecTags ?? [])];
  for (const status of scope.stream.status?.tags ?? [])
    context.setItems(scope.tagKey(status.tag), status.items ?? []);
  for (const tag of tags)
    if (!context.has(scope.tagKey(tag.name))) context.setItems(scope.tagKey(tag.name), []);
  return { scope, repository, tags, decisions: new Map() };
}

function statusItems(scope: StreamScope, tag: string): readonly TagEvent[] {
  return scope.stream.status?.tags?.find((t) => t.tag === tag)?.items ?? [];
}

/** DockerImage tags, imported or recorded as references. */
function planRegistryTags(context: PlanContext, work: StreamWork): void {
  const { scope } = work;
  for (const tag of work.tags) {
    const source = safeTagSource(scope, tag);
    if (source === undefined) {
      work.decisions.set(tag.name, invalidSource(tag));
      continue;
    }
    const shown = describeSource(scope.namespace, tag) ?? "";
    const items = statusItems(scope, tag.name);
    const head = items[0];
    if (source.kind === "docker" || source.kind === "reference") {
      const decision = planImportedTag(context, scope, tag, head, shown);
      work.decisions.set(tag.name, decision);
      if (decision.next !== undefined && decision.action !== "skip")
        context.setItems(scope.tagKey(tag.name), movedItems(items, decision));
    } else if (source.kind === "none") {
      work.decisions.set(tag.name, {
        tag: tag.name,
        action: "unchanged",
        rule: "no-source",
        reason: "the spec tag has no source",
        history: "none",
        ...(head === undefined ? {} : { current: head }),
      });
    }
  }
}

/** Tags sourced from other tags and images, until none moves (validation refuses cycles). */
function planLinkedTags(context: PlanContext, work: readonly StreamWork[]): void {
  const linked = work.flatMap((w) =>
    w.tags.flatMap((tag) => {
      const source = safeTagSource(w.scope, tag);
      return source !== undefined &&
        (source.kind === "tracking" || source.kind === "cross-stream" || source.kind === "pinned")
        ? [{ w, tag, source }]
        : [];
    }),
  );
  for (let round = 0; round <= linked.length; round++) {
    let moved = false;
    for (const { w, tag, source } of linked) {
      const items = statusItems(w.scope, tag.name);
      const decision = planLinkedTag(
        context,
        w.scope,
        tag,
        items[0],
        source,
        describeSource(w.scope.namespace, tag) ?? "",
      );
      w.decisions.set(tag.name, decision);
      const key = w.scope.tagKey(tag.name);
      const after = decision.next ?? items[0];
      if (!sameEvent(context.head(key), after)) {
        context.setItems(key, decision.next === undefined ? items : movedItems(items, decision));
        moved = true;
      }
    }
    if (!moved) break;
  }
}

/** The tag's source, or undefined when its name does not parse (validation reports it). */
function safeTagSource(scope: StreamScope, tag: TagReference): TagSource | undefined {
  try {
    return tagSource(scope.namespace, scope.name, tag);
  } catch (err) {
    if (err instanceof ReferenceParseError) return undefined;
    throw err;
  }
}

function invalidSource(tag: TagReference): TagPlan {
  return {
    tag: tag.name,
    action: "skip",
    rule: "invalid-source",
    reason: `from.name "${tag.from?.name ?? ""}" is not a valid ${tag.from?.kind ?? "source"} name (see validate)`,
    history: "none",
  };
}

/**
 * D11: every tag whose status stands after the run carries the record of the
 * spec it came from. A tag without one (status written by hand or exported
 * from a cluster, and consistent with its spec) gets it; so does a tag whose
 * record names another source kind (a DockerImage tag turned alias).
 */
function withRecord(
  context: PlanContext,
  scope: StreamScope,
  tag: TagReference,
  decision: TagPlan,
): TagPlan {
  if (decision.record !== undefined || decision.rule === "pending") return decision;
  if (!["import", "follow", "resolve", "reference", "unchanged"].includes(decision.action))
    return decision;
  if (decision.history === "none" && decision.current === undefined) return decision;
  const expected = specRecord(scope.namespace, tag, importMode(tag, context.options.config));
  const written = recordOf(tag);
  if (expected === undefined || written === expected) return decision;
  if (decision.action !== "unchanged") return { ...decision, record: expected };
  return {
    ...decision,
    action: "record",
    rule: "record",
    reason:
      written === undefined
        ? `${decision.reason}; records its source (D11)`
        : `${decision.reason}; records its new source (was ${written})`,
    record: expected,
  };
}

function finishStream(context: PlanContext, work: StreamWork): StreamPlan {
  const { scope } = work;
  const { entry } = scope;
  const specNames = new Set(work.tags.map((t) => t.name));
  const statusOnly: TagPlan[] = (scope.stream.status?.tags ?? [])
    .filter((s) => !specNames.has(s.tag))
    .map((s) => ({
      tag: s.tag,
      action: "status-only",
      rule: "status-only",
      reason: "no spec tag: the status stays resolvable (D7); remove it with `tag -d`",
      history: "none",
      ...(s.items?.[0] === undefined ? {} : { current: s.items[0] }),
    }));
  const where = {
    localRegistry: context.options.config.localRegistry,
    namespace: scope.namespace,
    stream: scope.name,
  };
  const decided = work.tags.flatMap((t) => {
    const decision = work.decisions.get(t.name);
    return decision === undefined ? [] : [withRecord(context, scope, t, decision)];
  });
  const tags = [...decided, ...statusOnly].map((d) => {
    const head = d.history === "none" ? d.current : d.next;
    if (head === undefined) return d;
    const spec = work.tags.find((t) => t.name === d.tag);
    const pullSpec = consumerPullSpec(head, spec, where);
    const mirror =
      pullSpec !== head.dockerImageReference
        ? { mirror: { from: head.dockerImageReference, to: pullSpec } }
        : {};
    return { ...d, pullSpec, ...mirror };
  });
  return {
    namespace: scope.namespace,
    name: scope.name,
    file: entry.at.file.path,
    document: entry.at.doc.index,
    pointer: entry.at.pointer,
    line: entry.at.line,
    tags,
    ...(work.repository === undefined ? {} : { repositoryImport: work.repository.plan }),
    addSpecTags: work.repository?.addSpecTags ?? [],
    setAnnotations: work.repository?.setAnnotations ?? {},
  };
}

/** The tag's items once `decision` is applied. */
function movedItems(items: readonly TagEvent[], decision: TagPlan): TagEvent[] {
  if (decision.next === undefined || decision.history === "none") return [...items];
  return decision.history === "replace-head"
    ? [decision.next, ...items.slice(1)]
    : [decision.next, ...items];
}

function sameEvent(a: TagEvent | undefined, b: TagEvent | undefined): boolean {
  return (
    a?.dockerImageReference === b?.dockerImageReference &&
    a?.image === b?.image &&
    a?.generation === b?.generation &&
    a?.created === b?.created
  );
}

function summarize(streams: readonly StreamPlan[]): PlanSummary {
  const counts: Record<TagAction, number> = {
    import: 0,
    follow: 0,
    resolve: 0,
    reference: 0,
    record: 0,
    unchanged: 0,
    skip: 0,
    fail: 0,
    "status-only": 0,
  };
  for (const s of streams) for (const t of s.tags) counts[t.action] += 1;
  return counts;
}
