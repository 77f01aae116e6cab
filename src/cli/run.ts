/**
 * Dispatches a command line to its command and maps failures to exit codes:
 * usage errors exit 2 with the message, anything unexpected exits 1 with
 * "this is a bug" and no stack trace unless ISG_DEBUG is set.
 */
import { InputError, ReconcilerError, UsageError } from "../errors.ts";
import { exitCodes, type Output } from "./output.ts";
import { describeHelp, runDescribe } from "./describe.ts";
import { digestHelp, runDigest } from "./digest.ts";
import { inspectHelp, runInspect } from "./inspect.ts";
import { mirrorHelp, runMirror, type TerminalInfo } from "./mirror.ts";
import { applyHelp, runApply } from "./apply.ts";
import { importImageHelp, runImportImage } from "./import-image.ts";
import { planHelp, runPlan } from "./plan-command.ts";
import { runSetTriggers, setTriggersHelp } from "./set-triggers.ts";
import { runTag, tagHelp } from "./tag.ts";
import { runValidate, validateHelp } from "./validate.ts";

/** The program's version, as package.json says. */
export const version = "0.1.0";

/** What a command gets from the process, through the entry point. */
export interface RunContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Print stack traces of internal errors (ISG_DEBUG). */
  readonly debug: boolean;
  /** The clock status items are stamped with; tests fix it. */
  readonly now?: () => Date;
  /** Whether stderr is a terminal, for live progress. */
  readonly terminal?: TerminalInfo;
}

interface Command {
  readonly run: (args: readonly string[], out: Output, context: RunContext) => Promise<number>;
  readonly summary: string;
  readonly help: string;
}

const commands: Readonly<Record<string, Command>> = {
  validate: {
    run: (args, out) => runValidate(args, out),
    summary: "check image streams and triggers against the schemas and OpenShift's rules",
    help: validateHelp,
  },
  digest: {
    run: (args, out, context) => runDigest(args, out, context.env),
    summary: "print the digest of image references, as the registries serve them",
    help: digestHelp,
  },
  plan: {
    run: (args, out, context) => runPlan(args, out, context.env, context.now ?? (() => new Date())),
    summary: "show what apply would import and change, with the reason for each tag",
    help: planHelp,
  },
  apply: {
    run: (args, out, context) =>
      runApply(args, out, context.env, context.now ?? (() => new Date())),
    summary: "import what the plan says and write the status into the repository's files",
    help: applyHelp,
  },
  tag: {
    run: (args, out, context) => runTag(args, out, context.env, context.now ?? (() => new Date())),
    summary: "set or delete a spec tag in the repository, as 'oc tag' does, and import it",
    help: tagHelp,
  },
  "set-triggers": {
    run: (args, out) => runSetTriggers(args, out),
    summary: "set or remove a workload's image triggers, as 'oc set triggers' does",
    help: setTriggersHelp,
  },
  "import-image": {
    run: (args, out, context) =>
      runImportImage(args, out, context.env, context.now ?? (() => new Date())),
    summary: "import a tag now (or create the stream), as 'oc import-image' does",
    help: importImageHelp,
  },
  inspect: {
    run: (args, out, context) => runInspect(args, out, context.env),
    summary: "show an image's digest, platforms, config, layers and referrers",
    help: inspectHelp,
  },
  mirror: {
    run: (args, out, context) => runMirror(args, out, context.env, context.terminal),
    summary: "copy images between registries and OCI layouts, as 'oc image mirror' does",
    help: mirrorHelp,
  },
  describe: {
    run: (args, out, context) => runDescribe(args, out, context.env, context.now),
    summary: "show an image stream as 'oc describe is' does, with a tag's image from the registry",
    help: describeHelp,
  },
};

/** The program's help text. */
export function programHelp(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `Usage: imagestream-gitops <command> [options]   (alias: isg)

Reconcile OpenShift-style ImageStreams and image triggers kept in Git.

Commands:
${lines.join("\n")}

Run 'imagestream-gitops <command> --help' for a command's options.
Options: -h, --help   show this help;  --version   print the version
`;
}

/** Runs the command line `argv` (without node and the script). */
export async function run(
  argv: readonly string[],
  out: Output,
  context: RunContext = { env: {}, debug: false },
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    out.stdout(programHelp());
    return name === undefined ? exitCodes.invalid : exitCodes.ok;
  }
  if (name === "--version") {
    out.stdout(`imagestream-gitops ${version}\n`);
    return exitCodes.ok;
  }
  const command = commands[name];
  if (command === undefined) {
    out.stderr(`imagestream-gitops: unknown command "${name}"\n\n${programHelp()}`);
    return exitCodes.invalid;
  }
  try {
    return await command.run(args, out, context);
  } catch (err) {
    return reportFailure(err, name, command.help, out, context.debug);
  }
}

function reportFailure(
  err: unknown,
  command: string,
  help: string,
  out: Output,
  debug: boolean,
): number {
  if (err instanceof UsageError || isParseArgsError(err)) {
    out.stderr(`imagestream-gitops ${command}: ${(err as Error).message}\n\n${help}`);
    return exitCodes.invalid;
  }
  if (err instanceof InputError) {
    out.stderr(`imagestream-gitops ${command}: ${err.message}\n`);
    return exitCodes.invalid;
  }
  if (err instanceof ReconcilerError && err.code !== "INTERNAL") {
    out.stderr(`imagestream-gitops ${command}: ${err.message}\n`);
    return exitCodes.failure;
  }
  const message = err instanceof Error ? err.message : String(err);
  out.stderr(
    `imagestream-gitops ${command}: internal error: ${message}\nthis is a bug; please report it with the command you ran (set ISG_DEBUG=1 for a stack trace)\n`,
  );
  if (debug && err instanceof Error && err.stack !== undefined) out.stderr(err.stack + "\n");
  return exitCodes.failure;
}

/** node:util parseArgs rejects unknown or malformed options with these codes. */
function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}
