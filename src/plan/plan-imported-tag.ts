/**
 * Rules for tags whose source is a registry (SEMANTICS §1.4-1.6, §3.4-3.5,
 * D1, D6, D8, D11, D12): when a DockerImage tag is (re)imported, what the
 * import records, and how a `reference: true` tag records its pull spec
 * without asking any registry. Pure.
 */
import type { TagEvent, TagReference } from "../model/generated/imagestream.ts";
import type { TagPlan } from "../model/plan.ts";
import { heldBack } from "./gates.ts";
import { nextHead, reimportChange } from "./history.ts";
import { importInsecure, importMode, legacyPlatform, statusPullSpec } from "./import-settings.ts";
import type { PlanContext } from "./plan-context.ts";
import { recordOf, specRecord, statusMatchesSpec } from "./spec-record.ts";
import type { StreamScope } from "./stream-scope.ts";

/** Why a tag is imported this run, or why not. */
interface ImportNeed {
  readonly needed: boolean;
  readonly rule: string;
  readonly reason: string;
}

/** G4/G6/P3/D11/D12: whether an importable or reference tag is (re)resolved this run. */
export function importNeed(
  tag: TagReference,
  head: TagEvent | undefined,
  record: string | undefined,
  forced: boolean,
): ImportNeed {
  const written = recordOf(tag);
  if (head === undefined)
    return { needed: true, rule: "first-import", reason: "no image recorded yet" };
  if (written !== undefined && written !== record)
    return {
      needed: true,
      rule: "spec-changed",
      reason: `spec changed since the last import (was ${written})`,
    };
  if (written === undefined && !statusMatchesSpec(tag, head))
    return {
      needed: true,
      rule: "spec-changed",
      reason: `the current image ${head.dockerImageReference} does not come from ${tag.from?.name ?? ""}`,
    };
  if (tag.reference === true)
    return { needed: false, rule: "reference", reason: "reference tag, recorded as written" };
  if (forced) return { needed: true, rule: "requested", reason: "import requested" };
  const pinned = (tag.from?.name ?? "").includes("@");
  if (tag.importPolicy?.scheduled === true && !pinned)
    return { needed: true, rule: "scheduled", reason: "scheduled import" };
  return {
    needed: false,
    rule: pinned ? "pinned-digest" : "imported",
    reason: pinned
      ? "pinned to a digest, imported once (P3)"
      : "imported; not scheduled and the spec is unchanged",
  };
}

/** Plans a DockerImage tag (imported or `reference: true`). */
export function planImportedTag(
  context: PlanContext,
  scope: StreamScope,
  tag: TagReference,
  head: TagEvent | undefined,
  source: string,
): TagPlan {
  const fromName = tag.from?.name ?? "";
  const config = context.options.config;
  const mode = importMode(tag, config);
  const record = specRecord(scope.namespace, tag, mode);
  const forced = context.options.force?.tags?.has(scope.tagKey(tag.name)) === true;
  const need = importNeed(tag, head, record, forced);
  const base = { tag: tag.name, source, ...(head === undefined ? {} : { current: head }) };
  if (!need.needed)
    return { ...base, action: "unchanged", rule: need.rule, reason: need.reason, history: "none" };

  if (tag.reference === true) {
    // H9: the pull spec as written, no image, no registry request.
    const event = {
      created: context.time,
      dockerImageReference: fromName,
      image: "",
      generation: scope.generation,
    };
    return withEvent(base, "reference", need, head, event, record, tag);
  }

  const request = {
    from: fromName,
    mode,
    platform: legacyPlatform(tag, config),
    insecure: importInsecure(scope.stream, tag, context.options.registryInsecure(fromName)),
    details: scope.gatesActive,
    ...(head === undefined ? {} : { known: head.image }),
  };
  const seen = context.image(request);
  if (seen === undefined)
    return {
      ...base,
      action: "unchanged",
      rule: "pending",
      reason: "not observed yet",
      history: "none",
    };
  if (seen.kind === "error") {
    // D6/H12: reported, not committed; the status stays as it was.
    return {
      ...base,
      action: "fail",
      rule: need.rule,
      reason: `${seen.failure.reason}: ${seen.failure.message}`,
      history: "none",
      failure: seen.failure,
    };
  }
  const event = {
    created: context.time,
    dockerImageReference: statusPullSpec(fromName, seen.digest),
    image: seen.digest,
    generation: scope.generation,
  };
  const isNew = head === undefined || head.image !== seen.digest;
  if (isNew) {
    const hold = heldBack(scope.gates, seen, context.options.now);
    if (hold !== undefined)
      return { ...base, action: "skip", ...hold, history: "none", next: event };
  }
  return withEvent(base, "import", need, head, event, record, tag);
}

/** A decision that writes `event` (unless it changes nothing) and the spec record. */
function withEvent(
  base: Pick<TagPlan, "tag" | "source" | "current">,
  action: "import" | "reference",
  need: ImportNeed,
  head: TagEvent | undefined,
  event: TagEvent,
  record: string | undefined,
  tag: TagReference,
): TagPlan {
  const history = reimportChange(head, event);
  const next = nextHead(head, event, history);
  const writeRecord =
    (history !== "none" || need.rule === "spec-changed") && recordOf(tag) !== record;
  const changed = history !== "none" || writeRecord;
  return {
    ...base,
    action: changed ? action : "unchanged",
    rule: need.rule,
    reason: changed
      ? need.reason
      : `${need.reason}: ${event.image === "" ? event.dockerImageReference : event.image} again, nothing to change`,
    history,
    ...(next === undefined ? {} : { next }),
    ...(writeRecord && record !== undefined ? { record } : {}),
  };
}
