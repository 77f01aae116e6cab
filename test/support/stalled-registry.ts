/**
 * A "registry" on 127.0.0.1 that accepts connections and never answers: a
 * run asking it waits in planning, so a test can signal it mid-run. With
 * the one stream that asks it and the config that points there.
 */
import { once } from "node:events";
import { createServer, type AddressInfo, type Socket } from "node:net";
import type { TestContext } from "node:test";
import { bareRepo, cloneRepo, gitTestEnv, type GitTestEnv } from "./git-repos.ts";

/** Its port, and how many connections it holds (a run reached it when > 0). */
export interface StalledRegistry {
  readonly port: number;
  readonly connections: () => number;
}

/** Starts it; closed, with its connections, when `t` ends. */
export async function startStalledRegistry(t: TestContext): Promise<StalledRegistry> {
  const sockets: Socket[] = [];
  const stalled = createServer((socket) => sockets.push(socket));
  stalled.listen(0, "127.0.0.1");
  await once(stalled, "listening");
  t.after(() => {
    for (const s of sockets) s.destroy();
    stalled.close();
  });
  return { port: (stalled.address() as AddressInfo).port, connections: () => sockets.length };
}

/** A stream whose one tag is imported from `stalled.example`. */
export const stalledStream = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata: {name: app, namespace: demo}
spec:
  tags:
    - name: "1"
      from: {kind: DockerImage, name: stalled.example/app:1}
`;

/** The config's `registries:` sending `stalled.example` to 127.0.0.1:`port`. */
export function stalledRegistries(port: number): string {
  return `registries:\n  stalled.example: {location: "127.0.0.1:${String(port)}", insecure: true}\n`;
}

/** A checkout (of `bare`) whose one stream asks a stalled registry: a run on it waits in planning. */
export async function stalledCheckout(
  t: TestContext,
): Promise<StalledRegistry & { genv: GitTestEnv; bare: string; checkout: string }> {
  const stalled = await startStalledRegistry(t);
  const genv = await gitTestEnv(t);
  const bare = await bareRepo(genv, {
    "app.yaml": stalledStream,
    "imagestream-gitops.yaml": stalledRegistries(stalled.port),
  });
  return { ...stalled, genv, bare, checkout: await cloneRepo(genv, bare) };
}
