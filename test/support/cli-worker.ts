/**
 * Runs the CLI in-process, one request at a time, in a worker thread for
 * BoundedCli: a watchdog can terminate a worker stuck in a synchronous
 * loop, which it could not do to its own thread.
 */
import { parentPort } from "node:worker_threads";
import { runInProcess } from "./run-cli.ts";

const port = parentPort;
if (port === null) throw new Error("cli-worker runs as a worker thread");
port.on("message", (argv: string[]) => {
  void runInProcess(argv).then(
    (result) => {
      port.postMessage({ ok: true, result });
    },
    (err: unknown) => {
      port.postMessage({ ok: false, error: String(err) });
    },
  );
});
