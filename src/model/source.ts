/**
 * Source files as loaded: the text, a line index, and every YAML `Document`,
 * kept whole so later stages can edit nodes in place and leave comments,
 * quoting and key order as they were.
 */
import type { Document, LineCounter } from "yaml";

/** One YAML document of a file. */
export interface SourceDocument {
  /** 0-based position in the file's `---`-separated stream. */
  readonly index: number;
  readonly document: Document.Parsed;
  /** The document as plain data; undefined when it has syntax errors. */
  readonly value: unknown;
}

/** One loaded YAML file. */
export interface SourceFile {
  /** Repository-relative POSIX path. */
  readonly path: string;
  /** The text, without a leading byte-order mark. */
  readonly text: string;
  /** The file began with a byte-order mark (to put back when it is written). */
  readonly bom: boolean;
  readonly lines: LineCounter;
  readonly documents: readonly SourceDocument[];
}

/** Where an object sits: its file, its document and its pointer inside that document. */
export interface ObjectLocation {
  readonly file: SourceFile;
  readonly doc: SourceDocument;
  /** "" for a top-level object, "/items/3" for an item of a `kind: List`. */
  readonly pointer: string;
  /** 1-based lines of the object's first and last line in the file. */
  readonly line: number;
  readonly endLine: number;
}
