import type { DocumentClient } from "@viewer-presence/shared/clients";
import { getItem } from "@viewer-presence/shared/dynamo-items";
import {
  broadcastKeys,
  broadcastRange,
  stagePartition,
  viewerDaysRange,
  viewerPartition,
} from "@viewer-presence/shared/dynamo-keys";
import { queryItems, queryPage } from "@viewer-presence/shared/dynamo-query";
import { dynamoCall } from "../dynamo-call";

/** A broadcast as the API answers it (figures 0 and `peakAt` null until summarised). */
export interface Broadcast {
  broadcastId: string;
  stageId: string;
  startedAt: string;
  endedAt: string | null;
  peakViewers: number;
  peakAt: string | null;
  averageViewers: number;
  uniqueViewers: number;
  uniqueViewersExact: boolean;
  secondsWatched: number;
  averageSecondsPerViewer: number;
}

function toBroadcast(item: Record<string, unknown>): Broadcast {
  return {
    broadcastId: String(item.broadcastId),
    stageId: String(item.stageId),
    startedAt: String(item.startedAt),
    endedAt: typeof item.endedAt === "string" ? item.endedAt : null,
    peakViewers: Number(item.peakViewers ?? 0),
    peakAt: typeof item.peakAt === "string" ? item.peakAt : null,
    averageViewers: Number(item.averageViewers ?? 0),
    uniqueViewers: Number(item.uniqueViewers ?? 0),
    uniqueViewersExact: item.uniqueViewersExact !== false,
    secondsWatched: Number(item.secondsWatched ?? 0),
    averageSecondsPerViewer: Number(item.averageSecondsPerViewer ?? 0),
  };
}

/** Broadcasts and viewers' watch time, read one DynamoDB Query or GetItem at a time. */
export function analyticsTable(db: DocumentClient, tableName: string) {
  return {
    /** A page of a stage's broadcasts, newest first, after the sort key `beforeSk` (the cursor). */
    async broadcasts(
      stageId: string,
      limit: number,
      beforeSk?: string,
    ): Promise<{ items: Broadcast[]; lastSk?: string }> {
      // One item more than asked tells whether another page exists.
      const result = await dynamoCall(() =>
        queryPage(db, {
          tableName,
          partition: stagePartition(stageId),
          sortKey: { between: broadcastRange() },
          descending: true,
          pageSize: limit + 1,
          ...(beforeSk ? { after: beforeSk } : {}),
        }),
      );
      const items = result.items;
      if (items.length <= limit) return { items: items.map(toBroadcast) };
      const page = items.slice(0, limit);
      return { items: page.map(toBroadcast), lastSk: String(page.at(-1)!.sk) };
    },

    async broadcast(stageId: string, startedAtMs: number): Promise<Broadcast | undefined> {
      const item = await dynamoCall(() =>
        getItem(db, tableName, broadcastKeys(stageId, startedAtMs)),
      );
      return item ? toBroadcast(item) : undefined;
    },

    /**
     * A viewer's seconds per stage over the UTC days `firstDay` to `lastDay` (yyyy-mm-dd, both
     * included): the viewer's partition, one item per stage and day, every page of it.
     */
    async watchTime(
      viewerId: string,
      firstDay: string,
      lastDay: string,
    ): Promise<Map<string, number>> {
      const seconds = new Map<string, number>();
      const items = queryItems(db, {
        tableName,
        partition: viewerPartition(viewerId),
        sortKey: { between: viewerDaysRange(firstDay, lastDay) },
      });
      await dynamoCall(async () => {
        for await (const item of items) {
          const stageId = String(item.stageId);
          seconds.set(stageId, (seconds.get(stageId) ?? 0) + Number(item.seconds ?? 0));
        }
      });
      return seconds;
    },
  };
}
