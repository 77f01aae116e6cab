/**
 * A loopback port nothing listens on (connections to it are refused), and
 * the same port opened again later, forwarding each connection to a test
 * server: a server that was down and is back, at the address its clients
 * were given.
 */
import { once } from "node:events";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import type { TestContext } from "node:test";

/** A port on 127.0.0.1 that this process opened and closed again. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Listens on `port` of 127.0.0.1 again, forwarding every connection to `upstream`'s port, until `t` ends. */
export async function reopenPort(t: TestContext, port: number, upstream: string): Promise<void> {
  const sockets: Socket[] = [];
  const target = Number(new URL(upstream).port);
  const server = createServer((socket) => {
    const onward = connect(target, "127.0.0.1");
    sockets.push(socket, onward);
    socket.pipe(onward).pipe(socket);
    socket.on("error", () => onward.destroy());
    onward.on("error", () => socket.destroy());
  });
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
}
