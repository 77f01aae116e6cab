/** The schedule: cron expressions with seconds or without, in a time zone, and bad input as usage errors. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "../../src/errors.ts";
import { defaultSchedule, parseSchedule } from "../../src/serve/schedule.ts";

describe("parseSchedule", () => {
  const cases = [
    {
      name: "the default: every 15 minutes",
      expression: defaultSchedule,
      timeZone: "UTC",
      after: "2026-07-01T10:14:59.999Z",
      want: "2026-07-01T10:15:00.000Z",
    },
    {
      name: "a time exactly on the schedule names the next one",
      expression: defaultSchedule,
      timeZone: "UTC",
      after: "2026-07-01T10:15:00.000Z",
      want: "2026-07-01T10:30:00.000Z",
    },
    {
      name: "six fields: every second",
      expression: "* * * * * *",
      timeZone: "UTC",
      after: "2026-07-01T10:15:00.400Z",
      want: "2026-07-01T10:15:01.000Z",
    },
    {
      name: "09:00 in Paris is 07:00 UTC in summer",
      expression: "0 9 * * *",
      timeZone: "Europe/Paris",
      after: "2026-07-01T00:00:00.000Z",
      want: "2026-07-01T07:00:00.000Z",
    },
    {
      name: "and 08:00 UTC in winter",
      expression: "0 9 * * *",
      timeZone: "Europe/Paris",
      after: "2026-12-01T00:00:00.000Z",
      want: "2026-12-01T08:00:00.000Z",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const schedule = parseSchedule(c.expression, c.timeZone);
      assert.equal(schedule.next(new Date(c.after)).toISOString(), c.want);
      assert.equal(schedule.expression, c.expression);
      assert.equal(schedule.timeZone, c.timeZone);
    });
  }

  const bad = [
    { name: "not cron", expression: "every day", timeZone: undefined, want: /invalid schedule/ },
    {
      name: "a minute of 61",
      expression: "61 * * * *",
      timeZone: undefined,
      want: /invalid schedule/,
    },
    {
      name: "an unknown zone",
      expression: "* * * * *",
      timeZone: "Mars/Olympus",
      want: /invalid time zone "Mars\/Olympus"/,
    },
  ];
  for (const c of bad) {
    it(`refuses ${c.name}`, () => {
      assert.throws(
        () => parseSchedule(c.expression, c.timeZone),
        (err: unknown) => err instanceof UsageError && c.want.test(err.message),
      );
    });
  }
});
