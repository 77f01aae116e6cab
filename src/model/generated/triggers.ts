// Generated from schemas/triggers.schema.json by `npm run gen:types`. Do not edit.

/**
 * The JSON array held by the image.openshift.io/triggers annotation (openshift/library-go pkg/image/trigger/types.go). Stricter than OpenShift where OpenShift silently ignores a trigger it cannot use.
 */
export type ImageTriggers = readonly ObjectFieldTrigger[];

export interface ObjectFieldTrigger {
  readonly from: TriggerSource;
  /**
   * Where the image goes, e.g. spec.template.spec.containers[?(@.name=="web")].image
   */
  readonly fieldPath: string;
  /**
   * A JSON boolean. The string forms "true"/"false" shown in some OpenShift docs are accepted with a warning; OpenShift itself rejects the whole annotation for them.
   */
  readonly paused?: boolean | ("true" | "false");
}
export interface TriggerSource {
  readonly kind: "ImageStreamTag";
  readonly name: string;
  readonly namespace?: string;
  /**
   * Should be empty: OpenShift does not index triggers that set it, so in a cluster they never fire. The tool warns and still resolves them.
   */
  readonly apiVersion?: string;
}
