/**
 * Rules for tags whose source is another image stream tag or image
 * (SEMANTICS §1.5 H10, §1.7, §2.2): a tracking tag follows its source tag in
 * the same stream (T1); a tag from another stream is resolved once, when it
 * is created or its source changes (T2); a tag pinned to an image
 * (ImageStreamImage) never moves. Each reads the other tags as this run
 * leaves them. Pure.
 */
import type { TagEvent, TagReference } from "../model/generated/imagestream.ts";
import type { TagPlan } from "../model/plan.ts";
import { nextHead, reimportChange } from "./history.ts";
import { importMode } from "./import-settings.ts";
import type { PlanContext } from "./plan-context.ts";
import { localPullSpec } from "./pull-spec.ts";
import { recordOf, specRecord } from "./spec-record.ts";
import type { StreamScope } from "./stream-scope.ts";
import type { TagSource } from "./tag-source.ts";

type LinkedSource = Extract<TagSource, { kind: "tracking" | "cross-stream" | "pinned" }>;

/** Plans a tag sourced from another tag or image of an image stream. */
export function planLinkedTag(
  context: PlanContext,
  scope: StreamScope,
  tag: TagReference,
  head: TagEvent | undefined,
  source: LinkedSource,
  shown: string,
): TagPlan {
  const base = { tag: tag.name, source: shown, ...(head === undefined ? {} : { current: head }) };
  switch (source.kind) {
    case "tracking": {
      // T1: the source tag's current image, whenever it differs.
      const followed = context.head(scope.tagKey(source.tag));
      if (followed === undefined)
        return {
          ...base,
          action: "skip",
          rule: "tracking",
          reason: `tracks ${source.tag}, which has no image yet`,
          history: "none",
        };
      return change(
        base,
        "follow",
        "tracking",
        `follows ${source.tag}`,
        head,
        followed,
        undefined,
        tag,
      );
    }
    case "cross-stream": {
      const record = specRecord(scope.namespace, tag, importMode(tag, context.options.config));
      const written = recordOf(tag);
      const where = `${source.namespace}/${source.stream}:${source.tag}`;
      if (head !== undefined && (written === undefined || written === record))
        return {
          ...base,
          action: "unchanged",
          rule: "resolved-once",
          reason: `resolved once from ${where}; not kept in sync (T2)`,
          history: "none",
        };
      const resolved = context.head(`${source.namespace}/${source.stream}:${source.tag}`);
      if (resolved === undefined)
        return {
          ...base,
          action: "skip",
          rule: "source-without-image",
          reason: `"${where}" is not currently pointing to an image`,
          history: "none",
        };
      const reason =
        head === undefined
          ? `resolved from ${where}`
          : `spec changed (was ${written ?? ""}); resolved from ${where}`;
      return change(
        base,
        "resolve",
        "resolved-once",
        reason,
        head,
        localized(context, scope, source, resolved, tag),
        record,
        tag,
      );
    }
    case "pinned": {
      const matches = (image: string): boolean =>
        source.exact ? image === source.id : image.startsWith(source.id);
      if (head !== undefined && matches(head.image))
        return {
          ...base,
          action: "unchanged",
          rule: "pinned",
          reason: "pinned to one image; never moves",
          history: "none",
        };
      const found = context
        .streamItems(`${source.namespace}/${source.stream}`)
        .find((item) => matches(item.image));
      if (found === undefined)
        return {
          ...base,
          action: "skip",
          rule: "pinned",
          reason: `no image ${source.id} in ${source.namespace}/${source.stream}`,
          history: "none",
        };
      return change(
        base,
        "resolve",
        "pinned",
        `pinned to ${found.image}`,
        head,
        localized(context, scope, source, found, tag),
        undefined,
        tag,
      );
    }
  }
}

/**
 * H10: a copied event that points at the source stream's local-registry
 * path is rewritten to this stream's (unless the tag is a reference).
 */
function localized(
  context: PlanContext,
  scope: StreamScope,
  source: { readonly namespace: string; readonly stream: string },
  event: TagEvent,
  tag: TagReference,
): TagEvent {
  const local = context.options.config.localRegistry;
  if (local === undefined || tag.reference === true || event.image === "") return event;
  const sourcePath = localPullSpec(local, source.namespace, source.stream, event.image);
  if (event.dockerImageReference !== sourcePath) return event;
  return {
    ...event,
    dockerImageReference: localPullSpec(local, scope.namespace, scope.name, event.image),
  };
}

function change(
  base: Pick<TagPlan, "tag" | "source" | "current">,
  action: "follow" | "resolve",
  rule: string,
  reason: string,
  head: TagEvent | undefined,
  event: TagEvent,
  record: string | undefined,
  tag: TagReference,
): TagPlan {
  const history = reimportChange(head, event);
  const next = nextHead(head, event, history);
  const writeRecord = record !== undefined && recordOf(tag) !== record;
  if (history === "none" && !writeRecord)
    return { ...base, action: "unchanged", rule, reason: `${reason}; already current`, history };
  return {
    ...base,
    action,
    rule,
    reason,
    history,
    ...(next === undefined ? {} : { next }),
    ...(writeRecord ? { record } : {}),
  };
}
