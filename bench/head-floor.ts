/**
 * The resolve floor, run as its own Node process (so it pays a process
 * start as `plan` does): a bare undici loop of manifest HEADs, `parallel`
 * at a time, no auth, no parsing, no retries. Usage:
 * `node head-floor.js PARALLEL URL-FILE`, where URL-FILE is a JSON array of
 * manifest URLs. Prints `{"seconds":…,"requests":…}` (the loop alone).
 */
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { Agent, request } from "undici";

const ACCEPT = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");

async function main(): Promise<void> {
  const [parallelArg = "8", file = ""] = process.argv.slice(2);
  const urls = JSON.parse(await readFile(file, "utf8")) as string[];
  const dispatcher = new Agent();
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < urls.length; i = next++) {
      const response = await request(urls[i] ?? "", {
        method: "HEAD",
        headers: { accept: ACCEPT },
        dispatcher,
      });
      await response.body.dump();
      if (response.statusCode !== 200)
        throw new Error(`HEAD ${String(urls[i])}: ${String(response.statusCode)}`);
    }
  };
  await Promise.all(Array.from({ length: Number(parallelArg) }, worker));
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ seconds, requests: urls.length }) + "\n");
  await dispatcher.close();
}

await main();
