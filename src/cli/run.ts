/**
 * Dispatches a command line to its command and maps failures to exit codes:
 * usage errors exit 2 with the message, anything unexpected exits 1 with
 * "this is a bug" and no stack trace unless ISG_DEBUG is set.
 */
import { InputError, ReconcilerError, UsageError } from "../errors.ts";
import { exitCodes, type Output } from "./output.ts";
import type { RunProcess } from "../publish/git/workspace.ts";
import type { TerminalInfo } from "./mirror.ts";

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
  /**
   * What must run if the process is stopped by a signal (a temporary work
   * tree to remove from the user's checkout): a command adds its cleanup
   * while it holds the resource and deletes it after.
   */
  readonly cleanups?: Set<() => Promise<void>>;
  /** This process, which marks the work trees it adds to a checkout as its own. */
  readonly runProcess?: RunProcess;
  /** Lets a long-running command stop gracefully on SIGINT and SIGTERM. */
  readonly stop?: StopControl;
}

/** The process's stop request, for a command that would rather finish its step than exit. */
export interface StopControl {
  /**
   * From this call on, the first SIGINT or SIGTERM aborts the returned
   * signal (its reason is the signal's name) instead of running the
   * cleanups and exiting; the command is expected to end its current step
   * and return. A second signal exits as for any other command.
   */
  readonly takeOver: () => AbortSignal;
}

interface LoadedCommand {
  readonly run: (args: readonly string[], out: Output, context: RunContext) => Promise<number>;
  readonly help: string;
}

interface Command {
  readonly summary: string;
  readonly load: () => Promise<LoadedCommand>;
}

/**
 * The commands, each loaded when it runs: a command pays only for its own
 * modules (mirror needs no YAML loader unless --config is given), which is
 * most of a short run's time.
 */
const commands: Readonly<Record<string, Command>> = {
  validate: {
    summary: "check image streams and triggers against the schemas and OpenShift's rules",
    load: async () => {
      const m = await import("./validate.ts");
      return { run: (args, out) => m.runValidate(args, out), help: m.validateHelp };
    },
  },
  digest: {
    summary: "print the digest of image references, as the registries serve them",
    load: async () => {
      const m = await import("./digest.ts");
      return {
        run: (args, out, context) => m.runDigest(args, out, context.env),
        help: m.digestHelp,
      };
    },
  },
  plan: {
    summary: "show what apply would import and change, with the reason for each tag",
    load: async () => {
      const m = await import("./plan-command.ts");
      return {
        run: (args, out, context) =>
          m.runPlan(args, out, context.env, context.now ?? (() => new Date())),
        help: m.planHelp,
      };
    },
  },
  apply: {
    summary: "import what the plan says and write the status into the repository's files",
    load: async () => {
      const m = await import("./apply.ts");
      return {
        run: (args, out, context) =>
          m.runApply(args, out, context.env, context.now ?? (() => new Date())),
        help: m.applyHelp,
      };
    },
  },
  reconcile: {
    summary:
      "plan, mirror and write in a clean work tree, then commit, push and open the pull request",
    load: async () => {
      const m = await import("./reconcile.ts");
      return {
        run: (args, out, context) =>
          m.runReconcile(args, out, context.env, context.now ?? (() => new Date()), {
            cleanups: context.cleanups,
            runProcess: context.runProcess,
          }),
        help: m.reconcileHelp,
      };
    },
  },
  serve: {
    summary: "run reconcile on a cron schedule, with JSON logs, /healthz and /metrics",
    load: async () => {
      const m = await import("../serve/serve-command.ts");
      return {
        run: (args, out, context) =>
          m.runServe(args, out.stderr, out.stdout, {
            env: context.env,
            now: context.now ?? (() => new Date()),
            cleanups: context.cleanups,
            runProcess: context.runProcess,
            ...(context.stop === undefined ? {} : { takeOverStop: context.stop.takeOver }),
          }),
        help: m.serveHelp,
      };
    },
  },
  demo: {
    summary: "run the whole reconcile on a temporary copy of the examples, offline",
    load: async () => {
      const m = await import("./demo.ts");
      return {
        run: (args, out, context) =>
          m.runDemo(args, out, context.env, context.now ?? (() => new Date()), {
            cleanups: context.cleanups,
            runProcess: context.runProcess,
          }),
        help: m.demoHelp,
      };
    },
  },
  tag: {
    summary: "set or delete a spec tag in the repository, as 'oc tag' does, and import it",
    load: async () => {
      const m = await import("./tag.ts");
      return {
        run: (args, out, context) =>
          m.runTag(args, out, context.env, context.now ?? (() => new Date())),
        help: m.tagHelp,
      };
    },
  },
  "set-triggers": {
    summary: "set or remove a workload's image triggers, as 'oc set triggers' does",
    load: async () => {
      const m = await import("./set-triggers.ts");
      return { run: (args, out) => m.runSetTriggers(args, out), help: m.setTriggersHelp };
    },
  },
  "import-image": {
    summary: "import a tag now (or create the stream), as 'oc import-image' does",
    load: async () => {
      const m = await import("./import-image.ts");
      return {
        run: (args, out, context) =>
          m.runImportImage(args, out, context.env, context.now ?? (() => new Date())),
        help: m.importImageHelp,
      };
    },
  },
  inspect: {
    summary: "show an image's digest, platforms, config, layers and referrers",
    load: async () => {
      const m = await import("./inspect.ts");
      return {
        run: (args, out, context) => m.runInspect(args, out, context.env),
        help: m.inspectHelp,
      };
    },
  },
  mirror: {
    summary: "copy images between registries and OCI layouts, as 'oc image mirror' does",
    load: async () => {
      const m = await import("./mirror.ts");
      return {
        run: (args, out, context) => m.runMirror(args, out, context.env, context.terminal),
        help: m.mirrorHelp,
      };
    },
  },
  describe: {
    summary: "show an image stream as 'oc describe is' does, with a tag's image from the registry",
    load: async () => {
      const m = await import("./describe.ts");
      return {
        run: (args, out, context) => m.runDescribe(args, out, context.env, context.now),
        help: m.describeHelp,
      };
    },
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
  const loaded = await command.load();
  try {
    return await loaded.run(args, out, context);
  } catch (err) {
    return reportFailure(err, name, loaded.help, out, context.debug);
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
