/**
 * A real forward HTTP proxy (Debian's tinyproxy) on 127.0.0.1, as users
 * behind corporate proxies have: CONNECT for HTTPS, absolute-form requests
 * for plain HTTP, optional Basic proxy authentication. Its connection log
 * says which requests went through it.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestContext } from "node:test";
import { freePort, launch, terminate, waitListening } from "./server-process.ts";

/** A running proxy. */
export interface ForwardProxy {
  /** `http://127.0.0.1:PORT`, with `user:password@` when the proxy requires it. */
  readonly url: string;
  /** Request lines the proxy received, e.g. `CONNECT 127.0.0.1:5000 HTTP/1.1`. */
  requests(): string[];
}

/** Starts tinyproxy; it stops when `t` ends. */
export async function startForwardProxy(
  t: TestContext,
  options: { auth?: { username: string; password: string } } = {},
): Promise<ForwardProxy> {
  const dir = await mkdtemp(path.join(tmpdir(), "isg-proxy-"));
  const port = await freePort();
  const config = path.join(dir, "tinyproxy.conf");
  await writeFile(
    config,
    [
      `Port ${String(port)}`,
      "Listen 127.0.0.1",
      "Timeout 30",
      "LogLevel Connect",
      "MaxClients 64",
      "Allow 127.0.0.1",
      "DisableViaHeader Yes",
      ...(options.auth === undefined
        ? []
        : [`BasicAuth ${options.auth.username} ${options.auth.password}`]),
      "",
    ].join("\n"),
  );
  // -d: stay in the foreground and log to stderr, which launch() keeps.
  const proxy = launch("tinyproxy", ["-d", "-c", config]);
  t.after(async () => {
    await terminate(proxy.child);
    await rm(dir, { recursive: true, force: true });
  });
  if (!(await waitListening(proxy.child, port)))
    throw new Error(`tinyproxy did not start:\n${proxy.tail()}`);
  const credentials =
    options.auth === undefined
      ? ""
      : `${encodeURIComponent(options.auth.username)}:${encodeURIComponent(options.auth.password)}@`;
  return {
    url: `http://${credentials}127.0.0.1:${String(port)}`,
    requests: () =>
      [...proxy.tail().matchAll(/Request \(file descriptor \d+\): (.+)$/gm)].map((m) =>
        (m[1] ?? "").trim(),
      ),
  };
}
