/**
 * `spec.dockerImageRepository` (SEMANTICS §3.2-3.3): a stream without the
 * `openshift.io/image.dockerRepositoryCheck` annotation has its repository
 * listed once; the tags the cap keeps, ranked as OpenShift ranks them,
 * become spec tags `<repository>:<tag>` and are imported; the annotation
 * then records that the listing happened, so later runs do not list again
 * (D2). `import-image --all` lists again on demand. Pure.
 */
import type { TagReference } from "../model/generated/imagestream.ts";
import type { RepositoryImportPlan } from "../model/plan.ts";
import { insecureRepositoryAnnotation } from "./import-settings.ts";
import type { PlanContext } from "./plan-context.ts";
import { defaultRepositoryImportCap, selectRepositoryTags } from "./rank-tags.ts";
import type { StreamScope } from "./stream-scope.ts";

/** Set by every import that changes a stream; its absence makes the repository import run (D1). */
export const repositoryCheckAnnotation = "openshift.io/image.dockerRepositoryCheck";

/** What a repository import adds to a stream. */
export interface RepositoryImport {
  readonly plan: RepositoryImportPlan;
  readonly addSpecTags: readonly TagReference[];
  readonly setAnnotations: Readonly<Record<string, string>>;
}

/** Plans the stream's repository import, or undefined when none is due. */
export function planRepositoryImport(
  context: PlanContext,
  scope: StreamScope,
): RepositoryImport | undefined {
  const repository = scope.stream.spec?.dockerImageRepository;
  if (repository === undefined || repository === "") return undefined;
  const annotations = scope.stream.metadata.annotations ?? {};
  const forced = context.options.force?.repositories?.has(scope.key) === true;
  if (annotations[repositoryCheckAnnotation] !== undefined && !forced) return undefined;
  // The repository import is insecure by the stream annotation (N6) or the config.
  const insecure =
    annotations[insecureRepositoryAnnotation] === "true" ||
    context.options.registryInsecure(repository);
  const listing = context.listing({ repository, insecure });
  const empty = { listed: 0, imported: [], additional: [] };
  if (listing === undefined)
    return { plan: { repository, ...empty }, addSpecTags: [], setAnnotations: {} };
  if (listing.kind === "error")
    return {
      plan: { repository, ...empty, failure: listing.failure },
      addSpecTags: [],
      setAnnotations: {},
    };
  const selection = selectRepositoryTags(listing.tags, defaultRepositoryImportCap);
  const existing = new Set((scope.stream.spec?.tags ?? []).map((t) => t.name));
  const addSpecTags = selection.imported
    .filter((tag) => !existing.has(tag))
    .map((tag): TagReference => ({
      name: tag,
      from: { kind: "DockerImage", name: `${repository}:${tag}` },
      referencePolicy: { type: "Source" },
    }));
  return {
    plan: { repository, listed: listing.tags.length, ...selection },
    addSpecTags,
    setAnnotations: { [repositoryCheckAnnotation]: context.time },
  };
}
