/**
 * The examples on a bare remote (see examples-remote.ts) with their config
 * pointing pull requests at the GitHub test server, whose token is the
 * forge canary.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { TestContext } from "node:test";
import { examplesRemote, type ExamplesRemote } from "../support/examples-remote.ts";
import { commitAsHuman, git } from "../support/git-repos.ts";
import { GitHubServer } from "../support/github-server.ts";
import { canaries } from "./canaries.ts";

/** The remote, its clone, and the GitHub server pull requests go to. */
export interface GitHubRemote {
  readonly f: ExamplesRemote;
  readonly gh: GitHubServer;
}

/** Starts both and pushes the `pullRequest` config to main. */
export async function githubRemote(t: TestContext): Promise<GitHubRemote> {
  const f = await examplesRemote(t);
  const gh = await GitHubServer.start({
    owner: "acme",
    repo: "gitops",
    token: canaries.forge,
    gitDir: f.bare,
  });
  t.after(() => gh.close());
  const config = `pullRequest:
  forge: github
  apiUrl: ${gh.url}
  repository: acme/gitops
  labels: [dependencies]
`;
  await commitAsHuman(
    f.clone,
    {
      "imagestream-gitops.yaml":
        (await readFile(path.join(f.clone, "imagestream-gitops.yaml"), "utf8")) + config,
    },
    "configure pull requests",
    f.genv.env,
  );
  await git(f.clone, ["push", "-q", "origin", "HEAD:main"], f.genv.env);
  return { f, gh };
}
