import { newGeneration } from "./presence-ticket.js";
/**
 * The generation a rebuild writes its copies under, read before the first: `g`, set to a new
 * one first if the loss took it (SET NX: concurrent rebuilds after one loss share it). `""`
 * when a loss came between the SET and the GET: the rebuild then cannot complete, and the next
 * one starts afresh.
 */
export async function beginRegistryRebuild(redis, keys) {
    const [, generation] = await redis
        .pipeline()
        .set(keys.generation(), newGeneration(), { nx: true })
        .get(keys.generation())
        .exec();
    return generation === null ? "" : String(generation);
}
/**
 * Sets the marker if the data's generation is still the one the rebuild began under.
 *
 * KEYS[1] generation `g`   KEYS[2] marker `m`
 * ARGV[1] the generation read by {@link beginRegistryRebuild}   ARGV[2] the marker's value
 * ARGV[3] '1' to leave a marker already set (the edge's `registry` never replaces `full`)
 *
 * Returns 1 when the registry is complete, 0 when Redis lost its data since the rebuild began.
 */
export const COMPLETE_REGISTRY_SCRIPT = `
local generationKey, markerKey = KEYS[1], KEYS[2]
local began, value, keep = ARGV[1], ARGV[2], ARGV[3] == '1'
if redis.call('GET', generationKey) ~= began then return 0 end
if keep then redis.call('SET', markerKey, value, 'NX') else redis.call('SET', markerKey, value) end
return 1
`;
/**
 * KEYS and ARGV of {@link COMPLETE_REGISTRY_SCRIPT}: `registry` is set only where no marker is,
 * `full` always.
 */
export function completeRegistryCall(keys, { generation, marker }) {
    return {
        keys: [keys.generation(), keys.marker()],
        args: [generation, marker, marker === "registry" ? "1" : "0"],
    };
}
/** Whether {@link COMPLETE_REGISTRY_SCRIPT} set the marker (its reply, raw or decoded). */
export function registryCompleted(reply) {
    return Number(reply) === 1;
}
