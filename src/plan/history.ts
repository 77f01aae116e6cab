/**
 * How a new tag event enters a tag's status history, as OpenShift's
 * AddTagEventToImageStream does it (SEMANTICS H3-H7). Pure.
 */
import type { TagEvent } from "../model/generated/imagestream.ts";
import type { HistoryChange } from "../model/plan.ts";

/**
 * What adding `event` to a history whose current item is `head` does:
 * - H3: no head: the event is the first item (prepend).
 * - H4: same reference, image and generation: nothing.
 * - H5/H6: same reference or same image, the rest differing: the head is
 *   replaced in place, with no new history item.
 * - H7: otherwise the event is prepended.
 */
export function historyChange(head: TagEvent | undefined, event: TagEvent): HistoryChange {
  if (head === undefined) return "prepend";
  const sameReference = head.dockerImageReference === event.dockerImageReference;
  const sameImage = head.image === event.image;
  if (sameReference && sameImage && head.generation === event.generation) return "none";
  if (sameReference || sameImage) return "replace-head";
  return "prepend";
}

/**
 * The head item after a change: for a replace-head, OpenShift keeps the
 * head's `created` and takes the event's reference, image and generation.
 */
export function nextHead(
  head: TagEvent | undefined,
  event: TagEvent,
  change: HistoryChange,
): TagEvent | undefined {
  if (change === "none") return undefined;
  if (change === "replace-head" && head !== undefined) return { ...event, created: head.created };
  return event;
}

/**
 * {@link historyChange} for an event the tool made itself (an import, a
 * follow): the same reference and image again is no change at all, not even
 * of the generation, so an unchanged registry touches no file (G10).
 */
export function reimportChange(head: TagEvent | undefined, event: TagEvent): HistoryChange {
  const same =
    head !== undefined &&
    head.dockerImageReference === event.dockerImageReference &&
    head.image === event.image;
  return same ? "none" : historyChange(head, event);
}
