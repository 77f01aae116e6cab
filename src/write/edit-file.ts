/**
 * Applies stream edits to a YAML file's text as minimal splices. The text is
 * never re-stringified: each step parses the current text, finds its nodes
 * and replaces only their own bytes, so comments, key order, quoting,
 * indentation, flow style, anchors and line endings elsewhere stay exactly
 * as they were. Pure: the caller reads and writes the file (and its BOM).
 */
import type { ObjectEdit, ObjectEdits } from "./object-edit.ts";
import type { Step } from "./edit-context.ts";
import { setStringSteps } from "./field-edits.ts";
import { detectLayout } from "./indentation.ts";
import { appendItemSteps, removeItemSteps, replaceItemSteps } from "./item-edits.ts";
import { parseDocuments } from "./parse-options.ts";
import {
  addSpecTagSteps,
  removeAnnotationSteps,
  removeSpecTagSteps,
  replaceSpecTagSteps,
  setAnnotationSteps,
  setTagAnnotationSteps,
} from "./spec-edits.ts";
import {
  prependStatusItemSteps,
  removeStatusTagSteps,
  replaceStatusHeadSteps,
} from "./status-edits.ts";
import { applySplice, detectEol } from "./text-lines.ts";
import { internal, mapAtPointer } from "./yaml-nodes.ts";

function stepsOf(edit: ObjectEdit): Step[] {
  switch (edit.kind) {
    case "prependStatusItem":
      return prependStatusItemSteps(edit.tag, edit.item, edit.keep);
    case "replaceStatusHead":
      return replaceStatusHeadSteps(edit.tag, edit.item);
    case "removeStatusTag":
      return removeStatusTagSteps(edit.tag);
    case "setTagAnnotation":
      return setTagAnnotationSteps(edit.tag, edit.key, edit.value);
    case "setAnnotation":
      return setAnnotationSteps(edit.key, edit.value);
    case "addSpecTag":
      return addSpecTagSteps(edit.tag);
    case "replaceSpecTag":
      return replaceSpecTagSteps(edit.tag);
    case "removeSpecTag":
      return removeSpecTagSteps(edit.tag);
    case "setString":
      return setStringSteps(edit.path, edit.value);
    case "removeAnnotation":
      return removeAnnotationSteps(edit.key);
    case "appendItem":
      return appendItemSteps(edit.path, edit.value);
    case "replaceItem":
      return replaceItemSteps(edit.path, edit.index, edit.value);
    case "removeItem":
      return removeItemSteps(edit.path, edit.index);
  }
}

function applyStep(text: string, change: ObjectEdits, step: Step): string {
  const document = parseDocuments(text, change.document)[change.document];
  if (document === undefined) throw internal(`the file has no document ${change.document}`);
  const stream = mapAtPointer(document, change.pointer);
  const layout = detectLayout(text, document.contents);
  const splice = step({ text, eol: detectEol(text), layout, document }, stream);
  return splice === undefined ? text : applySplice(text, splice);
}

/** Each edited document must still parse, and the file must hold as many documents. */
function checkResult(before: string, after: string, changes: readonly ObjectEdits[]): void {
  const count = parseDocuments(before).length;
  const documents = parseDocuments(after);
  if (documents.length !== count) throw internal("an edit changed the number of documents");
  for (const { document } of changes) {
    if ((documents[document]?.errors.length ?? 0) > 0) {
      throw internal(`an edit left document ${document} with YAML errors`);
    }
  }
}

/**
 * Applies `changes` to a YAML file's text (without its BOM) and returns the
 * new text, `=== text` when nothing changed. Only the bytes of the edited
 * nodes change. Throws InternalError (code INTERNAL) when an edit names something
 * the file does not hold (a tag, a document, a pointer that is no mapping):
 * a planner bug, not a user error.
 */
export function editFile(text: string, changes: readonly ObjectEdits[]): string {
  let current = text;
  for (const change of changes) {
    for (const edit of change.edits) {
      for (const step of stepsOf(edit)) current = applyStep(current, change, step);
    }
  }
  if (current !== text) checkResult(text, current, changes);
  return current;
}
