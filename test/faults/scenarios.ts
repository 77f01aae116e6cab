/**
 * The fault scenarios of issue 10, one row each: the command a user runs,
 * the faults injected into the registries (through the fault proxies),
 * the git remote or the forge, and what the first run must do: recover
 * after retries, fail with a clear message, or be killed with SIGKILL.
 * The runner (faults.test.ts) checks the same four properties for every
 * row and re-runs the command with the faults gone.
 */
import assert from "node:assert/strict";
import { watch } from "node:fs";
import path from "node:path";
import type { TestContext } from "node:test";
import type { FaultRule } from "../support/fault-proxy.ts";
import type { PushFault } from "../support/git-http-server.ts";
import { branch, raceTheRemote, type Command, type World } from "./fixture.ts";

/** What the first run must do. */
export type Expectation = "recovered" | "failed" | "killed";

export interface Scenario {
  readonly name: string;
  readonly command: Command;
  /** Workload files with a trigger (apply and reconcile; default 1). */
  readonly workloads?: number;
  /** Extra environment of every run (e.g. a short registry timeout). */
  readonly env?: Readonly<Record<string, string>>;
  /** Injects the faults before the first run. */
  readonly inject: (world: World, t: TestContext) => void | Promise<void>;
  readonly expect: Expectation;
  /** For `killed`: SIGKILL the run once this holds. */
  readonly killWhen?: (world: World) => boolean | Promise<boolean>;
  /** What the failure message must also say. */
  readonly says?: RegExp;
  /** More checks of the faulted run. */
  readonly verify?: (world: World) => void;
  /** Who the failure message must name (default: the faulty registry's host and the repository). */
  readonly names?: (world: World) => readonly string[];
}

const anyV2 = /^\/v2\/./;
const blobs = /\/blobs\/sha256:/;
const uploads = /\/blobs\/uploads\//;
const manifests = /\/manifests\//;

function rules(proxy: World["srcProxy"], list: readonly FaultRule[]): void {
  for (const rule of list) proxy.add(rule);
}

const burst: readonly FaultRule[] = [500, 502, 503].map((status) => ({
  path: anyV2,
  times: 1,
  fault: { kind: "status", status },
}));

/** The destination registry's host and the destination repository. */
const destination = (w: World): readonly string[] => [w.dstProxy.host, w.dstRepo];
/** The source registry's host and repository. */
const source = (w: World): readonly string[] => [w.srcProxy.host, "team/app"];

const shortTimeout = { ISG_REGISTRY_TIMEOUT: "300ms" };

export const scenarios: readonly Scenario[] = [
  {
    name: "mirror: connection reset mid-blob (download)",
    command: "mirror",
    inject: (w) => {
      rules(w.srcProxy, [
        { method: "GET", path: blobs, times: 2, fault: { kind: "truncate", bytes: 10 } },
      ]);
    },
    expect: "recovered",
  },
  {
    name: "mirror: connection reset during a blob upload",
    command: "mirror",
    inject: (w) => {
      rules(w.dstProxy, [{ method: "PUT", path: uploads, times: 2, fault: { kind: "reset" } }]);
    },
    expect: "recovered",
  },
  {
    name: "mirror: 500, 502, 503 burst",
    command: "mirror",
    inject: (w) => {
      rules(w.dstProxy, burst);
    },
    expect: "recovered",
  },
  {
    name: "mirror: 503 that does not end",
    command: "mirror",
    inject: (w) => {
      rules(w.dstProxy, [{ path: anyV2, fault: { kind: "status", status: 503 } }]);
    },
    expect: "failed",
    says: /503/,
    names: destination,
  },
  {
    name: "mirror: 429 with Retry-After",
    command: "mirror",
    inject: (w) => {
      rules(w.dstProxy, [
        {
          method: "PUT",
          path: manifests,
          times: 1,
          fault: { kind: "status", status: 429, headers: { "Retry-After": "1" } },
        },
      ]);
    },
    expect: "recovered",
  },
  {
    name: "mirror: 429 without Retry-After",
    command: "mirror",
    inject: (w) => {
      rules(w.srcProxy, [
        { method: "GET", path: manifests, times: 2, fault: { kind: "status", status: 429 } },
      ]);
    },
    expect: "recovered",
  },
  {
    name: "mirror: slow response past the timeout, once",
    command: "mirror",
    env: shortTimeout,
    inject: (w) => {
      rules(w.srcProxy, [
        { method: "GET", path: blobs, times: 1, fault: { kind: "delay", ms: 1_000 } },
      ]);
    },
    expect: "recovered",
    // The timeout fired: the delayed blob was asked for again.
    verify: (w) => {
      const delayed = w.srcProxy.requests.find((r) => r.fault === "delay");
      assert.ok(delayed !== undefined);
      assert.ok(w.srcProxy.requests.filter((r) => r.path === delayed.path).length >= 2);
    },
  },
  {
    name: "mirror: registry hung past the timeout on every attempt",
    command: "mirror",
    env: shortTimeout,
    // The manifest PUT, the last step: no attempt is ever answered (nor reaches the registry;
    // a delayed one that landed late would let a later check find the tag and succeed).
    inject: (w) => {
      rules(w.dstProxy, [{ method: "PUT", path: manifests, fault: { kind: "hang" } }]);
    },
    expect: "failed",
    says: /time/i,
    names: destination,
  },
  {
    name: "mirror: truncated manifest body, every time",
    command: "mirror",
    inject: (w) => {
      rules(w.srcProxy, [
        { method: "GET", path: manifests, fault: { kind: "truncate", bytes: 20 } },
      ]);
    },
    expect: "failed",
    names: source,
  },
  {
    name: "mirror: wrong digest served (a corrupted blob)",
    command: "mirror",
    inject: (w) => {
      rules(w.srcProxy, [{ method: "GET", path: blobs, fault: { kind: "corrupt" } }]);
    },
    expect: "failed",
    says: /digest/i,
    names: source,
  },
  {
    name: "mirror: token endpoint fails",
    command: "mirror",
    inject: (w) => {
      rules(w.dstProxy, [
        { path: /^\/token/, fault: { kind: "status", status: 503 } },
        {
          path: /^\/v2\//,
          fault: {
            kind: "status",
            status: 401,
            headers: {
              "WWW-Authenticate": `Bearer realm="${w.dstProxy.url}/token",service="faults"`,
            },
          },
        },
      ]);
    },
    expect: "failed",
    says: /token/,
  },
  {
    name: "mirror: SIGKILL while blobs upload",
    command: "mirror",
    // The first blob upload's completion waits, so the kill lands mid-copy.
    inject: (w) => {
      rules(w.dstProxy, [
        { method: "PUT", path: uploads, times: 1, fault: { kind: "delay", ms: 3_000 } },
      ]);
    },
    expect: "killed",
    killWhen: (w) => w.dstProxy.count("PUT", uploads) > 0,
  },
  {
    name: "apply: 500, 502, 503 burst on the destination",
    command: "apply",
    inject: (w) => {
      rules(w.dstProxy, burst);
    },
    expect: "recovered",
  },
  {
    name: "apply: uploads refused with 500 until the fault ends",
    command: "apply",
    inject: (w) => {
      rules(w.dstProxy, [
        { method: "POST", path: uploads, fault: { kind: "status", status: 500 } },
      ]);
    },
    expect: "failed",
    names: destination,
  },
  {
    name: "apply: SIGKILL while writing files",
    command: "apply",
    workloads: 1000,
    inject: (w, t) => {
      // The kill follows the first file the run replaces in apps/.
      const watcher = watch(path.join(w.clone ?? "", "apps"), () => (fileWritten = true));
      t.after(() => {
        watcher.close();
      });
      let fileWritten = false;
      killWhen.set(w, () => fileWritten);
    },
    expect: "killed",
    killWhen: (w) => killWhen.get(w)?.() ?? false,
  },
  {
    name: "reconcile: connection reset during a blob upload",
    command: "reconcile",
    inject: (w) => {
      rules(w.dstProxy, [{ method: "PUT", path: uploads, times: 2, fault: { kind: "reset" } }]);
    },
    expect: "recovered",
  },
  {
    name: "reconcile: SIGKILL while blobs upload",
    command: "reconcile",
    inject: (w) => {
      rules(w.dstProxy, [
        { method: "PUT", path: uploads, times: 1, fault: { kind: "delay", ms: 3_000 } },
      ]);
    },
    expect: "killed",
    killWhen: (w) => w.dstProxy.count("PUT", uploads) > 0,
  },
  {
    name: "reconcile: push rejected because the base moved",
    command: "reconcile",
    inject: async (w) => {
      w.raced = await raceTheRemote(w);
      w.extraFaults++;
    },
    expect: "failed",
    names: () => [branch],
  },
  {
    name: "reconcile: git remote answers 500 to the push until the fault ends",
    command: "reconcile",
    inject: (w) => {
      w.gitServer?.pushFaults.push(...Array<PushFault>(10).fill("refuse"));
    },
    expect: "failed",
    says: /500/,
    names: () => [branch],
  },
  {
    name: "reconcile: push lands but its answer is lost, once",
    command: "reconcile",
    // git (curl) sends the pack again on a fresh connection; the remote refuses it (the branch
    // exists now), the run sees a lost lease, finds its own commit there and goes on.
    inject: (w) => {
      w.gitServer?.pushFaults.push("drop-answer");
    },
    expect: "recovered",
  },
  {
    name: "reconcile: push lands but every answer is lost",
    command: "reconcile",
    // The branch holds the run's whole commit; the re-run finds it is its own and opens the pull request.
    inject: (w) => {
      w.gitServer?.pushFaults.push(...Array<PushFault>(5).fill("drop-answer"));
    },
    expect: "failed",
    names: () => [branch],
  },
  {
    name: "reconcile: forge answers 502 on pull request creation, once",
    command: "reconcile",
    inject: (w) => {
      w.github?.injectFault("pulls/create", { kind: "bad-gateway" }, 1);
    },
    expect: "recovered",
  },
  {
    name: "reconcile: forge answers 502 on pull request creation until the fault ends",
    command: "reconcile",
    inject: (w) => {
      w.github?.injectFault("pulls/create", { kind: "bad-gateway" }, 20);
    },
    expect: "failed",
    says: /502/,
    names: (w) => [new URL(w.github?.url ?? "http://x").host],
  },
];

/** The kill conditions scenarios set up at injection time, by world. */
const killWhen = new WeakMap<World, () => boolean>();
