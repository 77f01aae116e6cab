/**
 * Semantic versions as blang/semver (which OpenShift's tag ranking uses)
 * parses and orders them: strictly MAJOR.MINOR.PATCH, no leading zeros,
 * optional pre-release and build metadata; build metadata does not order.
 * Pure.
 */

/** A parsed version. */
export interface SemVer {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  /** Pre-release identifiers; numeric ones as bigint. */
  readonly pre: readonly (bigint | string)[];
}

const numeric = /^(0|[1-9][0-9]*)$/;
const identifier = /^[0-9A-Za-z-]+$/;

/** Parses `text`, or undefined when it is not a semantic version. */
export function parseSemVer(text: string): SemVer | undefined {
  const plus = text.indexOf("+");
  const version = plus === -1 ? text : text.slice(0, plus);
  if (
    plus !== -1 &&
    !text
      .slice(plus + 1)
      .split(".")
      .every((p) => identifier.test(p))
  )
    return undefined;
  const dash = version.indexOf("-");
  const core = dash === -1 ? version : version.slice(0, dash);
  const parts = core.split(".");
  if (parts.length !== 3 || !parts.every((p) => numeric.test(p))) return undefined;
  const [major, minor, patch] = parts.map(BigInt) as [bigint, bigint, bigint];
  const pre: (bigint | string)[] = [];
  if (dash !== -1) {
    for (const p of version.slice(dash + 1).split(".")) {
      if (!identifier.test(p)) return undefined;
      if (/^[0-9]+$/.test(p)) {
        if (!numeric.test(p)) return undefined; // a numeric identifier may not have leading zeros
        pre.push(BigInt(p));
      } else {
        pre.push(p);
      }
    }
  }
  return { major, minor, patch, pre };
}

/** Negative when `a` < `b`, zero when equal, positive when `a` > `b` (semver 2.0 precedence). */
export function compareSemVer(a: SemVer, b: SemVer): number {
  for (const key of ["major", "minor", "patch"] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  // A version without pre-release is greater than one with.
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === y || x === undefined || y === undefined) continue;
    if (typeof x === "bigint" && typeof y === "bigint") return x < y ? -1 : 1;
    // Numeric identifiers are lower than alphanumeric ones.
    if (typeof x === "bigint") return -1;
    if (typeof y === "bigint") return 1;
    return x < y ? -1 : 1;
  }
  return a.pre.length - b.pre.length;
}
