/**
 * `imagestream-gitops validate`: loads the repository, prints every
 * diagnostic, and exits 2 when any is an error.
 */
import { parseArgs } from "node:util";
import { hasErrors } from "../model/diagnostic.ts";
import { exitCodes, type Output } from "./output.ts";
import { renderDiagnostic, renderJson, renderSummary } from "./render-diagnostics.ts";
import { loadRepositoryAt } from "../reconcile/repository-dir.ts";

/** The command's help text. */
export const validateHelp = `Usage: imagestream-gitops validate [--repo DIR] [--config FILE] [--strict] [--json]

Check every ImageStream and triggered workload in a GitOps repository against
the JSON schemas and OpenShift's rules, without contacting any registry.

Options:
  --repo DIR       the repository root (default: the current directory)
  --config FILE    the config file (default: DIR/imagestream-gitops.yaml, optional)
  --strict         report unknown fields as errors, as kubectl --validate=strict
  --json           print one JSON document on stdout instead of text on stderr
  -h, --help       show this help

Diagnostics are printed as file:line:col: severity CODE: message, with the
source line and a hint. Exit status: 0 no errors (warnings allowed), 2 errors.
`;

/** Runs `validate` with its arguments; returns the exit code. */
export async function runValidate(args: readonly string[], out: Output): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      repo: { type: "string", default: "." },
      config: { type: "string" },
      strict: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    out.stdout(validateHelp);
    return exitCodes.ok;
  }
  const { model, diagnostics, configFile } = await loadRepositoryAt(values);
  const summary = {
    files: model.files.length,
    streams: model.streams.length,
    workloads: model.workloads.length,
  };
  if (values.json) {
    out.stdout(renderJson(diagnostics, summary) + "\n");
  } else {
    const files = configFile === undefined ? model.files : [configFile, ...model.files];
    const sources = new Map(files.map((f) => [f.path, f]));
    for (const d of diagnostics) out.stderr(renderDiagnostic(d, sources.get(d.file)) + "\n");
    out.stderr(renderSummary(diagnostics, summary) + "\n");
  }
  return hasErrors(diagnostics) ? exitCodes.invalid : exitCodes.ok;
}
