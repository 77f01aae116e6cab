/**
 * `imagestream-gitops demo`: the whole product on the shipped examples, with
 * no network. The examples are copied into a temporary git checkout with a
 * bare remote, and `reconcile --forge local` runs there in-process with the
 * offline config, whose registries are OCI layouts shipped in
 * examples/offline. It prints the plan, the branch it pushed and the pull
 * request's text, then removes the temporary directory (unless --keep).
 * Nothing outside that directory is written.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runGit } from "../publish/git/git-command.ts";
import {
  createDemoRepository,
  demoTempRoot,
  findExamples,
  makeDemoRoot,
  type DemoRepository,
} from "./demo-repository.ts";
import { exitCodes, type Output } from "./output.ts";
import { runReconcile, type ProcessIo } from "./reconcile.ts";

/** The command's help text. */
export const demoHelp = `Usage: imagestream-gitops demo [--keep]

Runs the full reconcile on a temporary copy of the examples, offline: the
examples are committed in a new git repository with a bare remote, every
registry they name is served from the OCI image layouts in examples/offline
(through that folder's config and its registries' 'location'), and
'reconcile --forge local' imports the tags that are due, copies the mirror,
writes the status and trigger patches, pushes the branch and prints the
pull request it would open. Your checkout and the examples are only read.

Options:
  --keep        keep the temporary directory and say where it is
                (default: remove it when the demo ends)
  -h, --help    show this help

Exit status: 0 done, 1 a failure, 2 invalid usage.
`;

const options = {
  keep: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** Runs `demo`; returns the exit code of the reconcile it runs. */
export async function runDemo(
  args: readonly string[],
  out: Output,
  env: Env,
  now: () => Date,
  processIo: ProcessIo = {},
): Promise<number> {
  const { values } = parseArgs({ args: [...args], options, allowPositionals: false, strict: true });
  if (values.help) {
    out.stdout(demoHelp);
    return exitCodes.ok;
  }
  const started = performance.now();
  // import.meta.dirname needs Node 20.11; the package supports every Node 20.
  const examples = await findExamples(path.dirname(fileURLToPath(import.meta.url)));
  const root = await makeDemoRoot(demoTempRoot(env));
  const remove = (): Promise<void> => rm(root, { recursive: true, force: true });
  const { cleanups } = processIo;
  cleanups?.add(remove);
  try {
    const demo = await createDemoRepository(examples, root, env);
    out.stdout(renderIntro(examples, demo));
    const code = await runReconcile(reconcileArgs(demo), out, demo.gitEnv, now, processIo);
    out.stdout(await renderBranches(demo));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    out.stdout(`\nDemo done in ${seconds} s (exit status ${code}).\n`);
    return code;
  } finally {
    cleanups?.delete(remove);
    if (values.keep) out.stdout(`Kept ${root} for you to look at; remove it when done.\n`);
    else {
      await remove();
      out.stdout(`Removed ${root} (run 'imagestream-gitops demo --keep' to keep it).\n`);
    }
  }
}

/** The reconcile command line the demo runs, with absolute paths. */
export function reconcileArgs(demo: DemoRepository): string[] {
  return ["--repo", demo.repo, "--forge", "local", "--config", demo.config];
}

function renderIntro(examples: string, demo: DemoRepository): string {
  const at = (p: string): string => path.relative(demo.root, p);
  return `imagestream-gitops demo: a full reconcile of ${examples}, offline.

  in ${demo.root}:
  ${at(demo.repo).padEnd(32)} the GitOps repository: a copy of the examples, committed on main
  ${at(demo.remote).padEnd(32)} its remote (origin), a bare repository
  ${at(demo.registries).padEnd(32)} OCI layouts serving every registry the examples name
  ${at(demo.config).padEnd(32)} the config that maps the registries there

$ imagestream-gitops reconcile --repo ${at(demo.repo)} --forge local --config ${at(demo.config)}

`;
}

/** Each branch the run pushed to the remote, with the files its commit changes. */
async function renderBranches(demo: DemoRepository): Promise<string> {
  const context = { env: demo.gitEnv, secrets: [] };
  const refs = await runGit(
    demo.remote,
    ["for-each-ref", "--format=%(refname:short)", "refs/heads"],
    context,
  );
  const branches = refs.split("\n").filter((b) => b !== "" && b !== "main");
  if (branches.length === 0)
    return "\nThe remote holds no branch but main: nothing was proposed.\n";
  const parts = [];
  for (const branch of branches) {
    const stat = await runGit(demo.remote, ["diff", "--stat", "main", branch, "--"], context);
    parts.push(`\nThe remote's branch ${branch}, against main:\n${stat}`);
  }
  return parts.join("");
}
