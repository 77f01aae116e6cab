/**
 * The unified diff of every changed file, for the pull request body: one
 * collapsed block per file, made once with `diff`'s createTwoFilesPatch and
 * shown in a fence no line of the file can close. When the body must
 * shrink, later files' diffs give way to a line saying how many diff lines
 * were left out and how to see them. Pure.
 */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import { codeSpan, details, escapeHtml, fencedBlock, formatCount, plural } from "./markdown.ts";
import type { FilePatch } from "./proposal.ts";

/** One file's unified diff and its size. */
export interface FileDiff {
  readonly path: string;
  readonly patch: string;
  /** Lines of the patch's hunks. */
  readonly lines: number;
  readonly added: number;
  readonly removed: number;
}

/** Diffs every file that changed; files whose text is the same are left out. */
export function diffFiles(files: readonly FilePatch[]): readonly FileDiff[] {
  return files
    .filter((file) => file.before !== file.after)
    .map((file) => {
      const patch = createTwoFilesPatch(
        `a/${file.path}`,
        `b/${file.path}`,
        file.before,
        file.after,
        undefined,
        undefined,
        { context: 3, headerOptions: FILE_HEADERS_ONLY },
      );
      const hunkLines = patch
        .split("\n")
        .filter((l) => /^[-+ \\]/.test(l) && !/^(---|\+\+\+) /.test(l));
      return {
        path: file.path,
        patch,
        lines: hunkLines.length,
        added: hunkLines.filter((l) => l.startsWith("+")).length,
        removed: hunkLines.filter((l) => l.startsWith("-")).length,
      };
    });
}

function fileBlock(diff: FileDiff): string {
  const summary = `<code>${escapeHtml(diff.path)}</code> (+${diff.added} −${diff.removed})`;
  return details(summary, fencedBlock("diff", diff.patch));
}

/** Where the branch's full change can be seen, for the omitted-diffs line. */
export interface DiffRange {
  readonly base: string;
  readonly branch: string;
}

/**
 * Renders the "Changed files" section: the first `shown` diffs, then a line
 * counting the files and diff lines left out, with the `git diff` that
 * shows them. Empty when no file changed.
 */
export function renderDiffs(diffs: readonly FileDiff[], shown: number, range: DiffRange): string {
  if (diffs.length === 0) return "";
  const parts = ["### Changed files", ...diffs.slice(0, shown).map(fileBlock)];
  const omitted = diffs.slice(shown);
  if (omitted.length > 0) {
    const lines = omitted.reduce((sum, d) => sum + d.lines, 0);
    const command = codeSpan(`git diff ${range.base}...${range.branch}`);
    const files = plural(omitted.length, shown > 0 ? "more file" : "file");
    parts.push(
      `Diffs of ${files} (${formatCount(lines)} diff lines) omitted to fit the size limit: ` +
        `see the pull request's changed files, or run ${command}.`,
    );
  }
  return parts.join("\n\n");
}
