/**
 * Finds the first syntax error in JSON text, with its offset and a one-line
 * message. JSON.parse does the parsing; this runs only when it fails, because
 * V8's messages do not always give a position (Node 20: "Unexpected token 'F',
 * "..." is not valid JSON") and quote the whole text, newlines included.
 * Iterative, so nesting depth cannot overflow the stack. Pure.
 */

/** A JSON syntax error. */
export interface JsonSyntaxError {
  /** Offset of the offending character (the text's length at an early end). */
  readonly offset: number;
  readonly message: string;
}

const literals = ["true", "false", "null"];
const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// JSON strings forbid raw control characters (RFC 8259 §7), hence the range.
// eslint-disable-next-line no-control-regex
const stringPattern = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** What the scanner expects next; the "OrClose" states follow an opening bracket. */
type Expect = "value" | "valueOrClose" | "key" | "keyOrClose" | "colon" | "commaOrEnd";

/** `text` parsed, or its first syntax error. */
export function parseJson(
  text: string,
): { readonly value: unknown } | { readonly error: JsonSyntaxError } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { error: findJsonSyntaxError(text) ?? { offset: 0, message: "not valid JSON" } };
  }
}

/** The first syntax error of `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const closers: string[] = [];
  let expect: Expect = "value";
  let i = skipSpace(text, 0);
  for (; i < text.length; i = skipSpace(text, i)) {
    const c = text.charAt(i);
    const step = scanToken(text, i, c, expect, closers);
    if ("message" in step) return step;
    i = step.next;
    expect = step.expect;
    if (closers.length === 0 && expect === "commaOrEnd") break;
  }
  i = skipSpace(text, i);
  if (closers.length > 0 || expect !== "commaOrEnd") {
    return { offset: text.length, message: "unexpected end of JSON" };
  }
  return i < text.length ? unexpected(text, i, "after the JSON value") : undefined;
}

function scanToken(
  text: string,
  i: number,
  c: string,
  expect: Expect,
  closers: string[],
): { next: number; expect: Expect } | JsonSyntaxError {
  const top = closers.at(-1);
  if (expect === "colon")
    return c === ":" ? { next: i + 1, expect: "value" } : unexpected(text, i, "expected ':'");
  if (expect === "commaOrEnd") {
    if (c === ",") return { next: i + 1, expect: top === "}" ? "key" : "value" };
    if (c === top) return closeAt(i, closers);
    return unexpected(
      text,
      i,
      top === undefined ? "after the JSON value" : `expected ',' or '${top}'`,
    );
  }
  if (expect === "key" || expect === "keyOrClose") {
    if (c === "}" && expect === "keyOrClose") return closeAt(i, closers);
    if (c !== '"') return unexpected(text, i, "expected a double-quoted property name");
    const end = matchAt(stringPattern, text, i);
    return end === undefined
      ? unexpected(text, i, "invalid string")
      : { next: end, expect: "colon" };
  }
  if (c === "{" || c === "[") {
    closers.push(c === "{" ? "}" : "]");
    return { next: i + 1, expect: c === "{" ? "keyOrClose" : "valueOrClose" };
  }
  if (c === "]" && expect === "valueOrClose") return closeAt(i, closers);
  return scanScalar(text, i, c);
}

function scanScalar(
  text: string,
  i: number,
  c: string,
): { next: number; expect: Expect } | JsonSyntaxError {
  const pattern = c === '"' ? stringPattern : /[-0-9]/.test(c) ? numberPattern : undefined;
  const end = pattern === undefined ? literalEnd(text, i) : matchAt(pattern, text, i);
  if (end === undefined)
    return unexpected(text, i, c === '"' ? "invalid string" : "expected a JSON value");
  return { next: end, expect: "commaOrEnd" };
}

function closeAt(i: number, closers: string[]): { next: number; expect: Expect } {
  closers.pop();
  return { next: i + 1, expect: "commaOrEnd" };
}

function literalEnd(text: string, i: number): number | undefined {
  const word = literals.find((w) => text.startsWith(w, i));
  return word === undefined ? undefined : i + word.length;
}

function matchAt(pattern: RegExp, text: string, i: number): number | undefined {
  pattern.lastIndex = i;
  return pattern.test(text) ? pattern.lastIndex : undefined;
}

function skipSpace(text: string, i: number): number {
  let j = i;
  while (j < text.length && " \t\n\r".includes(text.charAt(j))) j++;
  return j;
}

function unexpected(text: string, i: number, why: string): JsonSyntaxError {
  const token = /^[A-Za-z_]+/.exec(text.slice(i))?.[0] ?? text.charAt(i);
  return { offset: i, message: `unexpected ${JSON.stringify(token)}: ${why}` };
}
