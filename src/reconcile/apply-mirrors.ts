/**
 * The copies a plan says to make (its mirrors with action `copy`), made by
 * `apply` before it writes anything that points at them (DESIGN.md: execute,
 * mirror first). Each copy's destination digest is checked against the
 * digest the plan points consumers at; a copy that fails, or lands with
 * another digest, keeps its triggers where they were and fails the run.
 */
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
import { masker } from "./mask.ts";
import type { CopiedImage } from "./plan-run.ts";
import {
  repositoryClients,
  type ClientValues,
  type RepositoryClients,
} from "./repository-clients.ts";
import type { RunLog } from "./run-log.ts";

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
  values: ClientValues,
  log: RunLog,
  env: Readonly<Record<string, string | undefined>>,
): Promise<MirrorRun> {
  const wanted = mirrors.filter((m) => m.action === "copy");
  if (wanted.length === 0) return { mirrors, copied: [], registries: {} };
  // D1 sources get the insecure client, as planning gives them: TLS stays verified elsewhere.
  const clients = await repositoryClients(
    loaded,
    values,
    env,
    wanted.some((m) => m.insecure === true),
  );
  const mask = (text: string): string => masker(clients.secrets())(text);
  const progress = startProgress({
    write: (text) => {
      log.info(mask(text.replace(/\n$/, "")));
    },
    isTTY: false,
    now: Date.now,
    every: everyInterval,
  });
  const started = Date.now();
  try {
    const results = await mirrorImages(imageCopies(wanted, clients.open), {
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
    const stats = clients.stats();
    const requests = Object.values(stats).reduce((sum, s) => sum + s.requests, 0);
    log.info(mask(formatSummary(progress.counters(), Date.now() - started, requests)));
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
    await clients.close();
  }
}

/** One copy per source image, with every destination it goes to. */
function imageCopies(wanted: readonly MirrorPlan[], open: RepositoryClients["open"]): ImageCopy[] {
  const bySource = new Map<string, MirrorPlan[]>();
  for (const m of wanted) bySource.set(m.from, [...(bySource.get(m.from) ?? []), m]);
  return [...bySource].map(([from, targets]) => {
    const source = open(
      from,
      targets.some((m) => m.insecure === true),
    );
    return {
      source: endpointOf(source.repository),
      reference: source.reference,
      display: from,
      destinations: targets.map((m) => ({
        endpoint: endpointOf(open(withoutDigest(m.to), false).repository),
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
