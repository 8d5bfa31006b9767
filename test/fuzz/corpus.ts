/**
 * Requests that found defects before (issue 7), replayed first in every run so CI keeps
 * checking them whatever the seed draws. Each was found by the random fuzz (seed 1, 10,000
 * requests; the body-token form by hand after it) and is written here in its smallest form.
 */
import type { RequestPlan } from "./plan";

const b64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

function plan(fields: Partial<RequestPlan> & Pick<RequestPlan, "operationId">): RequestPlan {
  return {
    hostile: "corpus",
    path: {},
    query: [],
    auth: { kind: "none" },
    freshIsolate: false,
    advanceMs: 0,
    ...fields,
  };
}

/** The corpus for a run whose setup stages are `${tag}-live` and `${tag}-hist`. */
export function corpus(tag: string): RequestPlan[] {
  const stage = (suffix: string) => ({
    stageId: { kind: "text" as const, value: `${tag}-${suffix}` },
  });
  // A signature whose base64url length is 1 mod 4 (issue 7, defect 1).
  const malformed = {
    kind: "token" as const,
    token: { kind: "literal" as const, value: "eyJhbGciOiJIUzI1NiJ9.e30.A" },
  };
  return [
    plan({ operationId: "sendHeartbeat", path: stage("live"), auth: malformed }),
    plan({ operationId: "leaveStage", path: stage("live"), auth: malformed }),
    // The same token in the body, as `navigator.sendBeacon` sends it.
    plan({
      operationId: "leaveStage",
      path: stage("live"),
      body: { kind: "json", value: { token: "eyJhbGciOiJIUzI1NiJ9.e30.A" } },
      contentType: "text/plain;charset=UTF-8",
    }),
    // Well-formed cursors of sort keys outside the from/to range (defect 2).
    plan({
      operationId: "listStageSnapshots",
      path: stage("hist"),
      query: [["cursor", { kind: "text", value: b64url("SNAPSHOT#2020-01-01T00:00:00.000Z") }]],
      auth: { kind: "admin" },
    }),
    plan({
      operationId: "listViewingRecords",
      path: stage("hist"),
      query: [["cursor", { kind: "text", value: b64url("2020-01-01T00:00:00.000Z#000") }]],
      auth: { kind: "admin" },
    }),
    // A lone surrogate in a stage's text, then a heartbeat from an isolate that has not seen
    // the stage, which takes the checking script (defect 3).
    plan({
      operationId: "createStage",
      body: { kind: "json", value: { id: `${tag}-surrogate`, title: "bad \ud800 surrogate" } },
      contentType: "application/json",
      auth: { kind: "admin" },
    }),
    plan({
      operationId: "sendHeartbeat",
      path: stage("surrogate"),
      auth: { kind: "token", token: { kind: "valid", viewerId: "alice" } },
      freshIsolate: true,
    }),
  ];
}
