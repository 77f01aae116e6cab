/**
 * What one step of an edit sees: the current text, parsed, and the
 * ImageStream it edits. A step returns one splice (or nothing to change);
 * the file is parsed afresh before the next step, so every step measures
 * offsets against the text as it is.
 */
import type { Document } from "yaml";
import type { RenderContext } from "./render-node.ts";
import type { Splice } from "./text-lines.ts";
import type { MapNode } from "./yaml-nodes.ts";

/** The text being edited, parsed, with its line break and indentation. */
export interface EditContext extends RenderContext {
  readonly eol: string;
  readonly document: Document.Parsed;
}

/** One splice of an edit, computed against the current text; undefined changes nothing. */
export type Step = (context: EditContext, stream: MapNode) => Splice | undefined;
