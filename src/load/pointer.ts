/**
 * RFC 6901 JSON pointers, decoded fully: every "~1" becomes "/" and then every
 * "~0" becomes "~" (some public ajv-to-YAML mappers replace only the first).
 */

/** Splits a pointer into its reference tokens; "" is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** Joins reference tokens into a pointer. */
export function formatPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => "/" + String(t).replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}
