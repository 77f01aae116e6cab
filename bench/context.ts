/**
 * What every scenario shares: the cleanups, the copier isolation files, a
 * work directory, the number of runs; and measuring a {@link Command} into a
 * {@link Sample}.
 */
import type { Cleanups } from "./cleanups.ts";
import type { Command, Isolation } from "./copiers.ts";
import { measureCommand } from "./measure.ts";
import type { Sample } from "./report.ts";

/** Handed to each scenario. */
export interface BenchContext {
  readonly cleanups: Cleanups;
  readonly isolation: Isolation;
  /** A temporary directory of this bench run, removed at the end. */
  readonly work: string;
  /** Runs per method (the issue asks for at least 5). */
  readonly runs: number;
}

/** Runs `command` once; its wall time, peak RSS, CPU time, and stdout. */
export async function measure(command: Command): Promise<{ sample: Sample; stdout: string }> {
  const { usage, stdout } = await measureCommand(command.command, command.args, {
    env: command.env,
  });
  return { sample: usage, stdout };
}

/** `methods` rotated by `round - 1`, so no method always goes first (warm caches). */
export function rotation<T>(methods: readonly T[], round: number): T[] {
  const shift = (round - 1) % methods.length;
  return [...methods.slice(shift), ...methods.slice(0, shift)];
}

/** Appends `sample` to `method`'s samples in `samples`. */
export function keep(samples: Map<string, Sample[]>, method: string, sample: Sample): void {
  const list = samples.get(method) ?? [];
  list.push(sample);
  samples.set(method, list);
}

/** The requests counted for `host` in a `--json` document's `registries` field. */
export function requestsTo(registries: unknown, host: string): number {
  const stats = (registries as Record<string, { requests?: number } | undefined> | undefined)?.[
    host
  ];
  return stats?.requests ?? Number.NaN;
}
