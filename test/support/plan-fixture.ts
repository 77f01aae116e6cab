/**
 * Planner tests without servers: streams parsed from inline YAML by the
 * real loader, and registry answers from a table. Plans in rounds like
 * execute/make-plan, answering each pending request from the table.
 */
import assert from "node:assert/strict";
import type { ResolvedConfig } from "../../src/model/config.ts";
import type { Plan, StreamPlan, TagPlan } from "../../src/model/plan.ts";
import type { StreamEntry, WorkloadEntry } from "../../src/model/repository.ts";
import { checkStreams } from "../../src/load/check-streams.ts";
import { checkWorkloads } from "../../src/load/check-workloads.ts";
import { StreamIndex } from "../../src/load/stream-index.ts";
import { defaultConfig } from "../../src/load/config.ts";
import { objectsOf } from "../../src/load/objects.ts";
import { parseYamlFile } from "../../src/load/parse-yaml.ts";
import type {
  ImageObservation,
  ImageRequest,
  ListingObservation,
  ListingRequest,
} from "../../src/plan/observation.ts";
import { planRepository } from "../../src/plan/plan-repository.ts";
import type { ForcedImports } from "../../src/plan/plan-context.ts";

/** ImageStreams from YAML documents, checked like `load` checks them (errors other than `allowed` codes fail the test). */
export function streamsOf(yaml: string, allowed: readonly string[] = []): StreamEntry[] {
  const parsed = parseYamlFile("streams.yaml", yaml);
  assert.deepEqual(parsed.diagnostics, []);
  const checked = checkStreams(objectsOf(parsed.file), "default", false);
  const errors = checked.diagnostics.filter(
    (d) => d.severity === "error" && !allowed.includes(d.code),
  );
  assert.deepEqual(errors, [], "the fixture streams are valid");
  return [...checked.streams];
}

/**
 * Workloads with triggers from YAML documents, checked against `streams` as
 * `load` checks them (errors other than `allowed` codes fail the test).
 */
export function workloadsOf(
  yaml: string,
  streams: readonly StreamEntry[],
  allowed: readonly string[] = [],
): WorkloadEntry[] {
  const parsed = parseYamlFile("workloads.yaml", yaml);
  assert.deepEqual(parsed.diagnostics, []);
  const scope = { streams: new StreamIndex(streams), otherKeys: new Set<string>(), strict: false };
  const checked = checkWorkloads(objectsOf(parsed.file), "default", scope);
  const errors = checked.diagnostics.filter(
    (d) => d.severity === "error" && !allowed.includes(d.code),
  );
  assert.deepEqual(errors, [], "the fixture workloads are valid");
  return [...checked.workloads];
}

/** A digest made of one repeated hex character, `sha256:aaaa…`. */
export function digest(char: string): string {
  return `sha256:${char.repeat(64)}`;
}

/** Answers of the fake registry, by `from.name`. */
export type Answer = ImageObservation | ((request: ImageRequest) => ImageObservation);

/** A registry with `answers` and repository listings; every request asked is recorded. */
export interface FakeRegistry {
  readonly images?: Readonly<Record<string, Answer>>;
  readonly listings?: Readonly<Record<string, ListingObservation>>;
}

/** A found image with `digest` (a single manifest). */
export function image(
  d: string,
  extra: Partial<Extract<ImageObservation, { kind: "image" }>> = {},
): ImageObservation {
  return {
    kind: "image",
    digest: d,
    tagDigest: d,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    ...extra,
  };
}

/** What a plan run saw and decided. */
export interface PlanRun {
  readonly plan: Plan;
  readonly imageRequests: ImageRequest[];
  readonly listingRequests: ListingRequest[];
}

/** Plans `streams` against `registry` at `now`. */
export function planAgainst(
  streams: readonly StreamEntry[],
  registry: FakeRegistry,
  options: {
    readonly now?: Date;
    readonly config?: Partial<ResolvedConfig>;
    readonly insecureRegistries?: readonly string[];
    readonly force?: ForcedImports;
    readonly workloads?: readonly WorkloadEntry[];
  } = {},
): PlanRun {
  const config = { ...defaultConfig(), ...options.config };
  const imageRequests: ImageRequest[] = [];
  const listingRequests: ListingRequest[] = [];
  const images = new Map<string, ImageObservation>();
  const listings = new Map<string, ListingObservation>();
  for (let round = 0; round < 4; round++) {
    const { plan, pending } = planRepository(
      { streams, workloads: options.workloads ?? [] },
      {
        config,
        observations: { images, listings },
        now: options.now ?? new Date("2026-11-23T12:00:00Z"),
        registryInsecure: (spec) =>
          (options.insecureRegistries ?? []).some((h) => spec.startsWith(`${h}/`)),
        ...(options.force === undefined ? {} : { force: options.force }),
      },
    );
    if (pending.images.size === 0 && pending.listings.size === 0)
      return { plan, imageRequests, listingRequests };
    for (const [key, request] of pending.images) {
      imageRequests.push(request);
      const answer = registry.images?.[request.from];
      const observed =
        answer === undefined
          ? {
              kind: "error" as const,
              failure: {
                reason: "NotFound",
                message: `dockerimage.image.openshift.io "${request.from}" not found`,
              },
            }
          : typeof answer === "function"
            ? answer(request)
            : answer;
      images.set(key, observed);
    }
    for (const [key, request] of pending.listings) {
      listingRequests.push(request);
      listings.set(key, registry.listings?.[request.repository] ?? { kind: "tags", tags: [] });
    }
  }
  throw new Error("the plan did not settle in 4 rounds");
}

/** The plan of the stream `name`. */
export function streamPlan(plan: Plan, name: string): StreamPlan {
  const found = plan.streams.find((s) => s.name === name);
  assert.ok(found, `no plan for stream ${name}`);
  return found;
}

/** The decision for `stream:tag`. */
export function tagPlan(plan: Plan, stream: string, tag: string): TagPlan {
  const found = streamPlan(plan, stream).tags.find((t) => t.tag === tag);
  assert.ok(found, `no decision for ${stream}:${tag}`);
  return found;
}
