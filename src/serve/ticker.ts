/**
 * Fires a callback at each time a schedule names. Each tick is scheduled
 * from the clock when the previous one fires, so a slow event loop delays a
 * tick rather than bunching several; what to do with a tick that comes
 * while a run is still going is the runner's business, not the ticker's.
 */
import type { Schedule } from "./schedule.ts";

/** setTimeout's longest delay; a longer wait is taken in steps. */
const maxDelay = 2 ** 31 - 1;

/** A running ticker. */
export interface Ticker {
  /** When the next tick fires; undefined once stopped. */
  readonly next: () => Date | undefined;
  /** Stops ticking; a tick already fired is not recalled. */
  readonly stop: () => void;
}

/**
 * Calls `onTick` with the scheduled time at every time `schedule` names,
 * from `now()` on, until stopped. Uses the global setTimeout (tests mock it
 * with node:test's mock.timers) and keeps the process alive while it runs.
 */
export function startTicker(
  schedule: Schedule,
  onTick: (at: Date) => void,
  now: () => Date = () => new Date(),
): Ticker {
  let due: Date | undefined = schedule.next(now());
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    if (due === undefined) return;
    const wait = due.getTime() - now().getTime();
    timer = setTimeout(fire, Math.min(Math.max(wait, 0), maxDelay));
  };
  const fire = (): void => {
    if (due === undefined) return;
    if (due.getTime() > now().getTime()) {
      arm();
      return;
    }
    const at = due;
    // From the clock, not from `at`: times missed while the loop was blocked are not made up.
    due = schedule.next(now());
    arm();
    onTick(at);
  };
  arm();
  return {
    next: () => due,
    stop: () => {
      due = undefined;
      clearTimeout(timer);
    },
  };
}
