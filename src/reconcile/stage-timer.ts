/**
 * Where a run's time goes, step by step: the figures `reconcile --json`
 * reports, the scheduled runner logs and the benchmarks read.
 */

/** The steps of a run, in order. */
export const stages = ["load", "plan", "mirror", "write", "facts", "publish"] as const;

/** A step of a run. */
export type Stage = (typeof stages)[number];

/** Milliseconds spent in each step a run took (rounded to 0.1 ms). */
export type StageTimings = Readonly<Partial<Record<Stage, number>>>;

/** Adds up the time spent in each step. */
export interface StageTimer {
  /** Runs `work`, adding its time to `stage`'s (also when it throws). */
  time<T>(stage: Stage, work: () => Promise<T>): Promise<T>;
  timings(): StageTimings;
}

/** A timer on `clock` (milliseconds; performance.now by default). */
export function stageTimer(clock: () => number = () => performance.now()): StageTimer {
  const spent = new Map<Stage, number>();
  return {
    async time(stage, work) {
      const started = clock();
      try {
        return await work();
      } finally {
        spent.set(stage, (spent.get(stage) ?? 0) + clock() - started);
      }
    },
    timings: () =>
      Object.fromEntries(
        stages
          .filter((s) => spent.has(s))
          .map((s) => [s, Math.round((spent.get(s) ?? 0) * 10) / 10]),
      ),
  };
}
