import type { Redis } from "@upstash/redis";
type Pipeline = ReturnType<Redis["pipeline"]>;
/** A script call in a pipelined request: sent as EVALSHA, its text only when Redis lacks it. */
export interface ScriptCall {
    script: string;
    keys: string[];
    args: string[];
}
/** A step of a pipelined request: a plain command, or a script call. */
export type PipelineStep = ((pipeline: Pipeline) => void) | ScriptCall;
/** SHA-1 of a script's text, as EVALSHA names it (hex). */
export declare function scriptSha1(script: string): Promise<string>;
/**
 * A memo of {@link scriptSha1}: each script's digest kept once known (per isolate, per run).
 * It keeps the digest, never the promise of it: in a Worker, a promise one request started
 * never settles for another once the first is cancelled (a client that went away), and every
 * request waiting for it would hang. Requests that find no digest yet each compute it.
 */
export declare function createScriptDigests(): (script: string) => Promise<string>;
/**
 * Sends the steps as ONE pipelined request, scripts as EVALSHA (a few dozen bytes instead of
 * their text). When Redis lacks a script (NOSCRIPT: a new or restarted database), every step
 * from the first such one on is sent again in a second request, scripts with their text: so a
 * read placed after a write (a count after a heartbeat) still runs after it. The steps before
 * it are not repeated; the ones from it on must be safe to repeat (our pipelines put their one
 * write first, and repeat only reads, EXPIREs and idempotent writes). Any other error fails the
 * call. `sha1` gives digests (an isolate caches them; see {@link scriptSha1}). Returns the
 * replies in step order.
 */
export declare function execPipeline(redis: Pick<Redis, "pipeline">, steps: readonly PipelineStep[], sha1: (script: string) => Promise<string>): Promise<unknown[]>;
export {};
