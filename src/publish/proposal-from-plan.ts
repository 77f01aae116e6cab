/**
 * Builds the {@link Proposal} of a run from its plan (as `apply` left it,
 * mirrors done), the files it changed and what the registries said of the
 * images. Pure.
 */
import type { MirrorPlan, Plan, StreamPlan, TagPlan, WorkloadPlan } from "../model/plan.ts";
import { fingerprintOf } from "./fingerprint.ts";
import type {
  FilePatch,
  ImageDetails,
  MirrorChange,
  Proposal,
  Skip,
  TagChange,
  TriggerPatch,
} from "./proposal.ts";

/** What a proposal is made of besides the plan. */
export interface ProposalInput {
  readonly plan: Plan;
  readonly files: readonly FilePatch[];
  /** Image details by pull spec (`repo@sha256:…`), as the registries gave them. */
  readonly details: ReadonlyMap<string, ImageDetails>;
  readonly branch: string;
  readonly base: string;
  readonly reproduce: string;
}

/** Tag actions that give a tag a new current image. */
const moving = new Set(["import", "follow", "resolve", "reference"]);

/** The proposal of `input.plan`; its fingerprint is "" when the plan changes nothing in Git. */
export function proposalFromPlan(input: ProposalInput): Proposal {
  const { plan } = input;
  return {
    branch: input.branch,
    base: input.base,
    tags: plan.streams.flatMap((s) => tagChanges(s, input.details)),
    mirrors: mirrorChanges(plan),
    triggers: plan.workloads.flatMap(triggerPatches),
    files: [...input.files].sort((a, b) => a.path.localeCompare(b.path)),
    skips: [...plan.streams.flatMap(tagSkips), ...plan.workloads.flatMap(triggerSkips)],
    failures: failures(plan),
    fingerprint: fingerprintOf(plan) ?? "",
    reproduce: input.reproduce,
  };
}

function tagChanges(s: StreamPlan, details: ReadonlyMap<string, ImageDetails>): TagChange[] {
  return s.tags
    .filter((t) => moving.has(t.action) && t.history !== "none" && t.next !== undefined)
    .map((t) => tagChange(s, t, details));
}

function tagChange(
  s: StreamPlan,
  t: TagPlan,
  details: ReadonlyMap<string, ImageDetails>,
): TagChange {
  const next = t.next;
  const pullSpec = next?.dockerImageReference ?? "";
  const now = details.get(pullSpec);
  const before = t.current === undefined ? undefined : details.get(t.current.dockerImageReference);
  const oldImage = t.current?.image;
  return {
    namespace: s.namespace,
    stream: s.name,
    tag: t.tag,
    action: t.action,
    rule: t.rule,
    reason: t.reason,
    ...(t.source === undefined ? {} : { source: t.source }),
    ...(oldImage === undefined || oldImage === "" ? {} : { oldImage }),
    ...(next === undefined || next.image === "" ? {} : { newImage: next.image }),
    newPullSpec: pullSpec,
    file: s.file,
    line: s.line,
    ...(now === undefined ? {} : { details: now }),
    ...(before === undefined ? {} : { previousDetails: before }),
  };
}

function triggerPatches(w: WorkloadPlan): TriggerPatch[] {
  const workload = `${w.kind}/${w.name}`;
  const at = { file: w.file, line: w.line, workload, namespace: w.namespace };
  return w.triggers
    .filter((t) => t.action === "patch")
    .flatMap((t) => {
      const targets: TriggerPatch[] = t.targets
        .filter((target) => target.next !== undefined)
        .map((target) => ({
          ...at,
          container: target.container,
          source: t.source,
          ...(target.current === undefined ? {} : { oldImage: target.current }),
          newImage: target.next ?? "",
        }));
      const last = t.lastTriggeredImage;
      if (last !== undefined) {
        targets.push({
          ...at,
          container: "lastTriggeredImage",
          source: t.source,
          ...(last.current === undefined ? {} : { oldImage: last.current }),
          newImage: last.next,
        });
      }
      return targets;
    });
}

/** Copies worth telling reviewers of: every one but those that were already in place. */
function mirrorChanges(plan: Plan): MirrorChange[] {
  return plan.mirrors.filter((m) => m.action !== "present").map(mirrorChange);
}

function mirrorChange(m: MirrorPlan): MirrorChange {
  return {
    subject: `${m.namespace}/${m.stream}:${m.tag}`,
    from: m.from,
    to: m.to,
    action: m.action,
    reason: m.reason,
  };
}

function tagSkips(s: StreamPlan): Skip[] {
  return s.tags
    .filter((t) => t.action === "skip")
    .map((t) => ({ subject: `${s.namespace}/${s.name}:${t.tag}`, rule: t.rule, reason: t.reason }));
}

function triggerSkips(w: WorkloadPlan): Skip[] {
  return w.triggers
    .filter((t) => t.action === "paused" || t.action === "skip")
    .map((t) => ({
      subject: `${w.file}: ${w.kind}/${w.name} (${t.source})`,
      rule: t.rule,
      reason: t.reason,
    }));
}

function failures(plan: Plan): Skip[] {
  const imports = plan.streams.flatMap((s) =>
    s.tags
      .filter((t) => t.action === "fail")
      .map((t) => ({
        subject: `${s.namespace}/${s.name}:${t.tag}`,
        rule: t.rule,
        reason: t.failure === undefined ? t.reason : `${t.failure.reason}: ${t.failure.message}`,
      })),
  );
  const copies = plan.mirrors
    .filter((m) => m.action === "failed")
    .map((m) => ({
      subject: `${m.namespace}/${m.stream}:${m.tag}`,
      rule: "mirror-failed",
      reason: m.reason,
    }));
  return [...imports, ...copies];
}
