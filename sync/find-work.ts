import { parseWatchKey, watchKeyPattern } from "../shared/redis-keys";
import { windowIndex } from "../shared/windows";
import { type SyncRedis, scanKeys } from "./sync-redis";

/** A watch window that no heartbeat can add to any more. */
export interface ClosedWindow {
  stageId: string;
  /** Window index (epoch ms / 300 000). */
  window: number;
  /** Its Redis key `w:<stage>:<window>`. */
  key: string;
}

export interface WorkList {
  /** Closed windows, oldest first, at most `maxWindows`. */
  windows: ClosedWindow[];
  /** Closed windows left for a later run because of `maxWindows`. */
  deferred: number;
}

/**
 * Finds the closed watch windows of a deployment with SCAN `w:*` (COUNT 1000 a page).
 *
 * A window counts as closed once `graceMs` has passed since its end, not the instant it ends:
 * a heartbeat stamped just before the boundary may reach Redis a moment after it, and a field
 * added after the run read and deleted the hash would come back as a window of its own whose
 * snapshot would overwrite the complete one (same key). The open window is never synced.
 */
export async function findClosedWindows(
  redis: Pick<SyncRedis, "scan">,
  prefix: string,
  nowMs: number,
  options: { graceMs: number; maxWindows: number },
): Promise<WorkList> {
  const firstOpen = windowIndex(nowMs - options.graceMs);
  const closed: ClosedWindow[] = [];
  for (const key of await scanKeys(redis, watchKeyPattern(prefix))) {
    const parsed = parseWatchKey(prefix, key);
    // Stage ids never hold ":"; such a key belongs to a deployment whose prefix extends ours.
    if (parsed === undefined || parsed.stageId.includes(":")) continue;
    if (parsed.window < firstOpen) closed.push({ ...parsed, key });
  }
  closed.sort((a, b) => a.window - b.window || (a.stageId < b.stageId ? -1 : 1));
  const windows = closed.slice(0, options.maxWindows);
  return { windows, deferred: closed.length - windows.length };
}
