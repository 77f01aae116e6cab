/**
 * Reads a raw commit object, as `git cat-file -p <sha>` prints it: the
 * headers git stores (tree, parents, author, committer) and the message.
 * Parents come from the object itself, so a shallow fetch of the tip is
 * enough.
 */
import type { GitIdentity, RemoteBranch } from "./workspace.ts";

/**
 * Parses `text` (the commit `sha`'s raw object) into a RemoteBranch; the
 * message loses the final newline git adds. Pure; throws an Error naming
 * the sha when a header git always writes is missing.
 */
export function parseCommitObject(sha: string, text: string): RemoteBranch {
  const split = text.indexOf("\n\n");
  const head = split === -1 ? text : text.slice(0, split);
  const body = split === -1 ? "" : text.slice(split + 2);
  const headers = head.split("\n").filter((line) => !line.startsWith(" "));
  const values = (name: string) =>
    headers
      .filter((line) => line.startsWith(`${name} `))
      .map((line) => line.slice(name.length + 1));
  const one = (name: string): string => {
    const value = values(name)[0];
    if (value === undefined) throw new Error(`commit ${sha} has no ${name} header`);
    return value;
  };
  return {
    sha,
    parents: values("parent"),
    message: body.endsWith("\n") ? body.slice(0, -1) : body,
    author: parseIdentity(one("author")),
    committer: parseIdentity(one("committer")),
    tree: one("tree"),
  };
}

/** `Name <email> 1700000000 +0000` → name and email. */
function parseIdentity(value: string): GitIdentity {
  const match = /^(.*?) ?<([^>]*)>/.exec(value);
  return { name: match?.[1] ?? value, email: match?.[2] ?? "" };
}
