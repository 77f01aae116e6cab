/**
 * Durations as the config writes them (`minimumAge: 1h30m`): Go's
 * time.ParseDuration units plus `d` for days, which Go lacks and image ages
 * want. Pure.
 */

const unitMs: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Milliseconds in `text` (`0`, `45s`, `1h30m`, `1.5d`); undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (text === "0") return 0;
  const part = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let end = 0;
  for (const match of text.matchAll(part)) {
    if (match.index !== end) return undefined;
    total += Number(match[1]) * (unitMs[match[2] ?? ""] ?? Number.NaN);
    end = match.index + match[0].length;
  }
  return end === text.length && end > 0 && Number.isFinite(total) ? total : undefined;
}
