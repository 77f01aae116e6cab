/**
 * Generates src/model/generated/*.ts from schemas/*.schema.json, so that the
 * schemas are the one place where shapes live. `npm run gen:types` writes the
 * files; test/model/generated-types.test.ts fails when they are stale.
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";

/** The schemas that get TypeScript types, by file stem. */
export const generatedSchemas = ["imagestream", "triggers", "config"] as const;

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** Path of a generated file, relative to the repository root. */
export function generatedPath(stem: string): string {
  return `src/model/generated/${stem}.ts`;
}

/** Renders the TypeScript module for one schema. */
export async function renderTypes(stem: string): Promise<string> {
  const schema = JSON.parse(
    await readFile(`${root}schemas/${stem}.schema.json`, "utf8"),
  ) as Parameters<typeof compile>[0];
  const body = await compile(schema, String(schema.title), {
    bannerComment: "",
    additionalProperties: false,
    strictIndexSignatures: true,
    format: true,
    style: { printWidth: 100 },
  });
  const banner = `// Generated from schemas/${stem}.schema.json by \`npm run gen:types\`. Do not edit.\n\n`;
  return banner + makeReadonly(body);
}

/** Marks every property, index signature and array readonly (STYLE: data is readonly). */
function makeReadonly(source: string): string {
  return source
    .replace(/^(\s+)(\[k: string\]|[A-Za-z_$][\w$]*\??):/gm, "$1readonly $2:")
    .replace(/\b([A-Za-z_$][\w$]*)\[\]/g, "readonly $1[]");
}

async function main(): Promise<void> {
  for (const stem of generatedSchemas) {
    await writeFile(`${root}${generatedPath(stem)}`, await renderTypes(stem));
  }
}

if (process.argv.includes("--write")) await main();
