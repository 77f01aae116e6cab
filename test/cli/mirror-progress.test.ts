/**
 * The mirror progress display and summary: exact lines for a TTY and a log,
 * driven by a fake clock and a fake timer so no test sleeps.
 */
import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { emptyCounters, type MirrorCounters } from "../../src/execute/mirror/mirror-events.ts";
import {
  everyInterval,
  formatBytes,
  formatSummary,
  progressLine,
  startProgress,
  type ProgressOptions,
} from "../../src/reconcile/mirror-progress.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** A display writing into `out`, with a clock moved by `advance` and a timer fired by `tick`. */
function harness(options: Partial<ProgressOptions> & { readonly isTTY: boolean }) {
  const out: string[] = [];
  let clock = 5_000; // not zero, so elapsed time must be measured from the start
  const timers: { ms: number; tick: () => void; stopped: number }[] = [];
  const progress = startProgress({
    write: (text) => out.push(text),
    now: () => clock,
    every: (ms, tick) => {
      const timer = { ms, tick, stopped: 0 };
      timers.push(timer);
      return () => {
        timer.stopped++;
      };
    },
    ...options,
  });
  assert.equal(timers.length, 1, "one timer per display");
  const timer = timers[0];
  assert.ok(timer);
  return {
    out,
    progress,
    timer,
    /** Moves the clock by `ms` and fires the timer, as one interval passing. */
    tick(ms = timer.ms) {
      clock += ms;
      timer.tick();
    },
  };
}

function counters(values: Partial<MirrorCounters>): MirrorCounters {
  return { ...emptyCounters(), ...values };
}

const image = (blobs: number, bytes: number) =>
  ({
    type: "image",
    source: "quay.io/a/b:1",
    destinations: ["reg.local/b:1"],
    blobs,
    bytes,
  }) as const;
const blob = (outcome: "uploaded" | "mounted" | "skipped", size = MiB) =>
  ({ type: "blob", destination: "reg.local/b", digest: "sha256:aa", size, outcome }) as const;
const bytes = (n: number) => ({ type: "bytes", count: n }) as const;

describe("formatBytes", () => {
  const cases: readonly (readonly [number, string])[] = [
    [0, "0 B"],
    [1, "1 B"],
    [512, "512 B"],
    [1023, "1023 B"],
    [1023.6, "1.0 KiB"], // a rate that rounds to 1024 B
    [KiB, "1.0 KiB"],
    [1536, "1.5 KiB"],
    [MiB - 1, "1.0 MiB"], // 1023.999 KiB would print as 1024.0 KiB
    [MiB, "1.0 MiB"],
    [200 * MiB, "200.0 MiB"],
    [120.34 * MiB, "120.3 MiB"],
    [GiB, "1.0 GiB"],
    [1.25 * GiB * 1024, "1.3 TiB"],
    [2 * 1024 ** 6, "2.0 EiB"],
    [3000 * 1024 ** 6, "3000.0 EiB"], // no unit above EiB
  ];
  for (const [input, want] of cases) {
    it(`prints ${String(input)} as ${want}`, () => {
      assert.equal(formatBytes(input), want);
    });
  }
});

describe("progressLine", () => {
  const cases: readonly {
    name: string;
    counters: Partial<MirrorCounters>;
    elapsedMs: number;
    total?: number;
    want: string;
  }[] = [
    {
      name: "nothing known yet, no rate before 1 s",
      counters: {},
      elapsedMs: 999,
      total: 0,
      want: "mirror: 0/0 images, 0/0 blobs, 0 B sent",
    },
    {
      name: "blobs done are uploaded, mounted and skipped; rate since the start",
      counters: {
        images: 3,
        blobsTotal: 40,
        blobsUploaded: 7,
        blobsMounted: 2,
        blobsSkipped: 3,
        bytes: 120 * MiB,
      },
      elapsedMs: 4_000,
      total: 10,
      want: "mirror: 3/10 images, 12/40 blobs, 120.0 MiB sent, 30.0 MiB/s",
    },
    {
      name: "failed images count as done and are named",
      counters: { images: 2, failed: 1, blobsTotal: 1, bytes: 512 },
      elapsedMs: 1_000,
      total: 4,
      want: "mirror: 3/4 images (1 failed), 0/1 blob, 512 B sent, 512 B/s",
    },
    {
      name: "without a total only the done count shows",
      counters: { images: 1 },
      elapsedMs: 0,
      want: "mirror: 1 image, 0/0 blobs, 0 B sent",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(progressLine(counters(c.counters), c.elapsedMs, c.total), c.want);
    });
  }
});

describe("formatSummary", () => {
  it("prints every total, the time and the rate", () => {
    const c = counters({
      images: 2,
      blobsUploaded: 10,
      blobsSkipped: 3,
      blobsMounted: 2,
      bytes: 200 * MiB,
    });
    assert.equal(
      formatSummary(c, 8_200, 57),
      "mirrored 2 images, 0 failed: 10 blobs copied, 3 skipped, 2 mounted; " +
        "200.0 MiB in 8.2s (24.4 MiB/s); 57 requests",
    );
  });

  it("uses the singular for one and leaves the rate out when nothing was sent", () => {
    const c = counters({ images: 1, failed: 1, blobsSkipped: 1, blobsMounted: 1 });
    assert.equal(
      formatSummary(c, 450, 1),
      "mirrored 1 image, 1 failed: 0 blobs copied, 1 skipped, 1 mounted; 0 B in 0.5s; 1 request",
    );
  });

  it("prints long runs as kubectl prints durations", () => {
    const c = counters({ images: 5, blobsUploaded: 1, bytes: 3 * GiB });
    assert.equal(
      formatSummary(c, 150_000, 12),
      "mirrored 5 images, 0 failed: 1 blob copied, 0 skipped, 0 mounted; " +
        "3.0 GiB in 2m30s (20.5 MiB/s); 12 requests",
    );
  });
});

describe("startProgress without a terminal", () => {
  it("writes a line on every tick, changed or not, every 10 s by default", () => {
    const h = harness({ isTTY: false });
    assert.equal(h.timer.ms, 10_000);
    h.progress.onEvent(image(4, 40 * MiB));
    h.progress.onEvent(image(2, 10 * MiB));
    h.progress.onEvent(bytes(10 * MiB));
    h.tick();
    h.progress.onEvent(blob("uploaded", 10 * MiB));
    h.progress.onEvent(blob("skipped"));
    h.progress.onEvent(blob("mounted"));
    h.progress.onEvent(blob("skipped"));
    h.progress.imageDone(true);
    h.tick();
    // Idle: the line repeats, which is what proves the run is alive.
    h.tick();
    assert.deepEqual(h.out, [
      "mirror: 0/2 images, 0/6 blobs, 10.0 MiB sent, 1.0 MiB/s\n",
      "mirror: 1/2 images, 4/6 blobs, 10.0 MiB sent, 512.0 KiB/s\n",
      "mirror: 1/2 images, 4/6 blobs, 10.0 MiB sent, 341.3 KiB/s\n",
    ]);
  });

  it("writes warnings and failures at once, between progress lines", () => {
    const h = harness({ isTTY: false, intervalMs: 1_000 });
    h.progress.onEvent(image(1, KiB));
    h.progress.onEvent({ type: "warning", message: "quay.io/a/b:1 has no linux/s390x image" });
    h.tick();
    h.progress.onEvent({
      type: "failed",
      source: "quay.io/a/b:1",
      destination: "reg.local/b:1",
      message: "registry answered 403 DENIED",
    });
    h.progress.imageDone(false);
    h.tick();
    assert.deepEqual(h.out, [
      "warning: quay.io/a/b:1 has no linux/s390x image\n",
      "mirror: 0/1 image, 0/1 blob, 0 B sent, 0 B/s\n",
      "error: quay.io/a/b:1 -> reg.local/b:1: registry answered 403 DENIED\n",
      "mirror: 1/1 image (1 failed), 0/1 blob, 0 B sent, 0 B/s\n",
    ]);
  });

  it("stops its timer once, writes nothing on stop, and ignores later ticks", () => {
    const h = harness({ isTTY: false });
    h.progress.stop();
    h.progress.stop();
    assert.equal(h.timer.stopped, 1);
    h.tick();
    assert.deepEqual(h.out, []);
  });
});

describe("startProgress on a terminal", () => {
  it("redraws one line in place every 200 ms by default, only when it changed", () => {
    const h = harness({ isTTY: true });
    assert.equal(h.timer.ms, 200);
    h.progress.onEvent(image(2, 2 * MiB));
    h.tick();
    h.tick(); // same text: no write
    h.tick(600); // 1 s has passed: the rate appears
    h.progress.onEvent(bytes(MiB));
    h.tick(1_000);
    assert.deepEqual(h.out, [
      "\rmirror: 0/1 image, 0/2 blobs, 0 B sent\x1b[K",
      "\rmirror: 0/1 image, 0/2 blobs, 0 B sent, 0 B/s\x1b[K",
      "\rmirror: 0/1 image, 0/2 blobs, 1.0 MiB sent, 512.0 KiB/s\x1b[K",
    ]);
  });

  it("cuts the line one column short of the terminal width", () => {
    const h = harness({ isTTY: true, columns: 20 });
    h.tick();
    assert.deepEqual(h.out, ["\rmirror: 0/0 images,\x1b[K"]);
  });

  it("clears the live line for a warning and draws it again below", () => {
    const h = harness({ isTTY: true });
    h.progress.onEvent({ type: "warning", message: "before any line" });
    h.tick();
    h.progress.onEvent(image(1, KiB));
    h.progress.onEvent({ type: "warning", message: "tag latest moved" });
    h.tick(); // the redraw after the warning already shows the image: no write
    h.progress.onEvent({
      type: "failed",
      source: "quay.io/a/b:1",
      destination: "reg.local/b:1",
      message: "manifest unknown",
    });
    assert.deepEqual(h.out, [
      "warning: before any line\n",
      "\rmirror: 0/0 images, 0/0 blobs, 0 B sent\x1b[K",
      "\r\x1b[Kwarning: tag latest moved\nmirror: 0/1 image, 0/1 blob, 0 B sent\x1b[K",
      "\r\x1b[Kerror: quay.io/a/b:1 -> reg.local/b:1: manifest unknown\n" +
        "mirror: 0/1 image, 0/1 blob, 0 B sent\x1b[K",
    ]);
  });

  it("clears the line on stop, stops the timer, and then writes plain lines", () => {
    const h = harness({ isTTY: true });
    h.tick();
    h.progress.stop();
    h.progress.stop();
    h.tick();
    h.progress.onEvent({ type: "warning", message: "late" });
    assert.equal(h.timer.stopped, 1);
    assert.deepEqual(h.out, [
      "\rmirror: 0/0 images, 0/0 blobs, 0 B sent\x1b[K",
      "\r\x1b[K",
      "warning: late\n",
    ]);
  });

  it("writes nothing on stop when no line was drawn", () => {
    const h = harness({ isTTY: true });
    h.progress.stop();
    assert.deepEqual(h.out, []);
  });
});

describe("MirrorProgress.counters", () => {
  it("counts events and images, and hands out a copy", () => {
    const h = harness({ isTTY: false });
    h.progress.onEvent(image(3, 3 * MiB));
    h.progress.onEvent(blob("uploaded"));
    h.progress.onEvent(bytes(MiB));
    h.progress.onEvent({
      type: "pushed",
      source: "quay.io/a/b:1",
      destination: "reg.local/b:1",
      digest: "sha256:bb",
      tag: "1",
    });
    h.progress.imageDone(true);
    h.progress.imageDone(false);
    const got = h.progress.counters();
    assert.deepEqual(
      got,
      counters({
        images: 1,
        failed: 1,
        blobsTotal: 3,
        bytesTotal: 3 * MiB,
        blobsUploaded: 1,
        bytes: MiB,
        manifests: 1,
      }),
    );
    got.images = 99;
    assert.equal(h.progress.counters().images, 1);
  });
});

describe("everyInterval", () => {
  it("ticks every interval until stopped", () => {
    mock.timers.enable({ apis: ["setInterval"] });
    try {
      const tick = mock.fn();
      const stop = everyInterval(200, tick);
      mock.timers.tick(199);
      assert.equal(tick.mock.callCount(), 0);
      mock.timers.tick(401);
      assert.equal(tick.mock.callCount(), 3);
      stop();
      mock.timers.tick(1_000);
      assert.equal(tick.mock.callCount(), 3);
    } finally {
      mock.timers.reset();
    }
  });
});
