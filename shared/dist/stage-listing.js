import { STAGE_INDEX_PARTITION } from "./dynamo-keys.js";
import { queryPage } from "./dynamo-query.js";
import { toStoredStage } from "./stage.js";
/**
 * One page of stages in id order, from the stage index (`gsi1`, partition `STAGES`): never a
 * Scan. `after` is the last id of the previous page. It reads one item more than `limit`, which
 * tells whether another page exists, so the last page never hands out a cursor to an empty page.
 * The listing route pages it for operators; restores (edge and sync job) read every page.
 */
export async function listStagePage(db, tableName, limit, after) {
    const result = await queryPage(db, {
        tableName,
        index: "gsi1",
        partition: STAGE_INDEX_PARTITION,
        ...(after ? { sortKey: { above: after } } : {}),
        pageSize: limit + 1,
    });
    const stages = result.items.map(toStoredStage);
    if (stages.length <= limit)
        return { stages };
    const page = stages.slice(0, limit);
    return { stages: page, lastId: page.at(-1).stage.id };
}
