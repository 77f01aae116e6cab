/**
 * Builders of publish/ Proposals for renderer tests: deterministic digests
 * with a chosen prefix, tag changes and trigger patches with plausible
 * defaults, and the stream and workload files (before and after) a run
 * would have changed, so the diffs in rendered bodies look like real ones.
 */
import { createHash } from "node:crypto";
import type {
  FilePatch,
  ImageDetails,
  Proposal,
  TagChange,
  TriggerPatch,
} from "../../src/publish/proposal.ts";

/** Hex of `length` digits that starts with `seed` when the seed is hex, else derived from it. */
function hexFrom(seed: string, length: number): string {
  const hash = createHash("sha256").update(seed).digest("hex");
  return (/^[0-9a-f]*$/.test(seed) ? seed + hash : hash).slice(0, length);
}

/** A `sha256:` image id starting with `seed` when it is hex (pick readable prefixes), else derived from it. */
export function digest(seed: string): string {
  return `sha256:${hexFrom(seed, 64)}`;
}

/** A 40-hex git commit id, likewise. */
export function revision(seed: string): string {
  return hexFrom(seed, 40);
}

/** Image details: linux/amd64 only, no size, no labels, unless given. */
export function image(overrides: Partial<ImageDetails> = {}): ImageDetails {
  return { platforms: ["linux/amd64"], labels: {}, ...overrides };
}

/** A tag change of a scheduled import from docker.io, unless given. */
export function tagChange(
  change: Pick<TagChange, "namespace" | "stream" | "tag"> & Partial<TagChange>,
): TagChange {
  const newImage = change.newImage ?? digest(`${change.stream}${change.tag}`);
  return {
    action: "import",
    rule: "scheduled",
    reason: "scheduled import",
    source: `DockerImage docker.io/library/${change.stream}:${change.tag}`,
    newImage,
    newPullSpec: `docker.io/library/${change.stream}@${newImage}`,
    file: `streams/${change.stream}.yaml`,
    line: 1,
    ...change,
  };
}

/** A tag change of a reference tag, which records no image: only a pull spec. */
export function referenceTag(
  change: Pick<TagChange, "namespace" | "stream" | "tag" | "newPullSpec"> & Partial<TagChange>,
): TagChange {
  const full = tagChange({ action: "reference", rule: "reference", ...change });
  return Object.fromEntries(
    Object.entries(full).filter(([key]) => key !== "newImage"),
  ) as unknown as TagChange;
}

/** A trigger patch of a Deployment's container, unless given. */
export function triggerPatch(
  patch: Pick<TriggerPatch, "workload" | "container" | "source" | "newImage"> &
    Partial<TriggerPatch>,
): TriggerPatch {
  return { file: "deploy/app.yaml", line: 1, namespace: "demo", ...patch };
}

/** The status lines of one tag in a stream file: the newest item first. */
function statusLines(tag: string, items: readonly { image: string; pullSpec: string }[]): string[] {
  const lines = [`    - tag: "${tag}"`, "      items:"];
  items.forEach((item, i) => {
    lines.push(
      `        - created: "2024-05-0${(items.length - i) % 10}T08:00:00Z"`,
      `          dockerImageReference: ${item.pullSpec}`,
      `          image: ${item.image}`,
      `          generation: ${items.length - i}`,
    );
  });
  return lines;
}

function streamText(name: string, namespace: string, status: readonly string[]): string {
  return [
    "apiVersion: image.openshift.io/v1",
    "kind: ImageStream",
    "metadata:",
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    "status:",
    "  tags:",
    ...status,
    "",
  ].join("\n");
}

/** The stream file of `tags` (one stream) before and after their new items were recorded. */
export function streamFile(tags: readonly TagChange[]): FilePatch {
  const first = tags[0];
  if (first === undefined) throw new Error("streamFile needs a tag");
  const older = (t: TagChange) =>
    t.oldImage === undefined ? [] : [{ image: t.oldImage, pullSpec: `docker.io/x@${t.oldImage}` }];
  const newer = (t: TagChange) => [{ image: t.newImage ?? "", pullSpec: t.newPullSpec }];
  const before = tags
    .filter((t) => t.oldImage !== undefined)
    .flatMap((t) => statusLines(t.tag, older(t)));
  const after = tags.flatMap((t) => statusLines(t.tag, [...newer(t), ...older(t)]));
  return {
    path: first.file,
    before: streamText(first.stream, first.namespace, before),
    after: streamText(first.stream, first.namespace, after),
  };
}

/** A workload file with one container line per patch, before and after the patches. */
export function workloadFile(path: string, patches: readonly TriggerPatch[]): FilePatch {
  const text = (pick: (p: TriggerPatch) => string) =>
    [
      "apiVersion: apps/v1",
      `kind: ${patches[0]?.workload.split("/")[0] ?? "Deployment"}`,
      "metadata:",
      `  name: ${patches[0]?.workload.split("/")[1] ?? "app"}`,
      "  annotations:",
      "    image.openshift.io/triggers: '[...]'",
      "spec:",
      "  template:",
      "    spec:",
      "      containers:",
      ...patches.flatMap((p) => [
        `        - name: ${p.container}`,
        `          image: ${pick(p) === "" ? '""' : pick(p)}`,
      ]),
      "",
    ].join("\n");
  return { path, before: text((p) => p.oldImage ?? ""), after: text((p) => p.newImage) };
}

/** A proposal of nothing, on the default branch names, with what is given. */
export function proposal(overrides: Partial<Proposal> = {}): Proposal {
  return {
    branch: "imagestream-gitops/update",
    base: "main",
    tags: [],
    mirrors: [],
    triggers: [],
    files: [],
    skips: [],
    failures: [],
    fingerprint: "5e3c0ffee5e3c0ffee5e3c0ffee5e3c0ffee5e3c",
    reproduce: "npx imagestream-gitops plan --repo .",
    ...overrides,
  };
}
