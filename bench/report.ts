/**
 * What every scenario hands back, and how it is shown: one table per
 * scenario (each method's median and its ratio to the peer and to the
 * floor measured in the same run), its facts, and the targets of issue 9
 * with where the run stands. No I/O.
 */
import { median } from "./measure.ts";

/** One timed run of a method. */
export interface Sample {
  readonly seconds: number;
  /** MiB; absent for in-process methods. */
  readonly peakRssMiB?: number;
  /** User plus system CPU time of the client (registries not counted). */
  readonly cpuSeconds?: number;
  /** Requests the method made, when known. */
  readonly requests?: number;
}

/** What a row is, for its ratios: the peer and the floor are the yardsticks. */
export type Role = "ours" | "peer" | "floor" | "info";

/** All samples of one method. */
export interface MethodSamples {
  readonly method: string;
  readonly role: Role;
  readonly samples: readonly Sample[];
  /** Said next to the row: a sample scaled up, an in-process timing. */
  readonly note?: string;
}

/** One line of a scenario's table. */
export interface Row {
  readonly method: string;
  readonly role: Role;
  readonly runs: number;
  readonly medianSeconds: number;
  readonly minSeconds: number;
  /** The highest peak over the runs, MiB. */
  readonly peakRssMiB?: number;
  /** Median CPU seconds of the client. */
  readonly cpuSeconds?: number;
  /** Median of the requests made, when known. */
  readonly requests?: number;
  /** This row's median over the peer's. */
  readonly vsPeer?: number;
  /** This row's median over the floor's. */
  readonly vsFloor?: number;
  readonly note?: string;
}

/** One of the targets and where this run stands. */
export interface Target {
  readonly scenario: string;
  readonly target: string;
  /** The measured value, said the way the target is. */
  readonly measured: string;
  readonly met: boolean;
}

/** What a scenario returns. */
export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  /** Tables in the order shown; each compares its rows with its own peer and floor. */
  readonly tables: readonly { readonly caption: string; readonly rows: readonly Row[] }[];
  /** Counters and sizes: requests per tag, blobs fetched, stage seconds. */
  readonly facts: Readonly<Record<string, number | string>>;
  readonly notes: readonly string[];
  readonly targets: readonly Target[];
}

/** Rows for `methods`, each compared with the first peer's and the first floor's median. */
export function summarize(methods: readonly MethodSamples[]): Row[] {
  const medianOf = (role: Role): number | undefined => {
    const found = methods.find((m) => m.role === role && m.samples.length > 0);
    return found === undefined ? undefined : median(found.samples.map((s) => s.seconds));
  };
  const peer = medianOf("peer");
  const floor = medianOf("floor");
  return methods
    .filter((m) => m.samples.length > 0)
    .map(({ method, role, samples, note }) => {
      const seconds = samples.map((s) => s.seconds);
      const medianSeconds = median(seconds);
      const rss = samples.flatMap((s) => (s.peakRssMiB === undefined ? [] : [s.peakRssMiB]));
      const cpu = samples.flatMap((s) => (s.cpuSeconds === undefined ? [] : [s.cpuSeconds]));
      const requests = samples.flatMap((s) => (s.requests === undefined ? [] : [s.requests]));
      return {
        method,
        role,
        runs: samples.length,
        medianSeconds,
        minSeconds: Math.min(...seconds),
        ...(rss.length === 0 ? {} : { peakRssMiB: Math.max(...rss) }),
        ...(cpu.length === 0 ? {} : { cpuSeconds: median(cpu) }),
        ...(requests.length === 0 ? {} : { requests: median(requests) }),
        ...(peer === undefined ? {} : { vsPeer: medianSeconds / peer }),
        ...(floor === undefined ? {} : { vsFloor: medianSeconds / floor }),
        ...(note === undefined ? {} : { note }),
      };
    });
}

/** `value` with `digits` decimals, or "-" when absent. */
export function fixed(value: number | undefined, digits: number): string {
  return value === undefined || Number.isNaN(value) ? "-" : value.toFixed(digits);
}

/** Left-aligns the first and last columns and right-aligns the others. */
export function renderColumns(lines: readonly (readonly string[])[]): string {
  const widths = lines[0]?.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? "").length))) ?? [];
  const last = widths.length - 1;
  return lines
    .map((line) =>
      line
        .map((cell, i) =>
          i === 0 || i === last ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** One table: a row per method. */
export function renderRows(caption: string, rows: readonly Row[]): string {
  const lines = [
    [caption, "median s", "min s", "runs", "×peer", "×floor", "RSS MiB", "CPU s", "requests", ""],
    ...rows.map((r) => [
      r.method,
      fixed(r.medianSeconds, 3),
      fixed(r.minSeconds, 3),
      String(r.runs),
      r.role === "peer" ? "1" : fixed(r.vsPeer, 2),
      r.role === "floor" ? "1" : fixed(r.vsFloor, 2),
      fixed(r.peakRssMiB, 0),
      fixed(r.cpuSeconds, 2),
      fixed(r.requests, 0),
      r.note ?? "",
    ]),
  ];
  return renderColumns(lines);
}

/** A scenario's tables, facts and notes, as text. */
export function renderScenario(result: ScenarioResult): string {
  const parts = [`== ${result.title}`];
  for (const table of result.tables) parts.push(renderRows(table.caption, table.rows));
  const facts = Object.entries(result.facts).map(([k, v]) => `${k}: ${String(v)}`);
  if (facts.length > 0) parts.push(facts.map((f) => `  ${f}`).join("\n"));
  if (result.notes.length > 0) parts.push(result.notes.map((n) => `  note: ${n}`).join("\n"));
  return parts.join("\n\n") + "\n";
}

/** Every scenario's targets in one table. */
export function renderTargets(results: readonly ScenarioResult[]): string {
  const targets = results.flatMap((r) => r.targets);
  if (targets.length === 0) return "";
  const lines = [
    ["target", "measured", "met", "scenario"],
    ...targets.map((t) => [t.target, t.measured, t.met ? "yes" : "NO", t.scenario]),
  ];
  return `== Targets (reported, never failing the run)\n\n${renderColumns(lines)}\n`;
}
