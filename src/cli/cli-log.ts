/**
 * The run log of a command: lines on stderr for people; with `--json`,
 * only warnings (stdout then holds one document, and stderr says only what
 * went wrong).
 */
import type { RunLog } from "../reconcile/run-log.ts";
import type { Output } from "./output.ts";
import { renderDiagnostic } from "./render-diagnostics.ts";

/** A log writing to `out.stderr`; quiet but for warnings when `json`. */
export function cliLog(out: Output, json: boolean): RunLog {
  return {
    info: (message) => {
      if (!json) out.stderr(message + "\n");
    },
    warn: (message) => {
      out.stderr(`warning: ${message}\n`);
    },
    diagnostics: (diagnostics, files) => {
      if (json) return;
      for (const d of diagnostics) out.stderr(renderDiagnostic(d, files.get(d.file)) + "\n");
    },
  };
}
