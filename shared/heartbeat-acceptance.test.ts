import { describe, expect, it } from "vitest";
import { acceptedViewerKinds, heartbeatAcceptance } from "./heartbeat-acceptance";
import type { Stage } from "./stage";
import { stageCopyJson } from "./stage-copies";

const stage = (status: Stage["status"], allowAnonymous: boolean): Stage => ({
  id: "st",
  title: 'a "status":"live" title',
  status,
  allowAnonymous,
  auditTrail: false,
  createdAt: "2026-12-01T00:00:00.000Z",
  updatedAt: "2026-12-01T00:00:00.000Z",
});

describe("heartbeat acceptance", () => {
  it("takes signed viewers on a live stage, anonymous ones only where allowed", () => {
    expect(heartbeatAcceptance(stage("live", false), false)).toBe("accepted");
    expect(heartbeatAcceptance(stage("live", false), true)).toBe("anonymous-refused");
    expect(heartbeatAcceptance(stage("live", true), true)).toBe("accepted");
    expect(heartbeatAcceptance(stage("ended", true), false)).toBe("ended");
    expect(heartbeatAcceptance(stage("ended", true), true)).toBe("ended");
  });

  it("puts the accepted kinds first in the stage's Redis copy, where the script reads them", () => {
    expect(acceptedViewerKinds(stage("live", true))).toBe("sa");
    expect(acceptedViewerKinds(stage("live", false))).toBe("s");
    expect(acceptedViewerKinds(stage("ended", true))).toBe("");
    const copy = stageCopyJson({ stage: stage("ended", true), revision: 3 });
    expect(copy.startsWith('{"accepts":"",')).toBe(true);
    expect(copy.endsWith('"revision":3}')).toBe(true);
  });
});
