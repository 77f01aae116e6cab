/**
 * Kinds whose pod template a trigger can patch, with the path of their pod
 * spec (openshift/library-go pkg/image/referencemutator/pods.go). The project
 * patches every kind the OpenShift docs list (SEMANTICS.md D3), including those
 * OpenShift's controller does not watch (Job, ReplicaSet, ReplicationController, Pod).
 */

/** A kind whose triggers the tool resolves. */
export interface WorkloadKind {
  readonly kind: string;
  /** Dotted path of the pod spec, as fieldPaths spell it. */
  readonly podSpecPath: string;
  /** OpenShift's in-cluster controller acts on this kind too. */
  readonly watchedByOpenShift: boolean;
}

const kinds: readonly WorkloadKind[] = [
  { kind: "Deployment", podSpecPath: "spec.template.spec", watchedByOpenShift: true },
  { kind: "StatefulSet", podSpecPath: "spec.template.spec", watchedByOpenShift: true },
  { kind: "DaemonSet", podSpecPath: "spec.template.spec", watchedByOpenShift: true },
  { kind: "CronJob", podSpecPath: "spec.jobTemplate.spec.template.spec", watchedByOpenShift: true },
  { kind: "DeploymentConfig", podSpecPath: "spec.template.spec", watchedByOpenShift: true },
  { kind: "Job", podSpecPath: "spec.template.spec", watchedByOpenShift: false },
  { kind: "ReplicaSet", podSpecPath: "spec.template.spec", watchedByOpenShift: false },
  { kind: "ReplicationController", podSpecPath: "spec.template.spec", watchedByOpenShift: false },
  { kind: "Pod", podSpecPath: "spec", watchedByOpenShift: false },
];

/** The workload kind named `kind`, or undefined when triggers cannot apply to it. */
export function workloadKind(kind: string): WorkloadKind | undefined {
  return kinds.find((k) => k.kind === kind);
}

/** Every supported kind's name, for messages. */
export const workloadKindNames: readonly string[] = kinds.map((k) => k.kind);
