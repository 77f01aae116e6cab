/**
 * Parses WWW-Authenticate challenges (RFC 7235): a scheme followed by
 * auth-params whose values may be quoted strings with escapes. A header may
 * carry several challenges separated by commas. Pure.
 */

/** One challenge: its scheme (lower-cased) and parameters (names lower-cased). */
export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/** Every challenge in `header`; unparsable trailing text is ignored. */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let rest = header.trim();
  while (rest !== "") {
    const scheme = token.exec(rest)?.[0];
    if (scheme === undefined) break;
    rest = rest.slice(scheme.length).trimStart();
    const params: Record<string, string> = {};
    for (;;) {
      const param = readParam(rest);
      if (param === undefined) break;
      params[param.name.toLowerCase()] = param.value;
      rest = param.rest.replace(/^\s*,\s*/, "");
    }
    challenges.push({ scheme: scheme.toLowerCase(), params });
    rest = rest.replace(/^\s*,\s*/, "");
  }
  return challenges;
}

function readParam(text: string): { name: string; value: string; rest: string } | undefined {
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*/.exec(text);
  if (match?.[1] === undefined) return undefined;
  const after = text.slice(match[0].length);
  if (!after.startsWith('"')) {
    const value = token.exec(after)?.[0] ?? "";
    return { name: match[1], value, rest: after.slice(value.length) };
  }
  let value = "";
  let i = 1;
  for (; i < after.length && after[i] !== '"'; i++) {
    if (after[i] === "\\" && i + 1 < after.length) i++;
    value += after[i] ?? "";
  }
  return { name: match[1], value, rest: after.slice(i + 1) };
}
