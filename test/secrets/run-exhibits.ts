/**
 * What one publishing run left outside the process, as exhibits for the
 * canary scanner: its stdout and stderr, every commit message, trailer and
 * identity in the bare remote, and every file of the checkout (its
 * .git/config included). Each suite adds what its forge stored.
 */
import type { ExamplesRemote } from "../support/examples-remote.ts";
import { git } from "../support/git-repos.ts";
import type { CliResult } from "../support/run-cli.ts";
import { filesUnder, type Exhibit } from "./canaries.ts";

/** The run's output, the remote's commits and the files of `checkout` (default: the remote's clone). */
export async function runExhibits(
  f: ExamplesRemote,
  result: CliResult,
  checkout = f.clone,
): Promise<Exhibit[]> {
  return [
    { where: "stdout", text: result.stdout },
    { where: "stderr", text: result.stderr },
    {
      where: "commit messages",
      text: await git(f.bare, ["log", "--all", "--format=%B%n%an %ae %cn %ce"], f.genv.env),
    },
    ...(await filesUnder(checkout)),
  ];
}

/**
 * What a person has in the checkout `dir`: its HEAD, its branches and tags,
 * `git status` and its work trees. Remote-tracking refs are left out: a
 * fetch or push of the run updates them as git's own fetch and push do.
 */
export async function checkoutState(
  dir: string,
  env: Readonly<Record<string, string>>,
): Promise<string> {
  const read = (args: readonly string[]): Promise<string> => git(dir, args, env);
  return [
    await read(["rev-parse", "HEAD"]),
    await read(["for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags"]),
    await read(["status", "--porcelain", "--untracked-files=all"]),
    await read(["worktree", "list", "--porcelain"]),
  ].join("\n");
}
