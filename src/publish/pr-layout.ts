/**
 * How much of a proposal a pull request body shows, and the collapsed
 * tables and lists that follow it: the first rows in view, the rest in a
 * `<details>`, and beyond the cap a count of what was left out. The body's
 * renderer shrinks the layout until the body fits the forge's limit. Pure.
 */
import { details, escapeHtml, plural, table } from "./markdown.ts";

/** What a body shows; every section reads the same layout. */
export interface Layout {
  /** Rows of a table (items of a list) in view; later ones are collapsed. */
  readonly visibleRows: number;
  /** Rows of all tag tables together, and items of each other list, shown at all. */
  readonly rowCap: number;
  /** How many files' diffs are shown. */
  readonly diffFiles: number;
  /** Whether each stream's full digests are shown. */
  readonly digests: boolean;
  /** Whether collapsed rows drop to the few columns a table's compact form has. */
  readonly compact: boolean;
}

/** A table's rows in full and, for collapsed rows when space is short, in a compact form. */
export interface TableRows {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly compact?: TableRows;
}

/** A countable noun: `tag`/`tags`. */
export interface Noun {
  readonly singular: string;
  readonly plural?: string;
}

/** `3 tags`; with an adjective, `3 more tags`. */
export function countOf(count: number, noun: Noun, adjective?: string): string {
  const word = adjective === undefined ? noun.singular : `${adjective} ${noun.singular}`;
  const words =
    adjective === undefined ? noun.plural : `${adjective} ${noun.plural ?? `${noun.singular}s`}`;
  return plural(count, word, words);
}

/** The line standing for items left out to fit: `… and 12 more tags, omitted to fit the size limit.` */
export function omittedLine(count: number, noun: Noun, where = ""): string {
  return `… and ${countOf(count, noun, "more")}${where}, omitted to fit the size limit.`;
}

/** Splits `shown` items into those in view and those collapsed. */
function split<T>(shown: readonly T[], visible: number): readonly [readonly T[], readonly T[]] {
  return [shown.slice(0, visible), shown.slice(visible)];
}

/**
 * Renders a table of which `shown` rows are shown: the first `visibleRows`
 * in view, the rest collapsed (in the compact form when the layout asks and
 * the table has one), then a line counting the rows beyond `shown`.
 */
export function collapsibleTable(
  data: TableRows,
  shown: number,
  layout: Layout,
  noun: Noun,
): string {
  const { header, rows } = data;
  const [inView, collapsed] = split(rows.slice(0, shown), layout.visibleRows);
  const parts: string[] = [];
  if (inView.length > 0) parts.push(table(header, inView));
  if (collapsed.length > 0) {
    const summary = escapeHtml(countOf(collapsed.length, noun, "more"));
    const small = layout.compact ? data.compact : undefined;
    const content =
      small === undefined
        ? table(header, collapsed)
        : table(small.header, small.rows.slice(inView.length, inView.length + collapsed.length));
    parts.push(details(summary, content));
  }
  if (rows.length > inView.length + collapsed.length) {
    parts.push(omittedLine(rows.length - inView.length - collapsed.length, noun));
  }
  return parts.join("\n\n");
}

/** Renders a list the same way: items in view, the rest collapsed, then the count left out. */
export function collapsibleList(items: readonly string[], layout: Layout, noun: Noun): string {
  const [inView, collapsed] = split(items.slice(0, layout.rowCap), layout.visibleRows);
  const list = (entries: readonly string[]): string => entries.map((e) => `- ${e}`).join("\n");
  const parts: string[] = [];
  if (inView.length > 0) parts.push(list(inView));
  if (collapsed.length > 0) {
    parts.push(details(escapeHtml(countOf(collapsed.length, noun, "more")), list(collapsed)));
  }
  if (items.length > inView.length + collapsed.length) {
    parts.push(omittedLine(items.length - inView.length - collapsed.length, noun));
  }
  return parts.join("\n\n");
}
