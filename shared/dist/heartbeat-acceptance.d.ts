import type { Stage } from "./stage.js";
/**
 * The one rule for whether a stage takes a viewer's heartbeat. The edge applies it to a stage it
 * holds; for a stage it does not, HEARTBEAT_SCRIPT applies what the stage's Redis copy carries,
 * `accepts` ({@link acceptedViewerKinds}), which the copy's writer (shared/stage-copies.ts, run
 * by the edge and by the sync job's restore) computes from this same rule. It lives in `shared`
 * for that reason: the copy's writer cannot import the edge.
 */
export type HeartbeatAcceptance = "accepted" | "ended" | "anonymous-refused";
/** Whether `stage` takes a heartbeat from a viewer (anonymous: an anonymous session's). */
export declare function heartbeatAcceptance(stage: Pick<Stage, "status" | "allowAnonymous">, anonymous: boolean): HeartbeatAcceptance;
/** A viewer's kind as HEARTBEAT_SCRIPT is given it: `a` anonymous, `s` signed (a viewer token). */
export declare function viewerKind(anonymous: boolean): "a" | "s";
/** The kinds of viewer (`s`, `a`) whose heartbeats `stage` takes: its copy's `accepts`. */
export declare function acceptedViewerKinds(stage: Pick<Stage, "status" | "allowAnonymous">): string;
