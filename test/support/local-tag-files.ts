/**
 * The smallest GitOps repository that mirrors: one stream whose tag 1.0 is
 * imported from a registry and served from the local registry
 * (`referencePolicy: Local`), and Deployments whose container `web`
 * follows it through a trigger (its image a placeholder until patched).
 */

/** `demo/app` with tag 1.0 from `SOURCE/team/app:1.0`. */
export function localTagStream(source: string): string {
  return `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
  - name: "1.0"
    from: {kind: DockerImage, name: ${source}/team/app:1.0}
    referencePolicy: {type: Local}
`;
}

/** Deployment `name` in `demo` whose container `web` follows `app:1.0`. */
export function followingDeployment(name: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: demo
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:1.0"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'
spec:
  template:
    spec:
      containers:
      - name: web
        image: placeholder:1
`;
}
