/**
 * The viewing-records CSV export opened in a spreadsheet (issue 21): viewer and stage ids may
 * begin with `-` or `@`, which spreadsheets read as the start of a formula. Such cells are
 * written as OWASP advises against CSV injection (a single quote in front, the field quoted);
 * every other cell, and the NDJSON export, stay as they were.
 */

import { windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { adminHeaders, uniqueId } from "../test-env";
import { createHarness } from "./harness";

describe("the CSV export", () => {
  it("neutralises ids that a spreadsheet would read as formulas", async () => {
    const h = createHarness();
    const stageId = await h.createStage({ id: `-${uniqueId("s")}` });
    const viewerIds = ["-2-3", "@SUM", "-cmd:calc", "plain-viewer"];
    const tokens = await Promise.all(viewerIds.map((viewerId) => h.token(viewerId, stageId)));
    const window = windowIndex(h.clock.nowMs);
    while (h.clock.nowMs < windowStartMs(window + 1)) {
      for (const token of tokens) expect((await h.heartbeat(stageId, token)).status).toBe(200);
      h.advance(30_000);
    }
    h.clock.nowMs = windowStartMs(window + 1) + 60_000;
    expect(await h.sync()).toMatchObject({ viewingRecords: viewerIds.length });

    const from = encodeURIComponent(new Date(windowStartMs(window)).toISOString());
    const exported = (accept: string) =>
      h.request(`/v1/stages/${stageId}/viewing-records/export?from=${from}`, {
        headers: { ...adminHeaders, accept },
      });
    const start = new Date(windowStartMs(window)).toISOString();
    const end = new Date(windowStartMs(window + 1)).toISOString();
    const csv = await (await exported("text/csv")).text();
    const rows = csv.split("\n");
    expect(rows[0]).toBe("stageId,viewerId,windowStart,windowEnd,seconds");
    expect(rows.at(-1)).toBe(""); // complete: a newline after the last record
    expect(rows.slice(1, -1).sort()).toEqual(
      [
        `"'${stageId}","'-2-3",${start},${end},300`,
        `"'${stageId}","'-cmd:calc",${start},${end},300`,
        `"'${stageId}","'@SUM",${start},${end},300`,
        `"'${stageId}",plain-viewer,${start},${end},300`,
      ].sort(),
    );
    // NDJSON is data for programs, not a sheet: the ids as they are.
    const ndjson = (await (await exported("application/x-ndjson")).text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { stageId: string; viewerId: string });
    expect(ndjson.map((record) => record.viewerId).sort()).toEqual([...viewerIds].sort());
    expect(ndjson.every((record) => record.stageId === stageId)).toBe(true);
  });
});
