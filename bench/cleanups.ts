/**
 * Stands in for node:test's `TestContext` where the test fixtures take one
 * only to register cleanups (`t.after`): the benchmark runs them itself,
 * last registered first, when it ends.
 */
import type { TestContext } from "node:test";

/** Cleanups registered with `after`, run by `run`. */
export class Cleanups {
  readonly #tasks: (() => unknown)[] = [];

  after(task: () => unknown): void {
    this.#tasks.push(task);
  }

  /** This object as the `TestContext` the fixtures ask for; they only call `after`. */
  asTestContext(): TestContext {
    return this as unknown as TestContext;
  }

  /** Runs every cleanup, last first; a failing one is reported and the rest still run. */
  async run(report: (message: string) => void): Promise<void> {
    for (let task = this.#tasks.pop(); task !== undefined; task = this.#tasks.pop()) {
      try {
        await task();
      } catch (err) {
        report(`cleanup failed: ${(err as Error).message}`);
      }
    }
  }
}
