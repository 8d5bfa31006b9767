import { parseViewerEntry } from "@viewer-presence/shared/audience";
import type { DocumentClient } from "@viewer-presence/shared/clients";
import { putItem } from "@viewer-presence/shared/dynamo-items";
import {
  DAY_ROLLUP_ITEM_TYPE,
  dayRollupKeys,
  HOUR_ROLLUP_ITEM_TYPE,
  hourRollupKeys,
  hourRollupRange,
  type SortKeyRange,
  snapshotRange,
  stagePartition,
  viewerDaysDueKeys,
} from "@viewer-presence/shared/dynamo-keys";
import { queryItems } from "@viewer-presence/shared/dynamo-query";
import type { Breakdown, RollupItem } from "@viewer-presence/shared/history-items";
import { execPipeline } from "@viewer-presence/shared/pipeline-scripts";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { epochEndMs } from "@viewer-presence/shared/slot-bitmaps";
import { DAY_MS, HOUR_MS } from "@viewer-presence/shared/windows";
import { RedisReplyError, type SyncRedis } from "../sync-redis";
import { viewerDayDueMs } from "./viewer-days";

/** Viewer indexes read per request when an hour is rolled up (as a window is read). */
const CHUNK_VIEWERS = 4096;
/** A day's HyperLogLog outlives the day by as long as its last hour may wait for sync. */
const DAY_VIEWERS_EXPIRY_SEC = 8 * 86_400;

type Deps = {
  redis: Pick<SyncRedis, "pipeline">;
  /** A spread stage's other databases, whose parts of the hour join this one's. */
  others?: Pick<SyncRedis, "pipeline">[];
  db: DocumentClient;
  keys: RedisKeys;
  tableName: string;
};

/**
 * Rolls up one ended hour of a stage, once all its windows are synced (the caller drops the
 * hour's index right after): one pass over the hour's index list and its `hw:` bits gives the
 * exact distinct viewers, by country and device too, and adds them to the day's HyperLogLog;
 * the hour's snapshots give its seconds and peak. Then the day's item is recomputed from its
 * hours. Both items are put whole, so a run that repeats this writes the same figures.
 */
export async function rollUpHour(deps: Deps, stageId: string, epoch: number): Promise<void> {
  const { redis, keys } = deps;
  const hourStartMs = epochEndMs(epoch) - HOUR_MS;
  const day = new Date(hourStartMs).toISOString().slice(0, 10);
  const dayKey = keys.dayViewers(stageId, day);
  const list = keys.viewerList(stageId, epoch);
  const bits = keys.hourBits(stageId, epoch);

  let uniqueViewers = 0;
  const countries: Breakdown = {};
  const devices: Breakdown = {};
  // Viewers are disjoint across a spread stage's databases: each part's pass adds to the same
  // totals and the same day (in this database).
  for (const source of [redis, ...(deps.others ?? [])]) {
    const [length] = await execPipeline(source, [(pipeline) => pipeline.llen(list)]);
    for (let next = 0; next < Number(length); next += CHUNK_VIEWERS) {
      const last = Math.min(next + CHUNK_VIEWERS, Number(length)) - 1;
      const [entries, words] = await execPipeline(source, [
        (pipeline) => pipeline.lrange(list, next, last),
        (pipeline) => {
          const fields = pipeline.bitfield(bits);
          for (let word = Math.floor(next / 16); word <= Math.floor(last / 16); word++) {
            fields.get("u32", `#${word}`);
          }
          fields.exec();
        },
      ]);
      if (!Array.isArray(entries)) throw new RedisReplyError("LRANGE", entries);
      if (!Array.isArray(words)) throw new RedisReplyError("BITFIELD", words);
      const watching: string[] = [];
      entries.forEach((entry, offset) => {
        const index = next + offset;
        const word = Number(words[Math.floor(index / 16) - Math.floor(next / 16)] ?? 0);
        if (((word >>> (31 - ((2 * index + 1) % 32))) & 1) === 0) return;
        const viewer = parseViewerEntry(String(entry));
        uniqueViewers++;
        countries[viewer.country] = [(countries[viewer.country]?.[0] ?? 0) + 1, 0];
        devices[viewer.device] = [(devices[viewer.device]?.[0] ?? 0) + 1, 0];
        watching.push(viewer.viewerId);
      });
      if (watching.length > 0) {
        await execPipeline(redis, [
          (pipeline) => pipeline.pfadd(dayKey, watching[0]!, ...watching.slice(1)),
          (pipeline) => pipeline.expire(dayKey, DAY_VIEWERS_EXPIRY_SEC),
        ]);
      }
    }
  }

  const snapshots = await stageItems(
    deps,
    stageId,
    snapshotRange(hourStartMs, hourStartMs + HOUR_MS),
  );
  let watchSeconds = 0;
  let peakViewers = 0;
  for (const snapshot of snapshots) {
    watchSeconds += Number(snapshot.watchSeconds ?? 0);
    peakViewers = Math.max(peakViewers, Number(snapshot.peakViewers ?? 0));
    addSeconds(countries, snapshot.countries);
    addSeconds(devices, snapshot.devices);
  }
  const hour: RollupItem = {
    ...hourRollupKeys(stageId, hourStartMs),
    type: HOUR_ROLLUP_ITEM_TYPE,
    stageId,
    periodStart: new Date(hourStartMs).toISOString(),
    periodEnd: new Date(hourStartMs + HOUR_MS).toISOString(),
    uniqueViewers,
    uniqueViewersExact: true,
    watchSeconds,
    peakViewers,
    averageViewers: Math.round((watchSeconds / (HOUR_MS / 1000)) * 100) / 100,
    countries,
    devices,
    parts: snapshots.length,
  };
  await putItem(deps.db, deps.tableName, hour);

  const dayStartMs = Date.parse(`${day}T00:00:00.000Z`);
  const hours = await stageItems(deps, stageId, hourRollupRange(dayStartMs, dayStartMs + DAY_MS));
  const [dayViewers] = await execPipeline(redis, [(pipeline) => pipeline.pfcount(dayKey)]);
  const daySeconds = hours.reduce((sum, item) => sum + Number(item.watchSeconds ?? 0), 0);
  const dayItem: RollupItem = {
    ...dayRollupKeys(stageId, dayStartMs),
    type: DAY_ROLLUP_ITEM_TYPE,
    stageId,
    periodStart: new Date(dayStartMs).toISOString(),
    periodEnd: new Date(dayStartMs + DAY_MS).toISOString(),
    uniqueViewers: Number(dayViewers),
    uniqueViewersExact: false,
    watchSeconds: daySeconds,
    peakViewers: Math.max(0, ...hours.map((item) => Number(item.peakViewers ?? 0))),
    averageViewers: Math.round((daySeconds / (DAY_MS / 1000)) * 100) / 100,
    parts: hours.length,
    // The day's per-viewer totals are (again) due once it is over (sync/history/viewer-days.ts).
    ...viewerDaysDueKeys(stageId, day, viewerDayDueMs(day)),
  };
  await putItem(deps.db, deps.tableName, dayItem);
}

/** Adds a snapshot's seconds by key to a breakdown whose viewers were counted already. */
function addSeconds(into: Breakdown, stored: unknown): void {
  if (stored === null || typeof stored !== "object") return;
  for (const [key, value] of Object.entries(stored as Record<string, unknown>)) {
    const seconds = Array.isArray(value) ? Number(value[1] ?? 0) : 0;
    into[key] = [into[key]?.[0] ?? 0, (into[key]?.[1] ?? 0) + seconds];
  }
}

/** Every item of the stage's partition whose sort key is in `between`. */
async function stageItems(
  { db, tableName }: Deps,
  stageId: string,
  between: SortKeyRange,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const item of queryItems(db, {
    tableName,
    partition: stagePartition(stageId),
    sortKey: { between },
  })) {
    items.push(item);
  }
  return items;
}
