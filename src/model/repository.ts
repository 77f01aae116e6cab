/**
 * The loaded repository: image streams and triggered workloads, each with the
 * place it came from, plus the resolved config. This is what `load` hands to
 * the later stages.
 */
import type { ResolvedConfig } from "./config.ts";
import type { ContainerList, SelectorForm } from "./field-path.ts";
import type { ImageStream } from "./generated/imagestream.ts";
import type { ObjectLocation, SourceFile } from "./source.ts";

/** An ImageStream and where it lives. */
export interface StreamEntry {
  readonly stream: ImageStream;
  /** metadata.namespace, else the config's default namespace. */
  readonly namespace: string;
  readonly at: ObjectLocation;
}

/** The stream tag a trigger follows. */
export interface StreamTagRef {
  readonly namespace: string;
  readonly stream: string;
  readonly tag: string;
}

/** A container image field a trigger writes. */
export interface ContainerTarget {
  readonly list: ContainerList;
  /** Index within that list. */
  readonly index: number;
  readonly name: string | undefined;
  /** Pointer (inside the object) of the container's `image` value. */
  readonly imagePointer: string;
  /** The same place as keys and indexes, as the writer takes it. */
  readonly imagePath: readonly (string | number)[];
  /** The image the file holds now, if any. */
  readonly image: string | undefined;
}

/** One trigger, from the annotation or from a DeploymentConfig's spec.triggers. */
export interface Trigger {
  readonly source: StreamTagRef;
  readonly origin: "annotation" | "deploymentConfig";
  /** Pointer (inside the object) of where the trigger is defined. */
  readonly pointer: string;
  /** The annotation's fieldPath, or a DeploymentConfig's container name. */
  readonly fieldPath: string;
  readonly form: SelectorForm;
  readonly paused: boolean;
  readonly targets: readonly ContainerTarget[];
  /**
   * A DeploymentConfig ImageChange trigger's `imageChangeParams.lastTriggeredImage`
   * (DC1), with its keys and indexes below the object; `value` is absent when unset.
   */
  readonly lastTriggeredImage?: {
    readonly path: readonly (string | number)[];
    readonly value?: string;
  };
}

/** A workload with triggers. */
export interface WorkloadEntry {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly at: ObjectLocation;
  readonly triggers: readonly Trigger[];
}

/** Everything `load` found. */
export interface RepositoryModel {
  /** Absolute path of the repository root. */
  readonly root: string;
  readonly config: ResolvedConfig;
  readonly files: readonly SourceFile[];
  readonly streams: readonly StreamEntry[];
  readonly workloads: readonly WorkloadEntry[];
}
