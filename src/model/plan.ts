/**
 * A Plan: what one reconcile run decided for every tag of every stream, with
 * the reason for each decision, including the ones that change nothing. It
 * is the only input of the later stages (execute, write) and is printed as
 * a table for people and as JSON for machines (schemas/plan.schema.json).
 */
import type { ContainerList } from "./field-path.ts";
import type { TagEvent, TagReference } from "./generated/imagestream.ts";

/** The spec tag annotation that records what a tag's status was resolved from (D11). */
export const importedFromAnnotation = "imagestream-gitops.io/imported-from";

/**
 * What happens to a tag.
 * - import: a registry was asked and the tag gets a new current image.
 * - follow: a tracking tag (T1) takes its source tag's new current image.
 * - resolve: a tag sourced from another stream, or pinned to an image, is
 *   resolved from that stream's status (T2, H10).
 * - reference: a `reference: true` tag records its pull spec (H9).
 * - record: the status stands; only the tag's imported-from record (D11) is
 *   written, for a tag that has none yet or whose source kind changed.
 * - unchanged: nothing to do, with the reason.
 * - skip: an image was found but a gate (required platforms, minimum age)
 *   holds it back, or the tag has nothing to resolve from yet.
 * - fail: the import failed (D6): reported, the status stays as it was.
 * - status-only: a status tag without a spec tag (D7).
 */
export type TagAction =
  | "import"
  | "follow"
  | "resolve"
  | "reference"
  | "record"
  | "unchanged"
  | "skip"
  | "fail"
  | "status-only";

/** How the tag's status history changes (H3-H7). */
export type HistoryChange = "none" | "prepend" | "replace-head";

/** An import failure, as OpenShift records it in an ImportSuccess=False condition (§1.6). */
export interface ImportFailure {
  readonly reason: string;
  readonly message: string;
}

/** The decision for one tag. */
export interface TagPlan {
  readonly tag: string;
  readonly action: TagAction;
  /** A stable, machine-readable name of the rule that decided (e.g. `first-import`, `scheduled`). */
  readonly rule: string;
  /** The decision in words, for the table and the pull request. */
  readonly reason: string;
  /** The source as the spec names it (`DockerImage quay.io/o/a:1`, `ImageStreamTag 2.0`). */
  readonly source?: string;
  /** items[0] before the run. */
  readonly current?: TagEvent;
  /** items[0] after the run, when it changes. */
  readonly next?: TagEvent;
  readonly history: HistoryChange;
  /** D11: the imported-from record to write on the spec tag, when it changes. */
  readonly record?: string;
  /** What consumers (triggers) resolve the tag to after the run (§5). */
  readonly pullSpec?: string;
  /**
   * referencePolicy Local with a local registry (D9): the image must be
   * copied from `from` to `to` before anything points at `to`.
   */
  readonly mirror?: { readonly from: string; readonly to: string };
  readonly failure?: ImportFailure;
}

/** A `spec.dockerImageRepository` import (§3.2-3.3), planned once per stream. */
export interface RepositoryImportPlan {
  readonly repository: string;
  /** Every tag the registry listed. */
  readonly listed: number;
  /** The tags imported, in OpenShift's order (R2); each gets a spec tag. */
  readonly imported: readonly string[];
  /** The tags the cap cut (R1), reported and not imported. */
  readonly additional: readonly string[];
  readonly failure?: ImportFailure;
}

/** Where a planned object sits, as the writer finds it again. */
export interface PlannedObject {
  readonly namespace: string;
  readonly name: string;
  /** Repository-relative file, the document's index in it, the object's pointer in that document. */
  readonly file: string;
  readonly document: number;
  readonly pointer: string;
  /** The object's first line in the file. */
  readonly line: number;
}

/** The plan for one ImageStream. */
export interface StreamPlan extends PlannedObject {
  readonly tags: readonly TagPlan[];
  readonly repositoryImport?: RepositoryImportPlan;
  /** Spec tags a repository import adds (R3). */
  readonly addSpecTags: readonly TagReference[];
  /** Stream annotations to set (the dockerRepositoryCheck of a repository import, §3.3). */
  readonly setAnnotations: Readonly<Record<string, string>>;
}

/** Counts of tag decisions, by action. */
export type PlanSummary = Readonly<Record<TagAction, number>>;

/**
 * What happens to a trigger (§6.4).
 * - patch: its containers (and a DeploymentConfig's lastTriggeredImage)
 *   get the tag's image.
 * - unchanged: they hold it already (W3).
 * - paused: `paused: true`, or a DeploymentConfig trigger that is not
 *   `automatic` (DC1): reported, left alone.
 * - skip: nothing to write yet: the tag has no image (W2), its stream is
 *   not planned (it has errors), or the local registry does not hold the
 *   image a Local tag points at (D9).
 */
export type TriggerAction = "patch" | "unchanged" | "paused" | "skip";

/** One container a trigger writes. */
export interface TargetPlan {
  /** The container's name, or `<list>[<index>]` when it has none. */
  readonly container: string;
  readonly list: ContainerList;
  readonly index: number;
  /** Keys and indexes of the container's `image` below the object. */
  readonly path: readonly (string | number)[];
  /** The image the file holds now, if any. */
  readonly current?: string;
  /** The image to write, when it differs from `current`. */
  readonly next?: string;
  /**
   * Set when the image the container is left with is a `latest` tag without
   * a digest: it moves without any change in Git (K1, K2).
   */
  readonly warning?: string;
}

/** The decision for one trigger. */
export interface TriggerPlan {
  /** The stream tag it follows: `namespace/stream:tag`. */
  readonly source: string;
  readonly origin: "annotation" | "deploymentConfig";
  /** The annotation entry's fieldPath, or `spec.triggers[i]` of a DeploymentConfig. */
  readonly fieldPath: string;
  readonly action: TriggerAction;
  /** A stable, machine-readable name of the rule that decided (`patch`, `no-status`, `paused`...). */
  readonly rule: string;
  readonly reason: string;
  /** What the tag resolves to after the run (§5), when it resolves. */
  readonly image?: string;
  /** D9: the local registry copy `image` needs, and whether it is there. */
  readonly mirror?: {
    readonly from: string;
    readonly to: string;
    readonly present: boolean;
  };
  readonly targets: readonly TargetPlan[];
  /**
   * DC1: a DeploymentConfig ImageChange trigger's `lastTriggeredImage`,
   * with its path below the object, when it changes.
   */
  readonly lastTriggeredImage?: {
    readonly path: readonly (string | number)[];
    readonly current?: string;
    readonly next: string;
  };
}

/** The trigger decisions for one workload. */
export interface WorkloadPlan extends PlannedObject {
  readonly kind: string;
  readonly triggers: readonly TriggerPlan[];
}

/** Counts of trigger decisions, by action. */
export type TriggerSummary = Readonly<Record<TriggerAction, number>>;

/**
 * What happens to one image copy a tag needs (D9, the config's mirrors).
 * - copy: the destination lacks the image; apply copies it before anything
 *   points at it.
 * - present: the destination holds it.
 * - pending: not asked yet (the tags have not settled).
 * - unchecked: the destination could not be asked.
 * - copied, failed: what `apply` did with a `copy`.
 */
export type MirrorAction = "copy" | "present" | "pending" | "unchecked" | "copied" | "failed";

/** One image copy to the local registry or a configured mirror. */
export interface MirrorPlan {
  readonly namespace: string;
  readonly stream: string;
  readonly tag: string;
  /** `local`: the tag's referencePolicy is Local (D9); `mapping`: the config's `mirrors[index]`. */
  readonly origin: "local" | "mapping";
  /** The image as the status records it, by digest. */
  readonly from: string;
  /** Where it goes, by digest: what consumers of a Local tag are pointed at. */
  readonly to: string;
  /** The tag the copy gets at the destination, so registries that collect untagged images keep it. */
  readonly destinationTag?: string;
  /** D1: the source is read without TLS verification (the tag or stream says so). */
  readonly insecure?: boolean;
  readonly action: MirrorAction;
  readonly reason: string;
}

/** Everything one run decided. */
export interface Plan {
  /** The clock's time when the plan was made (RFC 3339, seconds). */
  readonly time: string;
  readonly streams: readonly StreamPlan[];
  readonly summary: PlanSummary;
  /** Workloads with triggers, in file order. */
  readonly workloads: readonly WorkloadPlan[];
  readonly triggerSummary: TriggerSummary;
  /** Image copies the tags need, in stream and tag order; each destination once. */
  readonly mirrors: readonly MirrorPlan[];
}

/** Whether applying `plan` changes anything in the repository. */
export function planHasChanges(plan: Plan): boolean {
  return (
    plan.streams.some(
      (s) =>
        s.addSpecTags.length > 0 ||
        Object.keys(s.setAnnotations).length > 0 ||
        s.tags.some((t) => t.history !== "none" || t.record !== undefined),
    ) ||
    plan.workloads.some((w) => w.triggers.some((t) => t.action === "patch")) ||
    plan.mirrors.some((m) => m.action === "copy")
  );
}
