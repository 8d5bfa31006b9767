/**
 * At most this many databases for one stage (`databases`): a spread stage's live count sums a
 * count from each of its databases, which every isolate serving the stage refreshes, so this
 * stays below the deployment's MAX_REDIS_DATABASES (shared/config.ts). 64 databases carry about
 * 5,300,000 viewers on one stage at 2.26 commands a heartbeat (`npm run cost`).
 */
export declare const MAX_STAGE_DATABASES = 64;
/** A stage's configuration, as stored in DynamoDB and cached in Redis and in the isolate. */
export interface Stage {
    id: string;
    title: string;
    status: "live" | "ended";
    allowAnonymous: boolean;
    auditTrail: boolean;
    stageArn?: string;
    /**
     * How many Redis databases the stage's viewers are spread over (shared/rendezvous.ts), for an
     * audience larger than one database carries; absent means 1. Fixed at creation: a change
     * while viewers watch would put a viewer in two databases at once.
     */
    databases?: number;
    createdAt: string;
    updatedAt: string;
}
export type StageChanges = Partial<Pick<Stage, "title" | "status" | "allowAnonymous" | "auditTrail">>;
/** Picks the stage's fields out of a stored item or cached JSON, ignoring everything else. */
export declare function toStage(record: Record<string, unknown>): Stage;
/**
 * A stage as DynamoDB stores it: its configuration and its revision, 1 at creation and raised by
 * one with every update. Redis' copies carry the revision (shared/stage-copies.ts), so a copy
 * written late never replaces a newer one, whatever the clocks of the isolates that wrote them.
 */
export interface StoredStage {
    stage: Stage;
    /** 0 for a stage stored before revisions were. */
    revision: number;
}
/** Reads a stored stage item into a {@link StoredStage}. */
export declare function toStoredStage(record: Record<string, unknown>): StoredStage;
/**
 * Whether `stored` is what a create of `requested` writes, untouched since: the stage a
 * retried create finds when its first attempt timed out (503) yet reached DynamoDB anyway, as
 * a write in flight can. Timestamps aside, every field the request sets must match.
 */
export declare function isRepeatedCreate(stored: Stage, requested: Stage): boolean;
