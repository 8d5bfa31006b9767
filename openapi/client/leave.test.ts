import { describe, expect, it } from "vitest";
import { createPresenceClient } from "./create-client";
import { leaveUrl, sendLeave } from "./leave";

describe("leaveUrl", () => {
  it("joins the base URL and the encoded stage id", () => {
    expect(leaveUrl("https://p.test", "concert-42")).toBe(
      "https://p.test/v1/stages/concert-42/leave",
    );
    expect(leaveUrl("https://p.test/api//", "a b/c")).toBe(
      "https://p.test/api/v1/stages/a%20b%2Fc/leave",
    );
  });
});

describe("sendLeave", () => {
  const requests: Request[] = [];
  const client = createPresenceClient({
    baseUrl: "https://p.test",
    fetch: async (request) => {
      requests.push(request);
      return new Response(null, { status: 204 });
    },
  });

  it("falls back to fetch when sendBeacon throws", async () => {
    requests.length = 0;
    const navigator = {
      sendBeacon(): boolean {
        throw new TypeError("beacon refused");
      },
    };
    const sent = sendLeave({
      client,
      baseUrl: "https://p.test",
      stageId: "s1",
      body: { token: "t" },
      navigator,
    });
    expect(sent.transport).toBe("fetch");
    if (sent.transport === "fetch") await expect(sent.problem).resolves.toBeUndefined();
    expect(requests.map((r) => [r.url, r.keepalive])).toEqual([
      ["https://p.test/v1/stages/s1/leave", true],
    ]);
  });

  it("turns a failed fallback into a problem instead of a rejection", async () => {
    const offline = createPresenceClient({
      baseUrl: "https://p.test",
      fetch: () => Promise.reject(new TypeError("offline")),
    });
    const sent = sendLeave({ client: offline, baseUrl: "https://p.test", stageId: "s1", body: {} });
    expect(sent.transport).toBe("fetch");
    if (sent.transport === "fetch") {
      await expect(sent.problem).resolves.toMatchObject({ status: 0, detail: "offline" });
    }
  });
});
