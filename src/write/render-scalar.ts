/**
 * Scalars as YAML text. A string is written plain when it reads back as the
 * same string under the loader's YAML 1.1 rules (so "1.2", "15", "on" and
 * "null" come out quoted), and otherwise double-quoted, or single-quoted when
 * it holds a double quote (JSON); quotes of the scalar it replaces, or of a
 * sibling, carry over (see renderScalar).
 */
import { isMap, isScalar, parseDocument, Scalar, type ParsedNode } from "yaml";
import { InternalError } from "../errors.ts";
import { parseOptions } from "./parse-options.ts";

/** Where a scalar is written: block or flow, key or value. */
export interface ScalarPlace {
  readonly flow: boolean;
  readonly key: boolean;
}

/** Control and format characters, and YAML 1.1's extra line breaks: escaped, never written raw. */
const unprintable = /[\p{C}\u2028\u2029]/u;

const blockValue: ScalarPlace = { flow: false, key: false };

/**
 * YAML 1.1's base-60 numbers and its loose floats (`1:20`, `e5`, `.`): the
 * loader reads them as strings, as go-yaml v2 does, but other YAML 1.1
 * readers (PyYAML, yaml's own 1.1 schema) take them for numbers, so they are
 * written quoted all the same.
 */
const otherReadersNumbers =
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$|^[-+]?[0-9_]*\.?[0-9_]*(?:[eE][-+]?[0-9]+)?$/;

/**
 * `value` (a string, number, boolean or null) as YAML text, styled after
 * `like`: the scalar it replaces (`keep`: its quotes are kept) or the scalar
 * in the same place of a sibling (its quotes are copied when it did not need
 * them, so they show the author's taste). Throws INTERNAL for other values.
 */
export function renderScalar(
  value: unknown,
  like: ParsedNode | null | undefined,
  place: ScalarPlace = blockValue,
  keep = false,
): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string") {
    return renderString(value, isScalar(like) ? like : undefined, place, keep);
  }
  throw new InternalError(`cannot write ${typeof value} as a YAML scalar`);
}

/** True for the values {@link renderScalar} writes. */
export function isScalarValue(value: unknown): value is string | number | boolean | null {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    typeof value === "number"
  );
}

function renderString(value: string, like: Scalar | undefined, place: ScalarPlace, keep: boolean) {
  const quote = like?.type;
  const quoted = quote === Scalar.QUOTE_DOUBLE || quote === Scalar.QUOTE_SINGLE;
  const copy =
    quoted && (keep || (typeof like?.value === "string" && readsBackPlain(like.value, place)));
  // A plain sibling with a ":" in a flow collection shows the file's readers cope with one.
  const colons =
    quote === Scalar.PLAIN && typeof like?.value === "string" && like.value.includes(":");
  if (!copy && readsBackPlain(value, place, colons)) return value;
  // JSON in an annotation reads better as '[{"a":1}]' than as "[{\"a\":1}]",
  // unless double quotes are being kept (`copy` of a scalar that is not single-quoted).
  const single = quote === Scalar.QUOTE_SINGLE || (value.includes('"') && !copy);
  if (single && !unprintable.test(value)) return `'${value.replaceAll("'", "''")}'`;
  return doubleQuoted(value);
}

/** JSON's string escapes are YAML's; YAML 1.1 also breaks lines at NEL, LS and PS. */
function doubleQuoted(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * True when `value`, written plain in `place`, reads back as the same string.
 * In flow collections a ":" needs `colons`: libyaml before 0.2.1, and go-yaml
 * v2 ported from it, end a plain scalar there at any ":"; yaml does not.
 */
export function readsBackPlain(value: string, place: ScalarPlace, colons = false): boolean {
  if (value === "" || value !== value.trim() || unprintable.test(value)) return false;
  if (otherReadersNumbers.test(value)) return false;
  if (place.flow && !colons && value.includes(":")) return false;
  const source = place.flow
    ? place.key
      ? `{${value}: x}`
      : `{x: ${value}}`
    : place.key
      ? `${value}: x`
      : `x: ${value}`;
  const document = parseDocument(source, parseOptions);
  if (document.errors.length > 0 || document.warnings.length > 0) return false;
  const map = document.contents;
  if (!isMap(map) || map.items.length !== 1) return false;
  const node = place.key ? map.items[0]?.key : map.items[0]?.value;
  return isScalar(node) && node.type === Scalar.PLAIN && node.value === value;
}
