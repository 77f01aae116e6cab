/**
 * The copies a plan says to make (its mirrors with action `copy`), made by
 * `apply` before it writes anything that points at them (DESIGN.md: execute,
 * mirror first). Each copy's destination digest is checked against the
 * digest the plan points consumers at; a copy that fails, or lands with
 * another digest, keeps its triggers where they were and fails the run.
 */
import path from "node:path";
import { endpointOf } from "../execute/mirror/endpoint.ts";
import type { ImageCopy } from "../execute/mirror/copy-image.ts";
import {
  defaultMaxPerRegistry,
  imageSucceeded,
  mirrorImages,
} from "../execute/mirror/mirror-images.ts";
import type { LoadResult } from "../load/load-repository.ts";
import type { MirrorPlan } from "../model/plan.ts";
import { everyInterval, formatSummary, startProgress } from "./mirror-progress.ts";
import type { Output } from "./output.ts";
import type { CopiedImage, RegistryValues } from "./reconcile-command.ts";
import { concurrencyArgument, masker } from "./registry-command.ts";
import { setUpRegistry, type RegistrySetup } from "./registry-setup.ts";

/** What the copies did: the plan's mirrors with copy turned into copied or failed. */
export interface MirrorRun {
  readonly mirrors: readonly MirrorPlan[];
  readonly copied: readonly CopiedImage[];
  readonly registries: Record<string, unknown>;
}

/** Copies every mirror whose action is `copy`; the others are returned as they are. */
export async function copyPlannedMirrors(
  mirrors: readonly MirrorPlan[],
  loaded: LoadResult,
  values: RegistryValues,
  out: Output,
  env: Readonly<Record<string, string | undefined>>,
): Promise<MirrorRun> {
  const wanted = mirrors.filter((m) => m.action === "copy");
  if (wanted.length === 0) return { mirrors, copied: [], registries: {} };
  const { model } = loaded;
  const configDir =
    values.config === undefined ? model.root : path.dirname(path.resolve(values.config));
  const flags = {
    concurrency: concurrencyArgument(values.concurrency),
    ...(values.authfile === undefined ? {} : { authFile: values.authfile }),
  };
  const setup = await setUpRegistry(
    { ...flags, insecure: values.insecure },
    model.config,
    configDir,
    env,
    model.root,
  );
  // D1 sources get a client of their own, as planning gives them: TLS stays verified elsewhere.
  const insecure =
    values.insecure || !wanted.some((m) => m.insecure === true)
      ? undefined
      : await setUpRegistry({ ...flags, insecure: true }, model.config, configDir, env, model.root);
  const mask = masker([...setup.credentials.secrets(), ...(insecure?.credentials.secrets() ?? [])]);
  const progress = startProgress({
    write: (text) => {
      if (!values.json) out.stderr(mask(text));
    },
    isTTY: false,
    now: Date.now,
    every: everyInterval,
  });
  const started = Date.now();
  try {
    const results = await mirrorImages(imageCopies(wanted, setup.open, insecure?.open), {
      filter: { keepManifestList: false },
      referrers: true,
      force: false,
      maxPerRegistry: defaultMaxPerRegistry,
      emit: progress.onEvent,
      done: (result) => {
        progress.imageDone(imageSucceeded(result));
      },
    });
    progress.stop();
    const landed = new Map<string, string | undefined>();
    for (const result of results) {
      for (const d of result.destinations) {
        const ok = d.status !== "failed" && d.digest === digestOf(d.destination);
        landed.set(d.destination, ok ? (d.mediaType ?? "") : undefined);
      }
    }
    const stats = {
      ...setup.transport.stats.snapshot(),
      ...prefixKeys("(insecure) ", insecure?.transport.stats.snapshot() ?? {}),
    };
    if (!values.json) {
      const requests = Object.values(stats).reduce((sum, s) => sum + s.requests, 0);
      out.stderr(mask(formatSummary(progress.counters(), Date.now() - started, requests)) + "\n");
    }
    const failures = new Map(
      results.flatMap((r) =>
        r.destinations.map((d) => [d.destination, d.error?.message ?? r.error?.message]),
      ),
    );
    const copied: CopiedImage[] = [];
    const done = mirrors.map((m): MirrorPlan => {
      if (m.action !== "copy") return m;
      const mediaType = landed.get(m.to);
      if (mediaType !== undefined) {
        copied.push({ pullSpec: m.to, mediaType });
        return { ...m, action: "copied", reason: "copied, with the digest the plan points at" };
      }
      const why = failures.get(m.to) ?? "the copy landed with another digest";
      return { ...m, action: "failed", reason: mask(`copy failed: ${why}`) };
    });
    return { mirrors: done, copied, registries: stats };
  } finally {
    progress.stop();
    await setup.client.close();
    await insecure?.client.close();
  }
}

/** One copy per source image, with every destination it goes to. */
function imageCopies(
  wanted: readonly MirrorPlan[],
  open: RegistrySetup["open"],
  openInsecure: RegistrySetup["open"] | undefined,
): ImageCopy[] {
  const bySource = new Map<string, MirrorPlan[]>();
  for (const m of wanted) bySource.set(m.from, [...(bySource.get(m.from) ?? []), m]);
  return [...bySource].map(([from, targets]) => {
    const insecureSource = targets.some((m) => m.insecure === true);
    const source = (insecureSource ? (openInsecure ?? open) : open)(from);
    return {
      source: endpointOf(source.repository),
      reference: source.reference,
      display: from,
      destinations: targets.map((m) => ({
        endpoint: endpointOf(open(withoutDigest(m.to)).repository),
        display: m.to,
        ...(m.destinationTag === undefined ? {} : { tag: m.destinationTag }),
      })),
    };
  });
}

function digestOf(pullSpec: string): string {
  return pullSpec.slice(pullSpec.lastIndexOf("@") + 1);
}

function withoutDigest(pullSpec: string): string {
  return pullSpec.slice(0, pullSpec.lastIndexOf("@"));
}

/** `record` with `prefix` before every key: counters of one step kept apart from another's. */
export function prefixKeys<T>(prefix: string, record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [prefix + k, v]));
}
