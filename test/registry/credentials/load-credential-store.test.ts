/**
 * loadCredentialStore's choice of file: --authfile, REGISTRY_AUTH_FILE,
 * DOCKER_CONFIG or ~/.docker/config.json, legacy ~/.dockercfg; the first
 * that exists is the only one read. Real files in temporary directories.
 */
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import {
  CredentialsError,
  loadCredentialStore,
  type CredentialsErrorReason,
} from "../../../src/registry/credentials/index.ts";
import { assertNoSecret, b64, basic, CANARY, plain, tempDir, writeJson } from "./support.ts";

/** A config.json whose quay.io user names the file it is in. */
const config = (user: string) => ({ auths: { "quay.io": { auth: b64(`${user}:pw`) } } });
const legacy = (user: string) => ({ "quay.io": { auth: b64(`${user}:pw`) } });

/** Files under the temporary root; env values and authFile may use `<root>`. */
interface PrecedenceCase {
  readonly name: string;
  readonly files: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly authFile?: string;
  /** The user quay.io resolves to, and the file that was read (relative to root). */
  readonly want: readonly [string, string] | undefined;
}

const precedenceCases: readonly PrecedenceCase[] = [
  {
    name: "~/.docker/config.json",
    files: { "home/.docker/config.json": config("home") },
    want: ["home", "home/.docker/config.json"],
  },
  {
    name: "legacy ~/.dockercfg when there is no config.json",
    files: { "home/.dockercfg": legacy("legacy") },
    want: ["legacy", "home/.dockercfg"],
  },
  {
    name: "config.json hides ~/.dockercfg (Docker reads one file)",
    files: {
      "home/.docker/config.json": { auths: { "ghcr.io": { auth: "dTpw" } } },
      "home/.dockercfg": legacy("legacy"),
    },
    want: undefined,
  },
  {
    name: "DOCKER_CONFIG replaces ~/.docker",
    files: { "dc/config.json": config("dockerconfig"), "home/.docker/config.json": config("home") },
    env: { DOCKER_CONFIG: "<root>/dc" },
    want: ["dockerconfig", "dc/config.json"],
  },
  {
    name: "DOCKER_CONFIG without config.json: ~/.docker is not read, ~/.dockercfg is",
    files: { "home/.docker/config.json": config("home"), "home/.dockercfg": legacy("legacy") },
    env: { DOCKER_CONFIG: "<root>/dc" },
    want: ["legacy", "home/.dockercfg"],
  },
  {
    name: "an empty DOCKER_CONFIG counts as unset",
    files: { "home/.docker/config.json": config("home") },
    env: { DOCKER_CONFIG: "" },
    want: ["home", "home/.docker/config.json"],
  },
  {
    name: "REGISTRY_AUTH_FILE wins over DOCKER_CONFIG",
    files: { "ra/auth.json": config("registryauth"), "dc/config.json": config("dockerconfig") },
    env: { REGISTRY_AUTH_FILE: "<root>/ra/auth.json", DOCKER_CONFIG: "<root>/dc" },
    want: ["registryauth", "ra/auth.json"],
  },
  {
    name: "REGISTRY_AUTH_FILE that does not exist is skipped",
    files: { "dc/config.json": config("dockerconfig") },
    env: { REGISTRY_AUTH_FILE: "<root>/ra/missing.json", DOCKER_CONFIG: "<root>/dc" },
    want: ["dockerconfig", "dc/config.json"],
  },
  {
    name: "--authfile wins over REGISTRY_AUTH_FILE",
    files: { "explicit.json": config("explicit"), "ra/auth.json": config("registryauth") },
    env: { REGISTRY_AUTH_FILE: "<root>/ra/auth.json" },
    authFile: "<root>/explicit.json",
    want: ["explicit", "explicit.json"],
  },
  {
    name: "the chosen file is the only one: no fallback to the next for other hosts",
    files: {
      "ra/auth.json": { auths: { "ghcr.io": { auth: "dTpw" } } },
      "home/.docker/config.json": config("home"),
    },
    env: { REGISTRY_AUTH_FILE: "<root>/ra/auth.json" },
    want: undefined,
  },
  { name: "nothing at all", files: {}, want: undefined },
];

describe("loadCredentialStore file precedence", () => {
  for (const c of precedenceCases) {
    it(c.name, async (t) => {
      const root = await tempDir(t);
      for (const [relative, contents] of Object.entries(c.files)) {
        await writeJson(root, relative, contents);
      }
      const fill = (value: string): string => value.replaceAll("<root>", root);
      const env = Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, fill(v)]));
      const store = await loadCredentialStore({
        env,
        homeDir: path.join(root, "home"),
        ...(c.authFile === undefined ? {} : { authFile: fill(c.authFile) }),
      });
      const got = plain(await store.lookup("quay.io", "org/app"));
      if (c.want === undefined) {
        assert.equal(got, undefined);
      } else {
        assert.deepEqual(got, basic(c.want[0], "pw"));
        assert.equal(store.file, path.join(root, c.want[1]));
      }
    });
  }
});

describe("loadCredentialStore file errors", () => {
  const cases: readonly {
    name: string;
    setup: (root: string) => Promise<{ authFile?: string; env?: Record<string, string> }>;
    wantReason: CredentialsErrorReason;
    wantFile: (root: string) => string;
  }[] = [
    {
      name: "an explicit --authfile must exist",
      setup: (root) => Promise.resolve({ authFile: path.join(root, "nope.json") }),
      wantReason: "FILE_MISSING",
      wantFile: (root) => path.join(root, "nope.json"),
    },
    {
      name: "a directory where the file should be",
      setup: async (root) => {
        await mkdir(path.join(root, "dc", "config.json"), { recursive: true });
        return { env: { DOCKER_CONFIG: path.join(root, "dc") } };
      },
      wantReason: "FILE_UNREADABLE",
      wantFile: (root) => path.join(root, "dc", "config.json"),
    },
    {
      name: "REGISTRY_AUTH_FILE that is not JSON",
      setup: async (root) => ({
        env: {
          REGISTRY_AUTH_FILE: await writeJson(
            root,
            "ra.json",
            `{"auths": {"x": {"password": ${CANARY}`,
          ),
        },
      }),
      wantReason: "FILE_SYNTAX",
      wantFile: (root) => path.join(root, "ra.json"),
    },
    {
      name: "legacy file with a bad auth",
      setup: async (root) => {
        await writeJson(root, "home/.dockercfg", { "quay.io": { auth: CANARY } });
        return {};
      },
      wantReason: "AUTH_ENCODING",
      wantFile: (root) => path.join(root, "home", ".dockercfg"),
    },
  ];
  for (const { name, setup, wantReason, wantFile } of cases) {
    it(name, async (t) => {
      const root = await tempDir(t);
      const { authFile, env = {} } = await setup(root);
      await assert.rejects(
        loadCredentialStore({
          env,
          homeDir: path.join(root, "home"),
          ...(authFile === undefined ? {} : { authFile }),
        }),
        (error: unknown) => {
          assert.ok(error instanceof CredentialsError);
          assert.equal(error.reason, wantReason);
          assert.equal(error.file, wantFile(root));
          assert.ok(error.message.includes(`"${wantFile(root)}"`), error.message);
          assertNoSecret(error);
          return true;
        },
      );
    });
  }
});
