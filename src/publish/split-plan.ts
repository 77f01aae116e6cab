/**
 * One branch per stream (`pullRequest.perStream`): the plan cut into one
 * plan per image stream that changes, each with the trigger patches that
 * follow that stream's tags and the copies its tags need. Pure.
 */
import type { Plan } from "../model/plan.ts";
import { changeLines } from "./fingerprint.ts";

/** One stream's share of a plan, and the branch it is proposed on. */
export interface StreamShare {
  readonly namespace: string;
  readonly name: string;
  readonly branch: string;
  readonly plan: Plan;
}

/**
 * The branch of one stream: `<branch>-<namespace>/<name>`. A namespace has
 * no `/`, so names cannot collide, and the ref is no directory of
 * `<branch>`'s own ref (git refuses a ref that is both).
 */
export function streamBranch(branch: string, namespace: string, name: string): string {
  return `${branch}-${namespace}/${name}`;
}

/** The prefix every per-stream branch of `branch` starts with. */
export function streamBranchPrefix(branch: string): string {
  return `${branch}-`;
}

/** A namespace (a DNS label) and a stream name (a DNS subdomain), as Kubernetes allows them. */
const streamPart = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Whether `candidate` has the shape of a stream branch of `branch`
 * (`<branch>-<namespace>/<name>`), so that cleaning up stale stream
 * branches never touches another branch under the same prefix (a second
 * config's `<branch>-staging`, a person's `<branch>-notes/x/y`).
 */
export function isStreamBranch(branch: string, candidate: string): boolean {
  const prefix = streamBranchPrefix(branch);
  return candidate.startsWith(prefix) && streamPart.test(candidate.slice(prefix.length));
}

/** The share of each stream whose tags or followers change anything in Git, in plan order. */
export function splitPlanByStream(plan: Plan, branch: string): StreamShare[] {
  const shares: StreamShare[] = [];
  for (const stream of plan.streams) {
    const source = `${stream.namespace}/${stream.name}:`;
    const share: Plan = {
      ...plan,
      streams: [stream],
      workloads: plan.workloads
        .map((w) => ({ ...w, triggers: w.triggers.filter((t) => t.source.startsWith(source)) }))
        .filter((w) => w.triggers.length > 0),
      mirrors: plan.mirrors.filter(
        (m) => m.namespace === stream.namespace && m.stream === stream.name,
      ),
    };
    if (changeLines(share).length === 0) continue;
    shares.push({
      namespace: stream.namespace,
      name: stream.name,
      branch: streamBranch(branch, stream.namespace, stream.name),
      plan: share,
    });
  }
  return shares;
}
