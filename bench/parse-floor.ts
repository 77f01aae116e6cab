/**
 * The load floor, run as its own Node process as `validate` is: read every
 * `.yaml` file under DIR and parse it with `yaml`'s `parseAllDocuments`
 * (the call the loader makes), nothing else. Usage: `node parse-floor.js
 * DIR`. Prints `{"seconds":…,"files":…,"documents":…}` (the loop alone).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseAllDocuments } from "yaml";

async function main(): Promise<void> {
  const root = process.argv[2] ?? ".";
  const started = performance.now();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith(".yaml"))
    .map((e) => path.join(e.parentPath, e.name));
  let documents = 0;
  for (const file of files) {
    const parsed = parseAllDocuments(await readFile(file, "utf8"));
    documents += Array.isArray(parsed) ? parsed.length : 0;
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ seconds, files: files.length, documents }) + "\n");
}

await main();
