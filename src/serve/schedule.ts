/**
 * When the scheduled runner runs: a cron expression (five fields, or six
 * with seconds first, as the `cron` package reads them) in a time zone.
 * Pure: the next run time is a function of the previous one.
 */
import { CronTime } from "cron";
import { UsageError } from "../errors.ts";

/**
 * The config's default schedule: every 15 minutes, OpenShift's scheduled
 * import interval (imagePolicyConfig.scheduledImageStreamImportMinimumIntervalSeconds).
 */
export const defaultSchedule = "*/15 * * * *";

/** A parsed schedule. */
export interface Schedule {
  /** The cron expression as given. */
  readonly expression: string;
  /** The IANA time zone its fields are read in; undefined: the process's local zone (TZ). */
  readonly timeZone: string | undefined;
  /** The first time strictly after `after` that the schedule names. */
  next(after: Date): Date;
}

/**
 * Parses `expression` in `timeZone`.
 *
 * @throws UsageError when the expression or the time zone is not valid.
 */
export function parseSchedule(expression: string, timeZone?: string): Schedule {
  let time: CronTime;
  try {
    time = new CronTime(expression, timeZone ?? null);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/\.$/, "").toLowerCase() : "invalid";
    const what = /timezone/i.test(reason)
      ? `time zone "${timeZone ?? ""}"`
      : `schedule "${expression}"`;
    throw new UsageError(`invalid ${what}: ${reason}`);
  }
  return {
    expression,
    timeZone,
    next: (after) => time.getNextDateFrom(after, timeZone).toJSDate(),
  };
}
