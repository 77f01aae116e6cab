// Generated from schemas/imagestream.schema.json by `npm run gen:types`. Do not edit.

export type ImageStreamSpec = {
  /**
   * When local is true, short names used by pods in the same namespace resolve to this stream's tags.
   */
  readonly lookupPolicy?: {
    readonly local?: boolean;
  };
  /**
   * Deprecated since OpenShift 3.7: a whole remote repository whose tags are imported once (capped at 50). Must not contain a tag or digest.
   */
  readonly dockerImageRepository?: string;
  readonly tags?: readonly TagReference[] | null;
} | null;
export type ObjectReference = {
  readonly kind: "DockerImage" | "ImageStreamTag" | "ImageStreamImage";
  readonly name: string;
  readonly namespace?: string;
  readonly apiVersion?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly fieldPath?: string;
} | null;
export type TagImportPolicy = {
  readonly insecure?: boolean;
  readonly scheduled?: boolean;
  readonly importMode?: "" | "Legacy" | "PreserveOriginal";
} | null;
/**
 * An empty or missing type defaults to Source (openshift-apiserver defaults.go).
 */
export type TagReferencePolicy = {
  readonly type?: "Source" | "Local" | "";
} | null;
export type ImageStreamStatus = {
  readonly dockerImageRepository?: string;
  readonly publicDockerImageRepository?: string;
  readonly tags?: readonly NamedTagEventList[] | null;
} | null;

/**
 * An OpenShift ImageStream (image.openshift.io/v1) as kept in Git. Field meanings follow openshift/api image/v1/types.go. x-message maps a failing keyword to OpenShift's own validation message. Fields Go decodes from null to their zero value accept null.
 */
export interface ImageStream {
  readonly apiVersion: "image.openshift.io/v1" | "v1";
  readonly kind: "ImageStream";
  readonly metadata: ObjectMeta;
  readonly spec?: ImageStreamSpec;
  readonly status?: ImageStreamStatus;
}
/**
 * Kubernetes object metadata. The fields a cluster adds on export (uid, resourceVersion, creationTimestamp, managedFields, ...) are accepted so that `oc get -o yaml` output can be committed as it is.
 */
export interface ObjectMeta {
  readonly name: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly labels?: {
    readonly [k: string]: string | undefined;
  } | null;
  readonly annotations?: {
    readonly [k: string]: string | undefined;
  } | null;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string | null;
  readonly deletionTimestamp?: string | null;
  readonly deletionGracePeriodSeconds?: number;
  readonly selfLink?: string;
  readonly selflink?: string;
  readonly finalizers?: readonly string[];
  readonly ownerReferences?: readonly unknown[];
  readonly managedFields?: readonly unknown[];
}
export interface TagReference {
  readonly name: string;
  readonly annotations?: {
    readonly [k: string]: string | undefined;
  } | null;
  readonly from?: ObjectReference;
  /**
   * When true the tag is never imported; its status records from.name as given.
   */
  readonly reference?: boolean;
  readonly generation?: number | null;
  readonly importPolicy?: TagImportPolicy;
  readonly referencePolicy?: TagReferencePolicy;
}
export interface NamedTagEventList {
  readonly tag: string;
  /**
   * items[0] is the current image; the rest is history, newest first.
   */
  readonly items: readonly TagEvent[] | null;
  readonly conditions?: readonly TagEventCondition[] | null;
}
export interface TagEvent {
  readonly created: string;
  readonly dockerImageReference: string;
  readonly image: string;
  readonly generation: number;
}
export interface TagEventCondition {
  readonly type: "ImportSuccess";
  readonly status: "True" | "False" | "Unknown";
  readonly lastTransitionTime?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly generation: number;
}
