/** The ticker on mocked timers: a tick at each scheduled time, none bunched after a stall, none after stop. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSchedule } from "../../src/serve/schedule.ts";
import { startTicker } from "../../src/serve/ticker.ts";

const start = Date.parse("2026-07-01T10:00:00.250Z");

describe("startTicker", () => {
  it("fires at every second of a six-field schedule, with the scheduled time", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: start });
    const ticks: string[] = [];
    const ticker = startTicker(parseSchedule("* * * * * *", "UTC"), (at) =>
      ticks.push(at.toISOString()),
    );
    assert.equal(ticker.next()?.toISOString(), "2026-07-01T10:00:01.000Z");
    t.mock.timers.tick(749);
    assert.deepEqual(ticks, []);
    t.mock.timers.tick(1);
    t.mock.timers.tick(1000);
    t.mock.timers.tick(1000);
    assert.deepEqual(ticks, [
      "2026-07-01T10:00:01.000Z",
      "2026-07-01T10:00:02.000Z",
      "2026-07-01T10:00:03.000Z",
    ]);
    ticker.stop();
    t.mock.timers.tick(5000);
    assert.equal(ticks.length, 3, "no tick after stop");
    assert.equal(ticker.next(), undefined);
  });

  it("fires once for times missed while the loop was blocked, then keeps the schedule", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: start });
    const ticks: string[] = [];
    const ticker = startTicker(parseSchedule("*/15 * * * *", "UTC"), (at) =>
      ticks.push(at.toISOString()),
    );
    t.after(() => {
      ticker.stop();
    });
    // One jump of an hour: a single timer fires, late.
    t.mock.timers.tick(60 * 60 * 1000);
    assert.deepEqual(ticks, ["2026-07-01T10:15:00.000Z"]);
    assert.equal(ticker.next()?.toISOString(), "2026-07-01T11:15:00.000Z");
  });

  it("waits out a timer that fires early", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: start });
    const ticks: Date[] = [];
    let clock = start;
    // A clock behind the timers: the first timer fires before the scheduled time.
    const now = (): Date => new Date(clock);
    const ticker = startTicker(parseSchedule("* * * * * *", "UTC"), (at) => ticks.push(at), now);
    t.after(() => {
      ticker.stop();
    });
    t.mock.timers.tick(750);
    assert.equal(ticks.length, 0, "not yet due by the runner's clock");
    clock += 750;
    t.mock.timers.tick(750);
    assert.equal(ticks.length, 1);
  });
});
