import type { RestoreEstimate } from "@viewer-presence/shared/snapshot-estimate";
import { TtlCache } from "@viewer-presence/shared/ttl-cache";
import { STAGE_KEEP_MS } from "./stage-memory";
import { storeCallMarks } from "./store-call-marks";

/**
 * How old a live count a heartbeat answers may be: then it is counted again, or the count
 * another isolate made since is taken (presence/shared-count.ts).
 */
export const COUNT_CACHE_MS = 10_000;
/** How long an isolate reuses what it answered to a count read (`getStageViewers`, totals). */
export const COUNT_READ_CACHE_MS = 2_000;

/** A stage's live count as last read, with the restore estimate read beside it, if any. */
export interface LiveCount {
  live: number;
  estimate: RestoreEstimate | undefined;
  /** When `live` was counted (epoch ms): what a heartbeat answers as the count's `asOf`. */
  asOfMs: number;
  /**
   * False when the isolate took it from another isolate (`c:<stage>`) rather than counting it:
   * the isolate that counts a stage counts it again when due, the others wait longer for its
   * next (presence/shared-count.ts).
   */
  countedHere?: boolean;
}

/** A stage's count as count reads answer it. */
export interface StageViewers {
  viewers: number;
  estimated: boolean;
  /** When the figure was true: now for a live count, the snapshot's time for an estimate. */
  asOfMs: number;
}

/** The counts one isolate read from one database, and what rides with them. */
export function createCountMemory() {
  return {
    /** Counts by stage id, as returned with heartbeats; fresh for COUNT_CACHE_MS, kept longer
     *  so concurrent heartbeats can answer it while one of them refreshes it. */
    live: new TtlCache<LiveCount>(STAGE_KEEP_MS),
    /** Heartbeats refreshing their stage's count, by stage id. */
    refreshes: storeCallMarks(),
    /** Restore estimates fetched from DynamoDB by this isolate (or found missing), by stage. */
    estimates: new TtlCache<RestoreEstimate | null>(120_000),
    /** Live count by stage id, as returned to count reads. */
    reads: new TtlCache<StageViewers>(COUNT_READ_CACHE_MS),
    /** Live counts of this database's stages, by stage (for totals). */
    totals: new TtlCache<Map<string, number>>(COUNT_READ_CACHE_MS, 1),
    /**
     * The count a presence shard answered when it took a socket, by stage id: with the counts
     * above, what sizes the stage's number of shards (edge/presence/socket-shards.ts).
     */
    sockets: new TtlCache<number>(STAGE_KEEP_MS),
    /** The heartbeat interval this database's budget run chose (s), re-read every 30 s. */
    interval: new TtlCache<number>(30_000, 1),
    /**
     * The stages whose count in `live` was taken from another isolate (presence/shared-count.ts),
     * kept beside it so a registry check finds them without scanning every held count.
     */
    taken: new Set<string>(),
  };
}

export type CountMemory = ReturnType<typeof createCountMemory>;
