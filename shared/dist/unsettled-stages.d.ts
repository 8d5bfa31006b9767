import type { DocumentClient } from "./clients.js";
/**
 * Unsettled marks: DynamoDB's list of stages whose Redis copies may disagree with DynamoDB. The
 * edge writes a mark before each write of a stage (create, PATCH); the sync job settles each
 * marked stage (puts DynamoDB's version in force in Redis, or removes a copy of a stage DynamoDB
 * does not have) and drops its marks. Kept in DynamoDB, not in Redis: the write they guard may
 * fail because Redis does, and a mark sent to a failing Redis may never arrive. One mark per
 * write, never overwritten, so dropping one (a settled write, or one DynamoDB refused) never
 * drops another's. Each deployment (its REDIS_KEY_PREFIX, `keyPrefix` below) has marks of its
 * own, for the Redis copies it keeps.
 */
/** One write's mark: its stage, when (epoch ms, the writer's clock), and its random id. */
export interface UnsettledMark {
    stageId: string;
    markedAtMs: number;
    markId: string;
}
/** Writes a mark. */
export declare function markStageUnsettled(db: DocumentClient, tableName: string, keyPrefix: string, mark: UnsettledMark): Promise<void>;
/**
 * Every mark, in stage id order: Queries of the deployment's partition, every page, strongly
 * consistent (a mark written just before is listed).
 */
export declare function listUnsettledMarks(db: DocumentClient, tableName: string, keyPrefix: string): Promise<UnsettledMark[]>;
/** Drops a mark (its write is settled, or was refused). */
export declare function dropUnsettledMark(db: DocumentClient, tableName: string, keyPrefix: string, mark: UnsettledMark): Promise<void>;
