/**
 * A proposal: what one reconcile run asks reviewers to merge, as data. It
 * is made from the plan and the files `apply` changed (see
 * proposal-from-plan.ts), and it is all the PR body, the commit message and
 * the fingerprint are rendered from. Pure types.
 */
import type { ImageFacts } from "../model/image-facts.ts";

/** What a registry says of one image, for reviewers (model/image-facts.ts). */
export type ImageDetails = ImageFacts;

/** A tag whose current image moves. */
export interface TagChange {
  readonly namespace: string;
  readonly stream: string;
  readonly tag: string;
  /** The plan's action: import, follow, resolve or reference. */
  readonly action: string;
  /** The plan's rule and reason (`scheduled`, "scheduled import"). */
  readonly rule: string;
  readonly reason: string;
  /** The source as the spec names it (`DockerImage quay.io/o/a:1`). */
  readonly source?: string;
  /** The image id (`sha256:…`) before the run, when the tag had one. */
  readonly oldImage?: string;
  /** The image id after the run; undefined for a reference tag, which records no image. */
  readonly newImage?: string;
  /** items[0].dockerImageReference after the run: the pull spec consumers get. */
  readonly newPullSpec: string;
  /** The repository-relative file and line of the stream. */
  readonly file: string;
  readonly line: number;
  readonly details?: ImageDetails;
  readonly previousDetails?: ImageDetails;
}

/** An image copy the run made or checked (D9, the config's mirrors). */
export interface MirrorChange {
  readonly subject: string;
  readonly from: string;
  readonly to: string;
  /** The plan's MirrorAction after apply: copied, present, failed, pending, unchecked. */
  readonly action: string;
  readonly reason: string;
}

/** One container (or a DeploymentConfig's lastTriggeredImage) a trigger patch changes. */
export interface TriggerPatch {
  readonly file: string;
  readonly line: number;
  /** `Deployment/web`. */
  readonly workload: string;
  readonly namespace: string;
  /** The container's name, or `lastTriggeredImage`. */
  readonly container: string;
  /** The stream tag the trigger follows: `ns/stream:tag`. */
  readonly source: string;
  readonly oldImage?: string;
  readonly newImage: string;
}

/** One file the run changes, before and after, for the unified diffs. */
export interface FilePatch {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/** A decision that held something back, and why. */
export interface Skip {
  /** `ns/stream:tag`, or `file: Kind/name container`. */
  readonly subject: string;
  readonly rule: string;
  readonly reason: string;
}

/** Everything one run proposes. */
export interface Proposal {
  /** The branch the change is committed on and the branch it targets. */
  readonly branch: string;
  readonly base: string;
  readonly tags: readonly TagChange[];
  readonly mirrors: readonly MirrorChange[];
  readonly triggers: readonly TriggerPatch[];
  /** Every changed file: streams' and workloads'. */
  readonly files: readonly FilePatch[];
  readonly skips: readonly Skip[];
  /** Imports and copies that failed: reported, not proposed. */
  readonly failures: readonly Skip[];
  /**
   * A hash of what the change means (each tag's new image and pull spec,
   * each trigger's new image, spec tags and annotations written), not of the
   * files: status timestamps differ between runs that propose the same images.
   */
  readonly fingerprint: string;
  /** The command a reviewer runs to see the same plan locally. */
  readonly reproduce: string;
}
