/**
 * The examples on a bare remote with their pull requests going to the
 * GitHub test server, whose token is the forge canary.
 */
import type { TestContext } from "node:test";
import { examplesOnGitHub, type ExamplesOnGitHub } from "../support/examples-remote.ts";
import { canaries } from "./canaries.ts";

/** The remote, its clone, and the GitHub server pull requests go to. */
export type GitHubRemote = ExamplesOnGitHub;

/** Starts both and pushes the `pullRequest` config to main. */
export function githubRemote(t: TestContext): Promise<GitHubRemote> {
  return examplesOnGitHub(t, canaries.forge, "  labels: [dependencies]\n");
}
