/**
 * Two opt-in holds beyond OpenShift, set in the config or per stream by
 * annotation (the annotation wins): a new image is proposed only once it
 * has every required platform, and only once it is older than the minimum
 * age. Each hold is explained in the plan. Pure.
 */
import type { ResolvedConfig } from "../model/config.ts";
import type { ImageStream } from "../model/generated/imagestream.ts";
import { formatPlatform, parsePlatform, type Platform } from "../model/platform.ts";
import { parseDuration } from "./duration.ts";

/** Stream annotation: comma-separated `os/arch[/variant]` list; overrides `requirePlatforms`. */
export const requirePlatformsAnnotation = "imagestream-gitops.io/require-platforms";
/** Stream annotation: a duration such as `2h`; overrides `minimumAge`. */
export const minimumAgeAnnotation = "imagestream-gitops.io/minimum-age";

/** The holds that apply to one stream. */
export interface Gates {
  readonly platforms: readonly Platform[];
  /** Milliseconds; 0 when there is none. */
  readonly minimumAge: number;
  /** The minimum age as written, for messages. */
  readonly minimumAgeText: string;
}

/** The stream's gates: its annotations, else the config's. Unparsable values are validation's to report; they hold nothing here. */
export function streamGates(
  stream: ImageStream,
  config: Pick<ResolvedConfig, "requirePlatforms" | "minimumAge">,
): Gates {
  const annotations = stream.metadata.annotations ?? {};
  const platformText = annotations[requirePlatformsAnnotation];
  const platformList =
    platformText === undefined
      ? config.requirePlatforms
      : platformText
          .split(",")
          .map((p) => p.trim())
          .filter((p) => p !== "");
  const platforms = platformList.flatMap((p) => parsePlatform(p) ?? []);
  const ageText = annotations[minimumAgeAnnotation] ?? config.minimumAge;
  return { platforms, minimumAge: parseDuration(ageText) ?? 0, minimumAgeText: ageText };
}

/** Whether the gates need an image's platforms and created time. */
export function gatesActive(gates: Gates): boolean {
  return gates.platforms.length > 0 || gates.minimumAge > 0;
}

/** Why an image is held back, or undefined when it may be proposed. */
export function heldBack(
  gates: Gates,
  image: { readonly platforms?: readonly Platform[]; readonly created?: string },
  now: Date,
): { readonly rule: string; readonly reason: string } | undefined {
  if (gates.platforms.length > 0) {
    const offered = image.platforms ?? [];
    const missing = gates.platforms.filter(
      (want) => !offered.some((p) => platformMatches(want, p)),
    );
    if (missing.length > 0) {
      return {
        rule: "required-platforms",
        reason: `held back: no ${missing.map(formatPlatform).join(", ")} image yet (has ${offered.map(formatPlatform).join(", ") || "none"})`,
      };
    }
  }
  if (gates.minimumAge > 0) {
    const created = image.created === undefined ? Number.NaN : Date.parse(image.created);
    if (Number.isNaN(created)) {
      return {
        rule: "minimum-age",
        reason: `held back: the image config has no created time, so its age (minimum ${gates.minimumAgeText}) is unknown`,
      };
    }
    if (now.getTime() - created < gates.minimumAge) {
      return {
        rule: "minimum-age",
        reason: `held back: created ${image.created ?? ""}, younger than the minimum age ${gates.minimumAgeText}`,
      };
    }
  }
  return undefined;
}

/** A required platform matches when os and architecture agree, and the variant too when one is required. */
function platformMatches(want: Platform, have: Platform): boolean {
  return (
    want.os === have.os &&
    want.architecture === have.architecture &&
    (want.variant === undefined || want.variant === have.variant)
  );
}
