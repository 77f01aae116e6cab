/**
 * Markdown building blocks for pull request bodies that render the same on
 * GitHub, GitLab and Gitea (all GFM): escaped text, code spans and fences
 * that no content can close, table rows no cell can break, and collapsed
 * `<details>`. Everything user-provided (tag names, labels, reasons) goes
 * through these. Pure.
 */

/** Joins a value's lines: a cell or a code span must stay on one line. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ");
}

/**
 * Escapes text for Markdown prose and table cells: Markdown punctuation gets
 * a backslash, `<`, `>` and `&` become entities (no HTML gets through), and
 * `@` is split from what follows so a label cannot mention a team.
 */
export function escapeText(text: string): string {
  return oneLine(text)
    .replace(/[\\`*_[\]~#!]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@/g, "@&#8203;");
}

/** Escapes text for HTML content and attributes (`<summary>`). */
export function escapeHtml(text: string): string {
  return oneLine(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** The longest run of backticks in `text`. */
function longestBacktickRun(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
}

/**
 * Renders `text` as a code span whose delimiter is longer than any backtick
 * run inside it (CommonMark 6.1), padded when it starts or ends with one.
 */
export function codeSpan(text: string): string {
  const value = oneLine(text);
  const ticks = "`".repeat(longestBacktickRun(value) + 1);
  const pad = value.startsWith("`") || value.endsWith("`") ? " " : "";
  return `${ticks}${pad}${value}${pad}${ticks}`;
}

/** Renders a fenced code block whose fence no line of `content` can close. */
export function fencedBlock(info: string, content: string): string {
  const fence = "`".repeat(Math.max(3, longestBacktickRun(content) + 1));
  const body = content.endsWith("\n") ? content : `${content}\n`;
  return `${fence}${info}\n${body}${fence}`;
}

/**
 * Renders one table row. Cells are already Markdown; a pipe in any of them
 * (even inside a code span, GFM 4.10) is escaped so it cannot add a column.
 */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.map((cell) => oneLine(cell).replace(/\|/g, "\\|")).join(" | ")} |`;
}

/** Renders a table: header row, delimiter row and one row per entry. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const delimiter = `|${header.map(() => "---").join("|")}|`;
  return [tableRow(header), delimiter, ...rows.map(tableRow)].join("\n");
}

/**
 * Renders a collapsed `<details>` block. `summary` is HTML (escape it with
 * {@link escapeHtml}); the blank lines let Markdown render inside.
 */
export function details(summary: string, content: string): string {
  return `<details><summary>${summary}</summary>\n\n${content}\n\n</details>`;
}

/** Renders `count` with thousands separators (1,204), independent of locale. */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** `1 tag`, `3 tags`: a count and its noun. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
