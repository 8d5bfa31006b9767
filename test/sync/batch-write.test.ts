import { describe, expect, it } from "vitest";
import { BatchWriteError, batchWrite } from "../../sync/windows/batch-write";
import { faultyDb, noSleep, syncTestContext } from "./harness";

function items(pk: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    pk,
    sk: String(i).padStart(4, "0"),
    type: "Test",
  }));
}

describe("batchWrite", () => {
  it("writes in calls of 25, several in flight, and sums the write units", async () => {
    const t = syncTestContext();
    const pk = t.stageId("bw");
    let inFlight = 0;
    let maxInFlight = 0;
    const { db, state } = faultyDb(t.db, () => "pass");
    const counting = {
      send: (async (command: never) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          return await db.send(command);
        } finally {
          inFlight--;
        }
      }) as typeof db.send,
    };
    const result = await batchWrite(counting, t.table, items(pk, 130), { concurrency: 3 });
    expect(result).toEqual({ items: 130, writeUnits: 130, retries: 0, calls: 6 });
    expect(state.commands.every((name) => name === "BatchWriteCommand")).toBe(true);
    expect(maxInFlight).toBe(3);
    expect(await t.query(pk)).toHaveLength(130);
  });

  it("retries UnprocessedItems with exponential backoff and full jitter until all are written", async () => {
    const t = syncTestContext();
    const pk = t.stageId("bw");
    const { db } = faultyDb(t.db, (_, call) => (call <= 3 ? { unprocess: 10 } : "pass"));
    const delays: number[] = [];
    const result = await batchWrite(db, t.table, items(pk, 25), {
      concurrency: 1,
      baseDelayMs: 100,
      random: () => 0.999,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    expect(result).toMatchObject({ items: 25, retries: 3, calls: 4 });
    expect(delays).toEqual([99, 199, 399]);
    expect(await t.query(pk)).toHaveLength(25);
  });

  it("gives up after maxAttempts with a typed error counting what is missing", async () => {
    const t = syncTestContext();
    const pk = t.stageId("bw");
    const { db } = faultyDb(t.db, () => ({ unprocess: 5 }));
    const error = await batchWrite(db, t.table, items(pk, 50), {
      concurrency: 1,
      maxAttempts: 3,
      sleep: noSleep,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchWriteError);
    const failure = error as BatchWriteError;
    expect(failure).toMatchObject({
      name: "BatchWriteError",
      code: "dynamodb_batch_write_incomplete",
      unwrittenItems: 30, // 5 left in the first chunk, the second chunk never started
    });
    expect(failure.partial.items).toBe(20);
    expect(failure.cause).toBeInstanceOf(Error);
  });

  it("fails with the cause when a call throws, and starts no further chunks", async () => {
    const t = syncTestContext();
    const pk = t.stageId("bw");
    const { db, state } = faultyDb(t.db, (_, call) => (call === 2 ? "fail" : "pass"));
    const error = (await batchWrite(db, t.table, items(pk, 100), { concurrency: 1 }).catch(
      (e: unknown) => e,
    )) as BatchWriteError;
    expect(error).toBeInstanceOf(BatchWriteError);
    expect(error.unwrittenItems).toBe(75);
    expect((error.cause as Error).message).toMatch(/injected/);
    expect(state.calls).toBe(2);
  });
});
