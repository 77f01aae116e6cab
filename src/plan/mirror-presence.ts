/**
 * Whether a mirror destination holds an image: one manifest HEAD by digest,
 * asked once no tag is still waiting for a registry answer (the digest to
 * ask about is known only then). Pure: the answer comes through the plan
 * context's observations.
 */
import type { ImageRequest, Observations } from "./observation.ts";
import { imageKey } from "./observation.ts";
import { configPlatform } from "./import-settings.ts";
import type { PlanContext, PlanOptions } from "./plan-context.ts";

/** What is known of the destination. */
export type Presence =
  | { readonly kind: "present" }
  | { readonly kind: "missing" }
  /** Not asked yet. */
  | { readonly kind: "pending" }
  | { readonly kind: "unchecked"; readonly message: string };

/** Whether `pullSpec` (by digest) is at its registry, asking when `settled`. */
export function presenceOf(context: PlanContext, pullSpec: string, settled: boolean): Presence {
  if (!settled) return { kind: "pending" };
  const seen = context.image(presenceRequest(context.options, pullSpec));
  if (seen === undefined) return { kind: "pending" };
  if (seen.kind === "image") return { kind: "present" };
  if (seen.failure.reason === "NotFound") return { kind: "missing" };
  return { kind: "unchecked", message: seen.failure.message };
}

/** The request that asks whether `pullSpec` is there: a HEAD, index or not. */
export function presenceRequest(
  options: Pick<PlanOptions, "config" | "registryInsecure">,
  pullSpec: string,
): ImageRequest {
  return {
    from: pullSpec,
    mode: "PreserveOriginal",
    platform: configPlatform(options.config),
    insecure: options.registryInsecure(pullSpec),
    details: false,
  };
}

/**
 * `observations`, with each of `copied` (by digest) known to be present:
 * what a run learns by copying the images itself, so planning again needs
 * no registry.
 */
export function withCopied(
  observations: Observations,
  options: Pick<PlanOptions, "config" | "registryInsecure">,
  copied: readonly { readonly pullSpec: string; readonly mediaType: string }[],
): Observations {
  const images = new Map(observations.images);
  for (const { pullSpec, mediaType } of copied) {
    const digest = pullSpec.slice(pullSpec.lastIndexOf("@") + 1);
    images.set(imageKey(presenceRequest(options, pullSpec)), {
      kind: "image",
      digest,
      tagDigest: digest,
      mediaType,
    });
  }
  return { ...observations, images };
}
