/**
 * The forge is reached before any registry: a forge that does not answer,
 * or refuses the token, ends the run before anything is asked of a
 * registry, imported or copied. The registry here never answers, so a run
 * that asked it first would be seen holding a connection to it.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { reconcileRepository } from "../../src/reconcile/reconcile-repository.ts";
import { silentLog } from "../../src/reconcile/run-log.ts";
import { ReconcilerError } from "../../src/errors.ts";
import { bareRepo, branchTip, cloneRepo, gitTestEnv } from "../support/git-repos.ts";
import { GitHubServer } from "../support/github-server.ts";
import {
  stalledRegistries,
  stalledStream,
  startStalledRegistry,
} from "../support/stalled-registry.ts";
import { closedPort } from "../support/tcp-ports.ts";

const token = "ghs_forgeFirst0123456789abcdef";

/** Where the forge's API is, for a remote at `bare`. */
type ForgeAt = (t: TestContext, bare: string) => Promise<string>;

const forges: readonly (readonly [string, ForgeAt])[] = [
  ["a refused port", async () => `http://127.0.0.1:${String(await closedPort())}`],
  [
    "a forge refusing the token",
    async (t, bare) => {
      const gh = await GitHubServer.start({
        owner: "acme",
        repo: "gitops",
        token: "not-the-run's-token",
        gitDir: bare,
      });
      t.after(() => gh.close());
      return gh.url;
    },
  ],
];

describe("reconcile reaches the forge first", () => {
  for (const [name, forgeAt] of forges) {
    it(`${name}: the run fails before any registry is asked`, async (t) => {
      const { port, connections } = await startStalledRegistry(t);
      const genv = await gitTestEnv(t);
      const bare = await bareRepo(genv, { "app.yaml": stalledStream });
      const checkout = await cloneRepo(genv, bare);
      const config = path.join(genv.root, "config.yaml");
      await writeFile(
        config,
        `${stalledRegistries(port)}pullRequest:
  forge: github
  apiUrl: ${await forgeAt(t, bare)}
  repository: acme/gitops
`,
      );
      await assert.rejects(
        reconcileRepository(
          { repo: checkout, config },
          {
            // Without the forge first, the run would wait on the registry until this timeout.
            env: { ...genv.env, ISG_FORGE_TOKEN: token, ISG_REGISTRY_TIMEOUT: "2s" },
            now: () => new Date("2026-12-01T00:00:00Z"),
            log: silentLog,
          },
        ),
        (err: unknown) => err instanceof ReconcilerError && err.code === "FORGE",
      );
      assert.equal(connections(), 0, "no registry was asked");
      assert.equal(await branchTip(bare, "imagestream-gitops/update", genv.env), undefined);
    });
  }
});
