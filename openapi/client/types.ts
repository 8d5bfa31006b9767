import type { components, operations, paths } from "../types.gen";

/**
 * Named aliases for the contract's schemas, so front ends import `Heartbeat` rather than
 * `components["schemas"]["Heartbeat"]`. All come from the generated types: none is written by
 * hand, so a contract change shows up here as a type error.
 */
type Schemas = components["schemas"];

export type { components, operations, paths };

/** The answer to `sendHeartbeat`: live count and when to send the next one (ms). */
export type Heartbeat = Schemas["Heartbeat"];
/** An `application/problem+json` error body (RFC 9457). */
export type Problem = Schemas["Problem"];
/** The `type` of a problem the server sends (`/problems/<code>`): switch on it. */
export type ProblemType = Problem["type"];
/** One offending field of a validation problem. */
export type ProblemField = Schemas["ProblemField"];
/** Who is sending a heartbeat or a leave, in the body: `{ token }` (a beacon sets no header). */
export type ViewerBody = Schemas["ViewerBody"];
/** The answer to `getStageViewers`. */
export type StageViewers = Schemas["StageViewers"];
/** The answer to `getViewerTotals`. */
export type ViewerTotals = Schemas["ViewerTotals"];
/** A stage's configuration. */
export type Stage = Schemas["Stage"];
/** One page of `listStages`. */
export type StageList = Schemas["StageList"];
/** The body of `createStage`. */
export type CreateStage = Schemas["CreateStage"];
/** The body of `updateStage`. */
export type UpdateStage = Schemas["UpdateStage"];
/** The body of `issueViewerToken`. */
export type IssueViewerToken = Schemas["IssueViewerToken"];
/** The answer to `issueViewerToken`. */
export type ViewerToken = Schemas["ViewerToken"];
/** One stored snapshot of a stage (live count, unique viewers, watch time of a window). */
export type Snapshot = Schemas["Snapshot"];
/** One page of `listStageSnapshots`. */
export type SnapshotPage = Schemas["SnapshotPage"];
/** One viewing record (viewer, stage, window, seconds). */
export type ViewingRecord = Schemas["ViewingRecord"];
/** One page of `listViewingRecords`. */
export type ViewingRecordPage = Schemas["ViewingRecordPage"];
/** The answer to `getHealth`. */
export type Health = Schemas["Health"];
