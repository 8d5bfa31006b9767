/**
 * A stage's broadcasts, kept in step with its status: a stage going live starts one, being ended
 * ends it, and reopening starts another. The stage's own item stays the source of truth; the
 * broadcast items follow it, so one function, {@link reconcileBroadcast}, serves both the edge
 * (right after a stage is created or changed) and the sync job (repairing a stage whose write
 * timed out at the edge). It is idempotent: running it again changes nothing.
 */
import type { DocumentClient } from "./clients.js";
import type { BroadcastItem } from "./history-items.js";
import type { Stage } from "./stage.js";
/** The stage's newest broadcast, or the newest that started before `beforeMs`; undefined if none. */
export declare function latestBroadcast(db: DocumentClient, tableName: string, stageId: string, beforeMs?: number): Promise<BroadcastItem | undefined>;
/**
 * Makes the stage's broadcasts agree with its status. Live with no open broadcast: one starts
 * at `updatedAt` (its creation, or the change that reopened it). Ended with an open broadcast:
 * it ends at `updatedAt`, and is listed as due for its summary. A stage live before broadcasts
 * were recorded and ended now gets one broadcast from its creation. Returns what it did.
 */
export declare function reconcileBroadcast(db: DocumentClient, tableName: string, stage: Stage): Promise<"started" | "ended" | "unchanged">;
