import type { Redis } from "@upstash/redis";
/**
 * The marker `m` ends a rebuild of the stage registry after Redis lost its data: it says Redis
 * holds a copy of every stage, so a stage missing from Redis does not exist (a 404). A rebuild
 * writes its copies over several requests, and Redis can lose its data again in between (a
 * FLUSHALL, a restart empty): the copies written before go with it, and a marker set after
 * would claim a registry that lacks them, so existing stages would answer 404 until the next
 * loss. The data's generation `g` tells: a loss takes it, and the next rebuild sets a new random
 * one. So a rebuild reads `g` before its first copy ({@link beginRegistryRebuild}) and sets the
 * marker only while `g` is still that value ({@link COMPLETE_REGISTRY_SCRIPT}), atomically.
 * Otherwise the marker stays unset and the next request that needs the registry rebuilds it.
 *
 * Cost per rebuild: one request (SET g NX, GET g) before the copies, and the marker's SET becomes
 * a script (EVAL + GET + SET). Nothing per heartbeat.
 */
/** The marker's values: `registry` after the edge's rebuild, `full` once the sync job restored. */
export type RegistryMarker = "registry" | "full";
/** The keys a rebuild reads or sets. */
export interface RegistryMarkerKeys {
    marker(): string;
    generation(): string;
}
/**
 * The generation a rebuild writes its copies under, read before the first: `g`, set to a new
 * one first if the loss took it (SET NX: concurrent rebuilds after one loss share it). `""`
 * when a loss came between the SET and the GET: the rebuild then cannot complete, and the next
 * one starts afresh.
 */
export declare function beginRegistryRebuild(redis: Pick<Redis, "pipeline">, keys: RegistryMarkerKeys): Promise<string>;
/**
 * Sets the marker if the data's generation is still the one the rebuild began under.
 *
 * KEYS[1] generation `g`   KEYS[2] marker `m`
 * ARGV[1] the generation read by {@link beginRegistryRebuild}   ARGV[2] the marker's value
 * ARGV[3] '1' to leave a marker already set (the edge's `registry` never replaces `full`)
 *
 * Returns 1 when the registry is complete, 0 when Redis lost its data since the rebuild began.
 */
export declare const COMPLETE_REGISTRY_SCRIPT = "\nlocal generationKey, markerKey = KEYS[1], KEYS[2]\nlocal began, value, keep = ARGV[1], ARGV[2], ARGV[3] == '1'\nif redis.call('GET', generationKey) ~= began then return 0 end\nif keep then redis.call('SET', markerKey, value, 'NX') else redis.call('SET', markerKey, value) end\nreturn 1\n";
/**
 * KEYS and ARGV of {@link COMPLETE_REGISTRY_SCRIPT}: `registry` is set only where no marker is,
 * `full` always.
 */
export declare function completeRegistryCall(keys: RegistryMarkerKeys, { generation, marker }: {
    generation: string;
    marker: RegistryMarker;
}): {
    keys: string[];
    args: string[];
};
/** Whether {@link COMPLETE_REGISTRY_SCRIPT} set the marker (its reply, raw or decoded). */
export declare function registryCompleted(reply: unknown): boolean;
