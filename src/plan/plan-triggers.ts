/**
 * Trigger patches (§6.4): every trigger of every workload resolves its
 * stream tag as the run leaves it (W1: the tag's consumer pull spec, §5),
 * and each container it names gets that image when it holds another (W3).
 * Only the `image` field changes, and a DeploymentConfig's
 * `lastTriggeredImage` (DC1); `imagePullPolicy` never does (K7).
 *
 * A Local tag's image lives in the local registry (D9): the trigger is
 * patched only when that registry holds it, so a workload never points at
 * an image that is not there. Asking is one more observation, made once the
 * tags are settled (a round after the imports it depends on). Pure.
 */
import type { ContainerTarget, Trigger, WorkloadEntry } from "../model/repository.ts";
import type {
  StreamPlan,
  TagPlan,
  TargetPlan,
  TriggerPlan,
  TriggerSummary,
  WorkloadPlan,
} from "../model/plan.ts";
import { floatingLatest } from "./floating-tag.ts";
import { presenceOf } from "./mirror-presence.ts";
import type { PlanContext } from "./plan-context.ts";

/**
 * The decisions for every trigger of `workloads`, against the run's stream
 * plans. `settled`: no tag waits for a registry answer, so the local
 * registry may be asked about the images Local tags settled on.
 */
export function planWorkloads(
  context: PlanContext,
  workloads: readonly WorkloadEntry[],
  streams: readonly StreamPlan[],
  settled: boolean,
): WorkloadPlan[] {
  const byKey = new Map(streams.map((s) => [`${s.namespace}/${s.name}`, s]));
  return workloads.map((workload) => {
    const planned = workload.triggers.map((t) => planTrigger(context, t, byKey, settled));
    return {
      kind: workload.kind,
      namespace: workload.namespace,
      name: workload.name,
      file: workload.at.file.path,
      document: workload.at.doc.index,
      pointer: workload.at.pointer,
      line: workload.at.line,
      triggers: holdUnresolved(workload.triggers, planned),
    };
  });
}

/** Counts of `workloads`' trigger decisions. */
export function summarizeTriggers(workloads: readonly WorkloadPlan[]): TriggerSummary {
  const counts = { patch: 0, unchanged: 0, paused: 0, skip: 0 };
  for (const w of workloads) for (const t of w.triggers) counts[t.action] += 1;
  return counts;
}

function planTrigger(
  context: PlanContext,
  trigger: Trigger,
  streams: ReadonlyMap<string, StreamPlan>,
  settled: boolean,
): TriggerPlan {
  const { namespace, stream, tag } = trigger.source;
  const base = {
    source: `${namespace}/${stream}:${tag}`,
    origin: trigger.origin,
    fieldPath: trigger.fieldPath,
  };
  const standing = trigger.targets.map((t) => targetPlan(t, undefined));
  const leave = (action: "paused" | "skip", rule: string, reason: string): TriggerPlan => ({
    ...base,
    action,
    rule,
    reason,
    targets: standing,
  });
  if (trigger.paused) {
    return trigger.origin === "deploymentConfig"
      ? leave("paused", "not-automatic", "the ImageChange trigger is not automatic (DC1)")
      : leave("paused", "paused", "the trigger is paused");
  }
  const streamPlan = streams.get(`${namespace}/${stream}`);
  if (streamPlan === undefined) {
    return leave(
      "skip",
      "stream-not-planned",
      `the image stream ${namespace}/${stream} has errors and was not planned (see validate)`,
    );
  }
  const tagPlan = streamPlan.tags.find((t) => t.tag === tag);
  if (tagPlan?.rule === "pending") return leave("skip", "pending", "waiting for the tag's import");
  const image = tagPlan?.pullSpec;
  if (image === undefined) {
    return leave(
      "skip",
      "no-status",
      "the tag has no image yet; the trigger waits for its first import (W2)",
    );
  }
  const targets = trigger.targets.map((t) => targetPlan(t, image));
  const last = trigger.lastTriggeredImage;
  const lastTriggeredImage =
    last === undefined || last.value === image
      ? undefined
      : {
          path: last.path,
          ...(last.value === undefined ? {} : { current: last.value }),
          next: image,
        };
  const resolved = { ...base, image, targets };
  if (!targets.some((t) => t.next !== undefined) && lastTriggeredImage === undefined) {
    return {
      ...resolved,
      action: "unchanged",
      rule: "current",
      reason: "already on the tag's image",
    };
  }
  return withMirror(context, resolved, lastTriggeredImage, tagPlan, standing, settled);
}

/**
 * D9: a trigger to a Local tag's local pull spec is patched only when the
 * local registry holds the image; otherwise its containers stay as they are.
 */
function withMirror(
  context: PlanContext,
  resolved: Omit<TriggerPlan, "action" | "rule" | "reason">,
  lastTriggeredImage: TriggerPlan["lastTriggeredImage"],
  tagPlan: TagPlan | undefined,
  standing: readonly TargetPlan[],
  settled: boolean,
): TriggerPlan {
  const mirror = tagPlan?.mirror;
  const patch: TriggerPlan = {
    ...resolved,
    action: "patch",
    rule: "patch",
    reason: "follows the tag",
    ...(lastTriggeredImage === undefined ? {} : { lastTriggeredImage }),
  };
  if (mirror === undefined || mirror.to !== resolved.image) return patch;
  const held = (rule: string, reason: string): TriggerPlan => ({
    ...resolved,
    action: "skip",
    rule,
    reason,
    mirror: { ...mirror, present: false },
    targets: standing,
  });
  const presence = presenceOf(context, mirror.to, settled);
  switch (presence.kind) {
    case "pending":
      return held(
        "pending",
        settled ? "checking the local registry" : "waiting for the tags to settle",
      );
    case "present":
      return {
        ...patch,
        reason: "follows the tag, from the local registry",
        mirror: { ...mirror, present: true },
      };
    case "missing":
      return held(
        "mirror-missing",
        `the local registry does not hold ${mirror.to} yet: apply copies it from ${mirror.from} first (referencePolicy Local, D9)`,
      );
    case "unchecked":
      return held(
        "mirror-unchecked",
        `cannot tell whether the local registry holds the image: ${presence.message}`,
      );
  }
}

/** Rules under which a trigger's tag cannot be resolved. */
const unresolved = new Set(["no-status", "stream-not-planned"]);

/**
 * DC2: when an automatic ImageChange trigger of a DeploymentConfig cannot be
 * resolved and never fired (no lastTriggeredImage), OpenShift updates
 * nothing of it; its other ImageChange triggers wait too.
 */
function holdUnresolved(triggers: readonly Trigger[], planned: TriggerPlan[]): TriggerPlan[] {
  const blocker = planned.find(
    (t, i) =>
      t.origin === "deploymentConfig" &&
      unresolved.has(t.rule) &&
      triggers[i]?.lastTriggeredImage?.value === undefined,
  );
  if (blocker === undefined) return planned;
  return planned.map((t, i) =>
    t.origin !== "deploymentConfig" || t.action !== "patch"
      ? t
      : {
          source: t.source,
          origin: t.origin,
          fieldPath: t.fieldPath,
          action: "skip",
          rule: "unresolved-sibling",
          reason: `${blocker.fieldPath} (${blocker.source}) cannot be resolved yet and never fired, so the DeploymentConfig is left as it is (DC2)`,
          ...(t.image === undefined ? {} : { image: t.image }),
          targets: (triggers[i]?.targets ?? []).map((target) => targetPlan(target, undefined)),
        },
  );
}

/**
 * The plan of a container that gets `image` (undefined: it stays as it is),
 * with a warning when the image it is left with floats.
 */
function targetPlan(target: ContainerTarget, image: string | undefined): TargetPlan {
  const next = image === undefined || image === target.image ? undefined : image;
  const left = next ?? target.image;
  const warning = left === undefined ? undefined : floatingLatest(left);
  return {
    container: target.name ?? `${target.list}[${String(target.index)}]`,
    list: target.list,
    index: target.index,
    path: target.imagePath,
    ...(target.image === undefined ? {} : { current: target.image }),
    ...(next === undefined ? {} : { next }),
    ...(warning === undefined ? {} : { warning }),
  };
}
