/**
 * At most this many databases for one stage (`databases`): a spread stage's live count sums a
 * count from each of its databases, which every isolate serving the stage refreshes, so this
 * stays below the deployment's MAX_REDIS_DATABASES (shared/config.ts). 64 databases carry about
 * 5,300,000 viewers on one stage at 2.26 commands a heartbeat (`npm run cost`).
 */
export const MAX_STAGE_DATABASES = 64;
/** Picks the stage's fields out of a stored item or cached JSON, ignoring everything else. */
export function toStage(record) {
    const stage = {
        id: String(record.id),
        title: String(record.title),
        status: record.status === "ended" ? "ended" : "live",
        allowAnonymous: record.allowAnonymous === true,
        auditTrail: record.auditTrail === true,
        createdAt: String(record.createdAt),
        updatedAt: String(record.updatedAt),
    };
    if (typeof record.stageArn === "string")
        stage.stageArn = record.stageArn;
    if (typeof record.databases === "number" && record.databases > 1) {
        stage.databases = record.databases;
    }
    return stage;
}
/** Reads a stored stage item into a {@link StoredStage}. */
export function toStoredStage(record) {
    const revision = Number(record.revision ?? 0);
    return {
        stage: toStage(record),
        revision: Number.isSafeInteger(revision) && revision > 0 ? revision : 0,
    };
}
/**
 * Whether `stored` is what a create of `requested` writes, untouched since: the stage a
 * retried create finds when its first attempt timed out (503) yet reached DynamoDB anyway, as
 * a write in flight can. Timestamps aside, every field the request sets must match.
 */
export function isRepeatedCreate(stored, requested) {
    return (stored.createdAt === stored.updatedAt &&
        stored.status === "live" &&
        stored.title === requested.title &&
        stored.allowAnonymous === requested.allowAnonymous &&
        stored.auditTrail === requested.auditTrail &&
        stored.stageArn === requested.stageArn &&
        (stored.databases ?? 1) === (requested.databases ?? 1));
}
