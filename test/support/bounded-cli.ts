/**
 * The CLI run in-process with a time bound: each run goes to a worker
 * thread of a small pool, and a run that does not answer within `boundMs`
 * fails with a message naming it, its worker terminated and replaced. A
 * hang guard for the input suites (a catastrophic regular expression or
 * an endless loop on some input), not a speed test: no case comes near it.
 */
import { Worker } from "node:worker_threads";
import type { CliResult } from "./run-cli.ts";

type Answer = { ok: boolean; result?: CliResult; error?: string };

export class BoundedCli {
  readonly #boundMs: number;
  readonly #idle: Worker[] = [];
  readonly #waiting: ((worker: Worker) => void)[] = [];
  readonly #all = new Set<Worker>();

  readonly #script: URL;

  /**
   * `size` workers run at once; more runs wait for a free one. `script`
   * is the worker's module (a test of the guard gives one that hangs).
   */
  constructor(boundMs: number, size = 1, script = new URL("./cli-worker.js", import.meta.url)) {
    this.#boundMs = boundMs;
    this.#script = script;
    for (let i = 0; i < size; i++) this.#idle.push(this.#start());
  }

  #start(): Worker {
    const worker = new Worker(this.#script);
    this.#all.add(worker);
    return worker;
  }

  #release(worker: Worker): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#idle.push(worker);
    else next(worker);
  }

  #acquire(): Promise<Worker> {
    const worker = this.#idle.pop();
    return worker === undefined
      ? new Promise((resolve) => this.#waiting.push(resolve))
      : Promise.resolve(worker);
  }

  /** Runs `argv`; `label` names the run in a timeout's message. */
  async run(argv: readonly string[], label: string): Promise<CliResult> {
    const worker = await this.#acquire();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        worker.removeAllListeners("message");
        worker.removeAllListeners("error");
        this.#all.delete(worker);
        void worker.terminate();
        this.#release(this.#start());
        reject(new Error(`${label}: the CLI did not answer within ${String(this.#boundMs)} ms`));
      }, this.#boundMs);
      const crashed = (err: Error): void => {
        clearTimeout(timer);
        this.#all.delete(worker);
        this.#release(this.#start());
        reject(new Error(`${label}: the CLI's worker crashed: ${err.message}`, { cause: err }));
      };
      worker.once("error", crashed);
      worker.once("message", (m: Answer) => {
        clearTimeout(timer);
        worker.off("error", crashed);
        this.#release(worker);
        if (m.ok && m.result !== undefined) resolve(m.result);
        else reject(new Error(`${label}: ${m.error ?? "no result"}`));
      });
      worker.postMessage([...argv]);
    });
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    await Promise.all([...this.#all].map((w) => w.terminate()));
    this.#all.clear();
  }
}
