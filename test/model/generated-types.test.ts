import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { generatedPath, generatedSchemas, renderTypes } from "../support/generate-types.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));

for (const stem of generatedSchemas) {
  it(`${generatedPath(stem)} matches schemas/${stem}.schema.json (run npm run gen:types)`, async () => {
    const committed = await readFile(root + generatedPath(stem), "utf8");
    assert.equal(committed, await renderTypes(stem));
  });
}
