/**
 * Properties: formatting round-trips, the position-based scanner accepts
 * exactly the language of distribution's anchored regular expression (plus
 * its length and digest checks), and normalisation is idempotent.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  DIGEST_ALGORITHMS,
  formatReference,
  grammar,
  isDigestAlgorithm,
  parseDockerImageReference,
  parseNormalizedReference,
  parseReference,
  ReferenceParseError,
  type Reference,
} from "../../src/reference/index.ts";

const alnum = fc.string({
  unit: fc.constantFrom(..."abyz0189".split("")),
  minLength: 1,
  maxLength: 4,
});
const separator = fc.constantFrom(".", "_", "__", "-", "---");
const component = fc
  .tuple(alnum, fc.array(fc.tuple(separator, alnum), { maxLength: 2 }))
  .map(([head, rest]) => head + rest.map(([s, a]) => s + a).join(""));
const path = fc.array(component, { minLength: 1, maxLength: 3 }).map((c) => c.join("/"));
const label = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,3}[a-zA-Z0-9])?$/);
const port = fc.option(fc.integer({ min: 0, max: 65535 }).map(String), { nil: undefined });
const hostName = fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join("."));
const ipv6 = fc
  .ipV6()
  .filter((ip) => /^[0-9a-fA-F:]+$/.test(ip))
  .map((ip) => `[${ip}]`);
const domain = (withIpv6: boolean) =>
  fc
    .tuple(withIpv6 ? fc.oneof(hostName, ipv6) : hostName, port)
    .map(([h, p]) => (p === undefined ? h : `${h}:${p}`));
const chars = (set: string, minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...set.split("")), minLength, maxLength });
const WORD = "abcxyzABCXYZ0189_";
const tag = fc.tuple(chars(WORD, 1, 1), chars(`${WORD}.-`, 0, 20)).map(([a, b]) => a + b);
const digest = fc
  .constantFrom(...(Object.keys(DIGEST_ALGORITHMS) as (keyof typeof DIGEST_ALGORITHMS)[]))
  .chain((a) =>
    chars("0123456789abcdef", DIGEST_ALGORITHMS[a], DIGEST_ALGORITHMS[a]).map(
      (hex) => `${a}:${hex}`,
    ),
  );

/** References as Parse returns them: without a domain, a first segment never looks like one. */
const reference = (withIpv6 = true): fc.Arbitrary<Reference> =>
  fc
    .record({ domain: domain(withIpv6), path, tag, digest }, { requiredKeys: ["path"] })
    .map((r): Reference => ({ ...r }))
    .filter(
      (r) =>
        r.domain !== undefined ||
        !r.path.includes("/") ||
        !grammar.ANCHORED_DOMAIN_AND_PORT.test(r.path.split("/")[0] ?? ""),
    );

/** What Go's Parse returns for `s`, computed from the anchored regular expressions alone. */
function goParse(s: string): Reference | undefined {
  const m = grammar.ANCHORED_REFERENCE.exec(s);
  if (m === null) return undefined;
  const [, name = "", tagPart, digestPart] = m;
  const n = grammar.ANCHORED_NAME.exec(name);
  const [, dom, p = name] = n ?? [];
  if (p.length > grammar.NAME_MAX_LENGTH) return undefined;
  if (digestPart !== undefined) {
    const [algorithm = "", hex = ""] = digestPart.split(":");
    if (
      !isDigestAlgorithm(algorithm) ||
      hex.length !== DIGEST_ALGORITHMS[algorithm] ||
      /[A-F]/.test(hex)
    )
      return undefined;
  }
  return {
    ...(dom === undefined ? {} : { domain: dom }),
    path: p,
    ...(tagPart === undefined ? {} : { tag: tagPart }),
    ...(digestPart === undefined ? {} : { digest: digestPart }),
  };
}

const LEGACY_REFERENCE = new RegExp(
  `^((?:${grammar.LEGACY_DOMAIN_AND_PORT}/)?${grammar.REMOTE_NAME})(?::${grammar.TAG})?(?:@(${grammar.DIGEST}))?$`,
);

/** Whether OpenShift's library-go accepts `s`: its older grammar, whole name ≤ 255, any-case hex. */
function libraryGoAccepts(s: string): boolean {
  const m = LEGACY_REFERENCE.exec(s);
  if (m === null || (m[1] ?? "").length > grammar.NAME_MAX_LENGTH) return false;
  const [algorithm = "", hex = ""] = (m[2] ?? "").split(":");
  return (
    m[2] === undefined ||
    (isDigestAlgorithm(algorithm) && hex.length === DIGEST_ALGORITHMS[algorithm])
  );
}

function tryParse(run: () => Reference): Reference | undefined {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof ReferenceParseError)) throw err;
    return undefined;
  }
}

const noise = fc.string({ unit: fc.constantFrom(..."aZ09._-/:@[]f".split("")), maxLength: 24 });
const mutated = fc
  .tuple(reference().map(formatReference), fc.nat(), fc.constantFrom(..."A_-./:@[] ".split("")))
  .map(([s, at, c]) => s.slice(0, at % (s.length + 1)) + c + s.slice(at % (s.length + 1)));
const candidates = fc.oneof(noise, reference().map(formatReference), mutated);

describe("reference properties", () => {
  it("parseReference(formatReference(r)) deep-equals r", () => {
    fc.assert(
      fc.property(reference(), (r) => {
        assert.deepEqual(parseReference(formatReference(r)), r);
      }),
      { numRuns: 500 },
    );
  });

  it("parseReference accepts exactly what distribution's regular expression and checks accept", () => {
    fc.assert(
      fc.property(candidates, (s) => {
        assert.deepEqual(
          tryParse(() => parseReference(s)),
          goParse(s),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("normalisation is idempotent", () => {
    fc.assert(
      fc.property(candidates, (s) => {
        const once = tryParse(() => parseNormalizedReference(s));
        if (once === undefined) return;
        assert.deepEqual(parseNormalizedReference(formatReference(once)), once);
      }),
      { numRuns: 1000 },
    );
  });

  it("parseDockerImageReference accepts exactly what library-go's grammar and checks accept", () => {
    fc.assert(
      fc.property(candidates, (s) => {
        assert.equal(
          tryParse(() => parseDockerImageReference(s)) !== undefined,
          libraryGoAccepts(s),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("an OpenShift pull spec reparses to itself", () => {
    fc.assert(
      fc.property(reference(false), (r) => {
        const spec = parseDockerImageReference(formatReference(r));
        assert.deepEqual(parseDockerImageReference(formatReference(spec)), spec);
      }),
      { numRuns: 500 },
    );
  });
});
