/**
 * The fingerprint of a planned change: a hash of what it means, not of the
 * files it writes. Two runs against the same registry state propose the same
 * images, but stamp new status items with their own clock, so file contents
 * differ where the meaning does not. Pure.
 */
import { createHash } from "node:crypto";
import type { Plan } from "../model/plan.ts";

/** Annotations whose values are times of the run, not part of the change (§3.3). */
const timeValuedAnnotations = new Set(["openshift.io/image.dockerRepositoryCheck"]);

/**
 * The lines that say what `plan` changes in the repository, sorted: each
 * tag's new image and pull spec, records, added spec tags, annotations set
 * (keys only for time-valued ones) and each trigger target's new image.
 */
export function changeLines(plan: Plan): string[] {
  const lines: string[] = [];
  for (const s of plan.streams) {
    const stream = `${s.namespace}/${s.name}`;
    for (const t of s.tags) {
      if (t.history !== "none" && t.next !== undefined) {
        lines.push(`tag ${stream}:${t.tag} ${t.next.image} ${t.next.dockerImageReference}`);
      }
      if (t.record !== undefined) lines.push(`record ${stream}:${t.tag} ${t.record}`);
    }
    for (const spec of s.addSpecTags) {
      lines.push(`spec ${stream}:${spec.name} ${JSON.stringify(spec.from ?? null)}`);
    }
    for (const [key, value] of Object.entries(s.setAnnotations)) {
      lines.push(`annotation ${stream} ${key}${timeValuedAnnotations.has(key) ? "" : `=${value}`}`);
    }
  }
  for (const w of plan.workloads) {
    const workload = `${w.file} ${w.kind}/${w.namespace}/${w.name}`;
    for (const trigger of w.triggers) {
      if (trigger.action !== "patch") continue;
      for (const target of trigger.targets) {
        if (target.next !== undefined) {
          lines.push(`image ${workload} ${target.path.join(".")} ${target.next}`);
        }
      }
      const last = trigger.lastTriggeredImage;
      if (last !== undefined) {
        lines.push(`lastTriggeredImage ${workload} ${last.path.join(".")} ${last.next}`);
      }
    }
  }
  return lines.sort();
}

/** The SHA-256 (hex) of {@link changeLines}; undefined when the plan changes nothing in Git. */
export function fingerprintOf(plan: Plan): string | undefined {
  const lines = changeLines(plan);
  if (lines.length === 0) return undefined;
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}
