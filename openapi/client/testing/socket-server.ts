import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { Problem } from "../types";

/** How the server answers an upgrade: accept it, refuse it with an HTTP status, or drop the TCP connection. */
export type UpgradeAnswer = { accept: true } | { refuse: number } | { drop: true };

/** One accepted socket, as the server sees it. */
export class ServerSocket {
  /** Every text frame the client sent, in order (pings included). */
  readonly received: string[] = [];
  /** The close code and reason the client's close frame carried, once it closed. */
  closed: { code: number; reason: string } | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly url: URL,
  ) {}

  /** The messages other than pings, parsed. */
  messages(): unknown[] {
    return this.received.filter((text) => text !== PING).map((text) => JSON.parse(text));
  }

  pings(): number {
    return this.received.filter((text) => text === PING).length;
  }

  sendCount(viewers: number, pingEveryMs = 30_000, estimated = false): void {
    const count = {
      type: "count",
      stageId: this.url.pathname.split("/")[3],
      viewers,
      estimated,
      asOf: "2026-12-07T12:00:00.000Z",
      pingEveryMs,
    };
    this.socket.send(JSON.stringify(count));
  }

  /** Sends the problem message and closes with `4000 + status`, as the edge does. */
  refuse(status: number, code = `http-${status}`): void {
    const problem = {
      type: `/problems/${code}`,
      title: `Status ${status}`,
      status,
      detail: "test",
    };
    this.socket.send(JSON.stringify({ type: "problem", problem: problem as Problem }));
    this.socket.close(4000 + status, code);
  }

  close(code: number, reason = ""): void {
    this.socket.close(code, reason);
  }
}

const PING = '{"type":"ping"}';
const PONG = '{"type":"pong"}';

/**
 * A real WebSocket server (the `ws` package over node:http, on a free port of 127.0.0.1)
 * speaking the presence protocol as the tests script it: each upgrade is answered by `answer`
 * (accept by default), an accepted socket gets the count `onConnect` sends (3 viewers by
 * default), pings get the exact pong unless `answerPings` is false. Test-only.
 */
export class SocketServer {
  readonly sockets: ServerSocket[] = [];
  /** Every upgrade request's URL, answered or not. */
  readonly upgrades: URL[] = [];
  answer: (url: URL) => UpgradeAnswer = () => ({ accept: true });
  onConnect: (socket: ServerSocket) => void = (socket) => socket.sendCount(3);
  answerPings = true;
  /** Plain HTTP requests to the same port (a browser test's heartbeats); 404 by default. */
  onRequest: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) =>
    response.writeHead(404).end();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly http: Server;

  private constructor() {
    this.http = createServer((request, response) => this.onRequest(request, response));
    this.http.on("upgrade", (request, duplex, head) => this.upgrade(request, duplex, head));
  }

  static async start(): Promise<SocketServer> {
    const server = new SocketServer();
    await new Promise<void>((resolve) => server.http.listen(0, "127.0.0.1", resolve));
    return server;
  }

  /** The base URL to give the client (`http:`; the client turns it into `ws:`). */
  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** The last socket accepted. */
  get last(): ServerSocket {
    const socket = this.sockets.at(-1);
    if (socket === undefined) throw new Error("no socket was accepted");
    return socket;
  }

  private upgrade(request: IncomingMessage, duplex: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? "/", this.url);
    this.upgrades.push(url);
    const answer = this.answer(url);
    if ("drop" in answer) {
      duplex.destroy();
      return;
    }
    if ("refuse" in answer) {
      duplex.end(
        `HTTP/1.1 ${answer.refuse} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    this.wss.handleUpgrade(request, duplex, head, (socket) => {
      const server = new ServerSocket(socket, url);
      this.sockets.push(server);
      socket.on("message", (data) => {
        const text = String(data);
        server.received.push(text);
        if (text === PING && this.answerPings) socket.send(PONG);
      });
      socket.on("close", (code, reason) => {
        server.closed = { code, reason: String(reason) };
      });
      this.onConnect(server);
    });
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    await new Promise((resolve) => this.http.close(resolve));
  }
}

/**
 * Waits for something the real socket brings (a frame, a close) by letting real I/O run, up to
 * 5 s; throws naming `what` if it never happens. Not a timing assertion: it only waits.
 */
export async function until(condition: () => boolean, what: string): Promise<void> {
  const giveUpAt = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
