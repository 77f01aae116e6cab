/**
 * A worker for bounded-cli.test.ts: answers like cli-worker.ts, except that
 * a request whose first word is "spin" never answers (a synchronous loop,
 * as a catastrophic regular expression would be).
 */
import { parentPort } from "node:worker_threads";

const port = parentPort;
if (port === null) throw new Error("spin-worker runs as a worker thread");
port.on("message", (argv: string[]) => {
  if (argv[0] === "spin") for (;;);
  port.postMessage({ ok: true, result: { code: 0, stdout: argv.join(" "), stderr: "" } });
});
