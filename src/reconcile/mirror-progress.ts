/**
 * Progress and summary of `mirror`: a live line redrawn in place on a
 * terminal, a progress line every 10 s otherwise (CI logs), and one summary
 * line at the end. Pure of process access: output, clock and timer are
 * injected, so tests drive time without sleeping.
 */
import {
  count,
  emptyCounters,
  type MirrorCounters,
  type MirrorEvent,
} from "../execute/mirror/mirror-events.ts";
import { humanDuration } from "./human-duration.ts";

/** What the display writes to and how it keeps time. */
export interface ProgressOptions {
  /** Writes to stderr, without adding a newline. */
  readonly write: (text: string) => void;
  readonly isTTY: boolean;
  /** The clock, in milliseconds. */
  readonly now: () => number;
  /** Schedules `tick` every `ms`; returns a stop function. Tests pass a fake. */
  readonly every: (ms: number, tick: () => void) => () => void;
  /** Non-TTY line interval, default 10_000 ms. TTY redraw interval, default 200 ms. */
  readonly intervalMs?: number;
  /** Terminal width for the TTY line (default 80); the line is cut to fit. */
  readonly columns?: number;
}

/** A running display: feed it events, then stop it before printing the summary. */
export interface MirrorProgress {
  /** Feed every MirrorEvent here; warnings and failures are written at once. */
  readonly onEvent: (event: MirrorEvent) => void;
  /** Marks one image done (ok=true) or failed (ok=false): counts images/failed. */
  readonly imageDone: (ok: boolean) => void;
  /** A copy of the counters so far. */
  readonly counters: () => MirrorCounters;
  /** Stops the timer and, on a TTY, clears the live line (so the summary starts on a clean line). */
  readonly stop: () => void;
}

/** Erases from the cursor to the end of the line (ECMA-48 EL). */
const clearToEnd = "\x1b[K";

/**
 * Starts the display: schedules its ticks through `options.every` and keeps
 * the counters. Writes only through `options.write`: on a TTY one line
 * redrawn with `\r` when its text changed; otherwise `progressLine` plus a
 * newline on every tick, changed or not, so a long upload still shows life.
 */
export function startProgress(options: ProgressOptions): MirrorProgress {
  const { write, isTTY, now } = options;
  const started = now();
  const counters = emptyCounters();
  const width = Math.max(1, (options.columns ?? 80) - 1);
  let knownImages = 0;
  let stopped = false;
  // The live line on screen, undefined while nothing is drawn.
  let drawn: string | undefined;

  const line = (): string => progressLine(counters, now() - started, knownImages);
  // One column short of the width: text in the last column leaves some
  // terminals wrapping, and `\r` would then return to the wrong row.
  const liveLine = (): string => line().slice(0, width);

  const tick = (): void => {
    if (stopped) return;
    if (!isTTY) {
      write(`${line()}\n`);
      return;
    }
    const text = liveLine();
    if (text === drawn) return;
    write(`\r${text}${clearToEnd}`);
    drawn = text;
  };

  const message = (text: string): void => {
    if (drawn === undefined) {
      write(`${text}\n`);
      return;
    }
    drawn = liveLine();
    write(`\r${clearToEnd}${text}\n${drawn}${clearToEnd}`);
  };

  const stopTimer = options.every(options.intervalMs ?? (isTTY ? 200 : 10_000), tick);

  return {
    onEvent(event) {
      count(counters, event);
      if (event.type === "image") knownImages++;
      else if (event.type === "warning") message(`warning: ${event.message}`);
      else if (event.type === "failed")
        message(`error: ${event.source} -> ${event.destination}: ${event.message}`);
    },
    imageDone(ok) {
      if (ok) counters.images++;
      else counters.failed++;
    },
    counters: () => ({ ...counters }),
    stop() {
      if (stopped) return;
      stopped = true;
      stopTimer();
      if (drawn !== undefined) write(`\r${clearToEnd}`);
      drawn = undefined;
    },
  };
}

/**
 * The progress line, e.g. `mirror: 3/10 images, 12/40 blobs, 120.3 MiB sent,
 * 25.1 MiB/s`. Images done count failed ones too (`3/10 images (1 failed)`);
 * without `totalImages` only the done count shows. Blobs done are uploaded,
 * mounted and skipped. Bytes are those streamed, not a share of
 * `bytesTotal`: skipped and mounted blobs send none, so "of total" would end
 * short of 100 % on every re-run. The rate shows from 1 s on, when it means
 * something. Pure.
 */
export function progressLine(
  counters: MirrorCounters,
  elapsedMs: number,
  totalImages?: number,
): string {
  const done = counters.images + counters.failed;
  const failed = counters.failed > 0 ? ` (${counters.failed} failed)` : "";
  const images = totalImages === undefined ? `${done}` : `${done}/${totalImages}`;
  const blobs = counters.blobsUploaded + counters.blobsMounted + counters.blobsSkipped;
  const parts = [
    `${images} ${plural(totalImages ?? done, "image")}${failed}`,
    `${blobs}/${counters.blobsTotal} ${plural(counters.blobsTotal, "blob")}`,
    `${formatBytes(counters.bytes)} sent`,
  ];
  if (elapsedMs >= 1000) parts.push(formatRate(counters.bytes, elapsedMs));
  return `mirror: ${parts.join(", ")}`;
}

/**
 * The final summary as one line, e.g. `mirrored 2 images, 0 failed: 10 blobs
 * copied, 3 skipped, 2 mounted; 200.0 MiB in 8.2s (24.3 MiB/s); 57
 * requests`. The rate is left out when no bytes were sent. Pure.
 */
export function formatSummary(
  counters: MirrorCounters,
  elapsedMs: number,
  requests: number,
): string {
  const rate =
    counters.bytes > 0 && elapsedMs > 0 ? ` (${formatRate(counters.bytes, elapsedMs)})` : "";
  return (
    `mirrored ${counters.images} ${plural(counters.images, "image")}, ${counters.failed} failed: ` +
    `${counters.blobsUploaded} ${plural(counters.blobsUploaded, "blob")} copied, ` +
    `${counters.blobsSkipped} skipped, ${counters.blobsMounted} mounted; ` +
    `${formatBytes(counters.bytes)} in ${formatElapsed(elapsedMs)}${rate}; ` +
    `${requests} ${plural(requests, "request")}`
  );
}

const iecUnits = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;

/**
 * A byte count in IEC units with one decimal: `0 B`, `512 B`, `1.0 KiB`,
 * `200.0 MiB`, `1.0 GiB`. A value that would round to 1024 of a unit moves
 * up one (`1.0 MiB`, not `1024.0 KiB`). Fractions of a byte (rates) round to
 * whole bytes. Pure.
 */
export function formatBytes(bytes: number): string {
  const whole = Math.round(bytes);
  if (whole < 1024) return `${whole} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (unit < iecUnits.length - 1 && Number(value.toFixed(1)) >= 1024) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${iecUnits[unit] ?? ""}`;
}

/**
 * Schedules `tick` every `ms` with `setInterval`, for `ProgressOptions.every`.
 * The timer is unref'd: a display must never keep the process alive.
 */
export function everyInterval(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}

function formatRate(bytes: number, elapsedMs: number): string {
  return `${formatBytes((bytes * 1000) / elapsedMs)}/s`;
}

/** Seconds with a decimal below 2 min (where humanDuration would still print whole seconds), else humanDuration. */
function formatElapsed(elapsedMs: number): string {
  return elapsedMs < 120_000 ? `${(elapsedMs / 1000).toFixed(1)}s` : humanDuration(elapsedMs);
}

function plural(n: number, noun: string): string {
  return n === 1 ? noun : `${noun}s`;
}
