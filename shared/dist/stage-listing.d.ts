import type { DocumentClient } from "./clients.js";
import { type StoredStage } from "./stage.js";
/**
 * One page of stages in id order, from the stage index (`gsi1`, partition `STAGES`): never a
 * Scan. `after` is the last id of the previous page. It reads one item more than `limit`, which
 * tells whether another page exists, so the last page never hands out a cursor to an empty page.
 * The listing route pages it for operators; restores (edge and sync job) read every page.
 */
export declare function listStagePage(db: DocumentClient, tableName: string, limit: number, after?: string): Promise<{
    stages: StoredStage[];
    lastId?: string;
}>;
