/**
 * Durations as kubectl prints ages: k8s.io/apimachinery/pkg/util/duration
 * `HumanDuration`, two or three significant figures in at most two units.
 * Pure.
 */

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/**
 * `milliseconds` the way HumanDuration prints a time.Duration, each step
 * truncating as Go's integer division does:
 *
 * | duration          | printed                           | example       |
 * | ----------------- | --------------------------------- | ------------- |
 * | below -1 s        | `<invalid>` (a clock far behind)  |               |
 * | -1 s up to 0      | `0s` (tolerated clock skew)       |               |
 * | below 2 min       | seconds                           | `45s`, `119s` |
 * | below 10 min      | minutes and seconds               | `2m`, `9m59s` |
 * | below 3 h         | minutes                           | `10m`, `179m` |
 * | below 8 h         | hours and minutes                 | `3h`, `7h59m` |
 * | below 2 days      | hours                             | `8h`, `47h`   |
 * | below 8 days      | days and hours                    | `2d`, `7d23h` |
 * | below 2 years     | days                              | `8d`, `729d`  |
 * | below 8 years     | years and days (365-day years)    | `2y`, `7y364d`|
 * | from 8 years      | years                             | `8y`          |
 *
 * A second unit is left out when it is zero (`3h`, not `3h0m`).
 */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.trunc(milliseconds / second);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(milliseconds / minute);
  if (minutes < 10) return withRest(minutes, "m", seconds % 60, "s");
  if (minutes < 3 * 60) return `${minutes}m`;
  const hours = Math.trunc(milliseconds / hour);
  if (hours < 8) return withRest(hours, "h", minutes % 60, "m");
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return withRest(days, "d", hours % 24, "h");
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return withRest(years, "y", days % 365, "d");
  return `${years}y`;
}

function withRest(value: number, unit: string, rest: number, restUnit: string): string {
  return rest === 0 ? `${value}${unit}` : `${value}${unit}${rest}${restUnit}`;
}
