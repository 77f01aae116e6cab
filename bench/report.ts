/**
 * Turns the benchmark's samples into rows and renders them: a table for
 * people, or one JSON document. No I/O.
 */
import { median } from "./measure.ts";

/** One timed run of a method. */
export interface Sample {
  readonly seconds: number;
  /** MiB; absent for in-process methods. */
  readonly peakRssMiB?: number;
  /** User plus system CPU time of the client (registries not counted). */
  readonly cpuSeconds?: number;
  /** Requests the copier reports making (ours, from `--json`). */
  readonly requests?: number;
}

/** All samples of one method. */
export interface MethodSamples {
  readonly method: string;
  readonly samples: readonly Sample[];
}

/** One line of the copy table. */
export interface Row {
  readonly method: string;
  readonly medianSeconds: number;
  readonly minSeconds: number;
  /** Layer bytes over the median time, 10^6 bytes per second. */
  readonly mbPerSecond: number;
  /** The highest peak over the runs, MiB. */
  readonly peakRssMiB?: number;
  /** Median CPU seconds of the client. */
  readonly cpuSeconds?: number;
  readonly vsSkopeo?: number;
  readonly vsHttpFloor?: number;
  /** Median of the requests reported, when reported. */
  readonly requests?: number;
}

/** Skopeo's and the HTTP floor's method names, the table's two yardsticks. */
export const SKOPEO = "skopeo";
export const HTTP_FLOOR = "floor: HTTP GET→PUT";

/** Rows for `methods`, each compared with skopeo's and the HTTP floor's median. */
export function summarize(methods: readonly MethodSamples[], bytes: number): Row[] {
  const medianOf = (name: string): number | undefined => {
    const found = methods.find((m) => m.method === name);
    return found === undefined ? undefined : median(found.samples.map((s) => s.seconds));
  };
  const skopeo = medianOf(SKOPEO);
  const floor = medianOf(HTTP_FLOOR);
  return methods.map(({ method, samples }) => {
    const seconds = samples.map((s) => s.seconds);
    const medianSeconds = median(seconds);
    const rss = samples.flatMap((s) => (s.peakRssMiB === undefined ? [] : [s.peakRssMiB]));
    const cpu = samples.flatMap((s) => (s.cpuSeconds === undefined ? [] : [s.cpuSeconds]));
    const requests = samples.flatMap((s) => (s.requests === undefined ? [] : [s.requests]));
    return {
      method,
      medianSeconds,
      minSeconds: Math.min(...seconds),
      mbPerSecond: bytes / medianSeconds / 1e6,
      ...(rss.length === 0 ? {} : { peakRssMiB: Math.max(...rss) }),
      ...(cpu.length === 0 ? {} : { cpuSeconds: median(cpu) }),
      ...(skopeo === undefined ? {} : { vsSkopeo: medianSeconds / skopeo }),
      ...(floor === undefined ? {} : { vsHttpFloor: medianSeconds / floor }),
      ...(requests.length === 0 ? {} : { requests: median(requests) }),
    };
  });
}

/** `value` with `digits` decimals, or "-" when absent. */
function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? "-" : value.toFixed(digits);
}

/** Left-aligns the first column and right-aligns the others. */
function renderColumns(lines: readonly (readonly string[])[]): string {
  const widths = lines[0]?.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? "").length))) ?? [];
  return lines
    .map((line) =>
      line
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join("  "),
    )
    .join("\n");
}

/** The copy table and the no-op table, as text. */
export function renderTables(copies: readonly Row[], noops: readonly Row[]): string {
  const copyLines = [
    ["method", "median s", "min s", "MB/s", "peak RSS MiB", "CPU s", "×skopeo", "×HTTP floor"],
    ...copies.map((r) => [
      r.method,
      fixed(r.medianSeconds, 2),
      fixed(r.minSeconds, 2),
      fixed(r.mbPerSecond, 0),
      fixed(r.peakRssMiB, 0),
      fixed(r.cpuSeconds, 2),
      fixed(r.vsSkopeo, 2),
      fixed(r.vsHttpFloor, 2),
    ]),
  ];
  const noopLines = [
    ["no-op re-run", "median s", "min s", "peak RSS MiB", "CPU s", "requests"],
    ...noops.map((r) => [
      r.method,
      fixed(r.medianSeconds, 2),
      fixed(r.minSeconds, 2),
      fixed(r.peakRssMiB, 0),
      fixed(r.cpuSeconds, 2),
      fixed(r.requests, 0),
    ]),
  ];
  return `${renderColumns(copyLines)}\n\n${renderColumns(noopLines)}\n`;
}
