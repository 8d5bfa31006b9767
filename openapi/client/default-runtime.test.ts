import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPresenceClient } from "./create-client";
import { startHeartbeatLoop } from "./heartbeat-loop";
import type { Heartbeat } from "./types";

/**
 * The client and the loop with nothing injected, against a real HTTP server on a free port: the
 * global `fetch`, the global timers and Node's `navigator` (which has no `sendBeacon`, so the
 * leave takes the keepalive-fetch fallback).
 */
interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    seen.push({
      method: request.method ?? "",
      url: request.url ?? "",
      authorization: request.headers.authorization,
      contentType: request.headers["content-type"],
      body: await readBody(request),
    });
    if (request.url?.endsWith("/leave")) {
      response.writeHead(204).end();
      return;
    }
    const beat: Heartbeat = {
      stageId: "stage-1",
      viewerId: "user-1",
      viewers: 7,
      estimated: false,
      asOf: "2026-11-27T21:30:00.000Z",
      nextHeartbeatInMs: 60_000,
      ticket: "493612.0.0.AAAAAAAAAAAAAAAAAAAAAA",
    };
    response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(beat));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("with the runtime's own fetch and timers", () => {
  it("createPresenceClient works without an injected fetch", async () => {
    seen.length = 0;
    const client = createPresenceClient({ baseUrl });
    const { data, error } = await client.POST("/v1/stages/{stageId}/heartbeats", {
      params: { path: { stageId: "stage-1" } },
      headers: { Authorization: "Bearer t" },
    });
    expect(error).toBeUndefined();
    expect(data?.viewers).toBe(7);
    expect(seen[0]).toMatchObject({ method: "POST", url: "/v1/stages/stage-1/heartbeats" });
  });

  it("startHeartbeatLoop beats, then leaves by keepalive fetch on stop()", async () => {
    seen.length = 0;
    const updates: Heartbeat[] = [];
    const loop = startHeartbeatLoop({
      baseUrl,
      stageId: "stage-1",
      token: "tok-9",
      onUpdate: (beat) => updates.push(beat),
    });
    await expect.poll(() => updates.length).toBe(1);
    expect(loop.state.status).toBe("running");

    await loop.stop();
    expect(seen.map((s) => [s.method, s.url, s.authorization])).toEqual([
      ["POST", "/v1/stages/stage-1/heartbeats", "Bearer tok-9"],
      ["POST", "/v1/stages/stage-1/leave", undefined],
    ]);
    expect(seen[1]?.contentType).toBe("text/plain;charset=UTF-8");
    expect(JSON.parse(seen[1]?.body ?? "")).toEqual({ token: "tok-9" });
  });
});
