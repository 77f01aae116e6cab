/**
 * Offsets into the file's text, measured in lines: where a line starts and
 * ends, and splices that insert or remove whole lines. Everything the writer
 * changes is one `Splice`; the bytes outside it are never touched.
 */

/** Replace `text.slice(start, end)` with `text`. */
export interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Applies one splice. */
export function applySplice(text: string, splice: Splice): string {
  return text.slice(0, splice.start) + splice.text + text.slice(splice.end);
}

/** The file's line break, taken from its first line: every inserted break uses it. */
export function detectEol(text: string): string {
  const newline = text.indexOf("\n");
  return newline > 0 && text[newline - 1] === "\r" ? "\r\n" : "\n";
}

/** Offset of the start of the line holding `pos`. */
export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf("\n", pos - 1) + 1;
}

/** Offset of the line break ending the line holding `pos` (or the end of the text). */
export function lineEnd(text: string, pos: number): number {
  const newline = text.indexOf("\n", pos);
  if (newline < 0) return text.length;
  return newline > 0 && text[newline - 1] === "\r" ? newline - 1 : newline;
}

/** Offset of the start of the next line, unless `pos` already starts a line. */
export function afterLine(text: string, pos: number): number {
  if (pos > 0 && text[pos - 1] === "\n") return pos;
  const newline = text.indexOf("\n", pos);
  return newline < 0 ? text.length : newline + 1;
}

/** 0-based column of `pos`. */
export function column(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

/** True when only spaces come before `pos` on its line. */
export function startsLine(text: string, pos: number): boolean {
  return text.slice(lineStart(text, pos), pos).trim() === "";
}

/**
 * Moves the line start `start` up over the comment lines directly above it
 * whose `#` is at `column`, the column of the key or "-" on that line: a
 * comment written above an item belongs to it, so text inserted before the
 * item goes above its comment. Comments indented otherwise belong to the
 * end of the previous item or to the parent, and stay where they are.
 */
export function aboveComments(text: string, start: number, column: number): number {
  let at = start;
  while (at > 0) {
    const previous = lineStart(text, at - 1);
    const line = text.slice(previous, at);
    const indent = line.length - line.trimStart().length;
    if (!line.trimStart().startsWith("#") || indent !== column) break;
    at = previous;
  }
  return at;
}

/** `n` spaces. */
export function spaces(n: number): string {
  return " ".repeat(Math.max(0, n));
}

/**
 * Inserts `lines` at the line start `pos`, each ended by `eol`. At the end of
 * a text that has no final line break, the break goes first instead, so the
 * text still ends without one.
 */
export function insertLines(
  text: string,
  pos: number,
  lines: readonly string[],
  eol: string,
): Splice {
  if (pos === text.length && text.length > 0 && !text.endsWith("\n")) {
    return { start: pos, end: pos, text: eol + lines.join(eol) };
  }
  return { start: pos, end: pos, text: lines.map((line) => line + eol).join("") };
}

/**
 * Removes the whole lines from the line start `start` to the line start
 * `end`. When they run to the end of a text without a final line break, the
 * break before them goes too, so the text still ends without one.
 */
export function removeLines(text: string, start: number, end: number): Splice {
  if (end === text.length && !text.endsWith("\n") && start > 0) {
    const before = text[start - 2] === "\r" ? start - 2 : start - 1;
    return { start: before, end, text: "" };
  }
  return { start, end, text: "" };
}

/**
 * Replaces the whole lines from the line start `start` to the line start
 * `end` with `lines`, keeping a missing final line break missing.
 */
export function replaceLines(
  text: string,
  start: number,
  end: number,
  lines: readonly string[],
  eol: string,
): Splice {
  const final = end === text.length && !text.endsWith("\n");
  const body = lines.join(eol) + (final ? "" : eol);
  return { start, end, text: body };
}
