/**
 * A TCP forwarder that counts every byte between a client and a server, both ways: HTTP/1.1
 * request lines, headers and bodies alike. Put in front of the local Upstash endpoint, its
 * counts minus the endpoint's body counts are the HTTP header bytes @upstash/redis and the
 * endpoint exchange (plain HTTP on loopback: no TLS, no HTTP/2, no headers added by Cloudflare
 * or Upstash in production).
 */
import { createConnection, createServer, type Socket } from "node:net";

export interface WireCounter {
  /** `http://127.0.0.1:<port>`, to use instead of the target's URL. */
  url: string;
  /** Bytes client to server and server to client since the last reset. */
  counts(): { sent: number; received: number };
  reset(): void;
  stop(): Promise<void>;
}

export async function startWireCounter(targetUrl: string): Promise<WireCounter> {
  const target = new URL(targetUrl);
  let sent = 0;
  let received = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk: Buffer) => {
      sent += chunk.length;
    });
    upstream.on("data", (chunk: Buffer) => {
      received += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("wire counter: no port");
  return {
    url: `http://127.0.0.1:${address.port}${target.pathname === "/" ? "" : target.pathname}`,
    counts: () => ({ sent, received }),
    reset: () => {
      sent = 0;
      received = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
