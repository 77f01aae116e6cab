/**
 * importFailure: the condition reason OpenShift would report, including for
 * registries served from OCI layouts (`location: oci:DIR`).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { importFailure } from "../../src/execute/import-failure.ts";
import { OciLayoutError } from "../../src/registry/oci-layout/layout-error.ts";

const ref = "quay.io/org/app:1";

describe("importFailure", () => {
  const cases = [
    {
      name: "a layout without the tag is NotFound",
      err: new OciLayoutError("MANIFEST_UNKNOWN", "/r/org/app", 'no manifest "1"'),
      want: "NotFound",
    },
    {
      name: "no layout for the repository is NotFound (a registry's NAME_UNKNOWN)",
      err: new OciLayoutError("LAYOUT_MISSING", "/r/org/app", "no such directory"),
      want: "NotFound",
    },
    {
      name: "a broken layout is an internal error",
      err: new OciLayoutError("LAYOUT_INVALID", "/r/org/app", "index.json is not JSON"),
      want: "InternalError",
    },
    { name: "anything else is an internal error", err: new Error("boom"), want: "InternalError" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const failure = importFailure(ref, c.err);
      assert.equal(failure.reason, c.want);
      if (c.want === "NotFound")
        assert.equal(failure.message, `dockerimage.image.openshift.io "${ref}" not found`);
    });
  }
});
