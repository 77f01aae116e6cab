/** ISG_REGISTRY_TIMEOUT: how long a registry may leave a request waiting before it is retried. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "../../src/errors.ts";
import { defaultRegistryTimeoutMs, registryTimeout } from "../../src/reconcile/registry-setup.ts";

describe("registry timeout", () => {
  const cases: readonly { value: string | undefined; want: number }[] = [
    { value: undefined, want: defaultRegistryTimeoutMs },
    { value: "", want: defaultRegistryTimeoutMs },
    { value: "500ms", want: 500 },
    { value: "45s", want: 45_000 },
    { value: "2m", want: 120_000 },
  ];
  for (const c of cases) {
    it(`${String(c.value)} is ${String(c.want)} ms`, () => {
      assert.equal(registryTimeout({ ISG_REGISTRY_TIMEOUT: c.value }), c.want);
    });
  }

  for (const value of ["0", "30", "-1s", "soon"]) {
    it(`refuses ${value} with a usage error naming the variable`, () => {
      assert.throws(
        () => registryTimeout({ ISG_REGISTRY_TIMEOUT: value }),
        (err: unknown) =>
          err instanceof UsageError && err.message.startsWith("ISG_REGISTRY_TIMEOUT: "),
      );
    });
  }
});
