/**
 * Secret hygiene of the registry commands: one table of (command, mode)
 * run against registries whose every auth path holds a canary (see
 * registry-world.ts), in success and in failure (a wrong password, a token
 * server or registry outage, an unknown host, a refused connection, an
 * untrusted certificate). One scanner looks for every canary, its Basic
 * forms and every token the token server issued in stdout, stderr and the
 * files a command wrote.
 */
import { cp, writeFile } from "node:fs/promises";
import path from "node:path";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runInProcess, type CliResult } from "../support/run-cli.ts";
import { tempRepo } from "../support/temp-repo.ts";
import { assertNoCanary, canaries, filesUnder, type Exhibit } from "./canaries.ts";
import { startRegistryWorld, type RegistryWorld } from "./registry-world.ts";

interface Case {
  readonly name: string;
  /** The arguments, given the world and a fresh repository directory. */
  readonly argv: (w: RegistryWorld, repo: string) => string[];
  readonly env?: (w: RegistryWorld) => Record<string, string>;
  /** Something to break before the run (and mend after). */
  readonly fault?: (w: RegistryWorld) => () => void;
  readonly wantCode: number;
  /** What the output must say, so a failure is the one meant. */
  readonly want?: RegExp;
}

const withAuth = (w: RegistryWorld, file = w.authFile): string[] => [
  "--config",
  w.config,
  "--authfile",
  file,
];

const tokenOutage =
  (status: number) =>
  (w: RegistryWorld): (() => void) => {
    w.tokens.outage = status;
    return () => (w.tokens.outage = undefined);
  };

const cases: readonly Case[] = [
  {
    name: "digest: basic, identitytoken, credHelpers",
    argv: (w) => [
      "digest",
      ...withAuth(w),
      `${w.token.host}/team/app:1.0`,
      `${w.token.host}/idt/app:1.0`,
      `${w.helper.host}/team/app:1.0`,
    ],
    wantCode: 0,
    want: /sha256:[0-9a-f]{64}/,
  },
  {
    name: "digest: REGISTRY_AUTH_FILE",
    argv: (w) => ["digest", "--config", w.config, `${w.token.host}/team/app:1.0`],
    env: (w) => ({ REGISTRY_AUTH_FILE: w.envAuthFile }),
    wantCode: 0,
  },
  {
    name: "inspect --json: identitytoken",
    argv: (w) => ["inspect", ...withAuth(w), "--json", `${w.token.host}/idt/app:1.0`],
    wantCode: 0,
  },
  {
    name: "mirror --json: token registry to a credsStore registry",
    argv: (w) => [
      "mirror",
      ...withAuth(w),
      "--json",
      `${w.token.host}/team/app:1.0`,
      `${w.store.host}/copy/app:1.0`,
    ],
    wantCode: 0,
  },
  {
    name: "plan --json",
    argv: (w, repo) => ["plan", "--repo", repo, "--authfile", w.authFile, "--json"],
    wantCode: 0,
    want: /"action": "import"/,
  },
  {
    name: "apply",
    argv: (w, repo) => ["apply", "--repo", repo, "--authfile", w.authFile],
    wantCode: 0,
  },
  {
    name: "digest: wrong password (401)",
    argv: (w) => ["digest", ...withAuth(w, w.wrongAuthFile), `${w.token.host}/team/app:1.0`],
    wantCode: 1,
    want: /refused the credentials/,
  },
  {
    name: "mirror --json: wrong password (401)",
    argv: (w) => [
      "mirror",
      ...withAuth(w, w.wrongAuthFile),
      "--json",
      `${w.token.host}/team/app:1.0`,
      `${w.store.host}/copy/app:2.0`,
    ],
    wantCode: 1,
  },
  {
    name: "plan --json: wrong password (401)",
    argv: (w, repo) => ["plan", "--repo", repo, "--authfile", w.wrongAuthFile, "--json"],
    wantCode: 1,
  },
  {
    name: "apply: wrong password (401)",
    argv: (w, repo) => ["apply", "--repo", repo, "--authfile", w.wrongAuthFile],
    wantCode: 1,
  },
  {
    name: "digest: token server 500",
    argv: (w) => ["digest", ...withAuth(w), `${w.token.host}/idt/app:1.0`],
    fault: tokenOutage(500),
    wantCode: 1,
    want: /token request failed/,
  },
  {
    name: "apply: token server 500",
    argv: (w, repo) => ["apply", "--repo", repo, "--authfile", w.authFile],
    fault: tokenOutage(500),
    wantCode: 1,
  },
  {
    name: "digest: registry 500 (credHelpers)",
    argv: (w) => ["digest", ...withAuth(w), `${w.front.host}/team/app:1.0`],
    wantCode: 1,
    want: /500/,
  },
  {
    name: "digest: unknown host (DNS)",
    argv: (w) => ["digest", ...withAuth(w), "unreachable.invalid/team/app:1.0"],
    wantCode: 1,
  },
  {
    name: "digest: connection refused",
    argv: (w) => ["digest", ...withAuth(w), "127.0.0.1:1/team/app:1.0"],
    wantCode: 1,
  },
  {
    name: "digest: untrusted TLS certificate",
    argv: (w) => ["digest", "--authfile", w.authFile, `${w.helper.host}/team/app:1.0`],
    wantCode: 1,
    want: /TLS certificate of .* is not trusted/,
  },
];

describe("secret hygiene: registry commands", () => {
  it("every (command, mode) of the table exits as expected and leaks no canary", async (outer) => {
    const world: RegistryWorld = await startRegistryWorld(outer);
    for (const c of cases)
      await outer.test(`${c.name}: exit ${String(c.wantCode)}`, async (t) => {
        const repo = await tempRepo(t, {});
        await cp(path.join(world.dir, "ca.pem"), path.join(repo, "ca.pem"));
        await writeFile(
          path.join(repo, "imagestream-gitops.yaml"),
          `registries:
  "${world.token.host}": {ca: ca.pem}
  "${world.tokens.host}": {ca: ca.pem}
  "${world.helper.host}": {ca: ca.pem}
`,
        );
        await writeFile(
          path.join(repo, "app.yaml"),
          `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
    - {name: basic, from: {kind: DockerImage, name: "${world.token.host}/team/app:1.0"}}
    - {name: idt, from: {kind: DockerImage, name: "${world.token.host}/idt/app:1.0"}}
    - {name: helper, from: {kind: DockerImage, name: "${world.helper.host}/team/app:1.0"}}
`,
        );
        const mend = c.fault?.(world);
        let result: CliResult;
        try {
          result = await runInProcess(c.argv(world, repo), {
            HOME: repo,
            PATH: world.path,
            ...c.env?.(world),
          });
        } finally {
          mend?.();
        }
        const output = `${result.stdout}\n${result.stderr}`;
        assert.equal(result.code, c.wantCode, output);
        if (c.want !== undefined) assert.match(output, c.want);
        const exhibits: Exhibit[] = [
          { where: "stdout", text: result.stdout },
          { where: "stderr", text: result.stderr },
          ...(await filesUnder(repo)),
        ];
        assertNoCanary(exhibits, world.tokens.issued);
      });
    // The canaries were in use, so their absence above means something.
    const logins = world.tokens.requests.filter((r) => r.authenticated).map((r) => r.user);
    for (const user of ["alice", "carol", "envfile"]) assert.ok(logins.includes(user), user);
    assert.ok(world.tokens.issued.length > 0);
  });

  it("the scanner finds each canary as written and in its Basic forms", () => {
    for (const text of [
      `x ${canaries.helper} y`,
      Buffer.from(`helper:${canaries.helper}`).toString("base64"),
      `Authorization: Basic ${Buffer.from(`alice:${canaries.basic}`).toString("base64")}`,
      "issued-token-abc",
    ])
      assert.throws(() => {
        assertNoCanary([{ where: "t", text }], ["issued-token-abc"]);
      });
  });
});
