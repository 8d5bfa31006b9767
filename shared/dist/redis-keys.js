/** A presence key lives a day past its last window's first heartbeat (the sync job prunes it). */
export const PRESENCE_KEY_EXPIRY_SEC = 86_400;
/** An unsynced watch window is kept a week, so a stopped sync job loses nothing for days. */
export const WATCH_KEY_EXPIRY_SEC = 7 * 86_400;
/** An index outlives the last window of its epoch by as long as that window may wait for sync. */
export const INDEX_KEY_EXPIRY_SEC = WATCH_KEY_EXPIRY_SEC + 3_600;
export function redisKeys(prefix) {
    return {
        presence: (stageId) => `${prefix}p:${stageId}`,
        slotBitmap: (stageId, window, slot) => `${prefix}b:${stageId}:${window}:${slot.offsetSec}:${slot.widthSec}`,
        syncedWindows: () => `${prefix}bsy`,
        hourBits: (stageId, epoch) => `${prefix}hw:${stageId}:${epoch}`,
        dayViewers: (stageId, day) => `${prefix}hd:${stageId}:${day}`,
        viewerIndex: (stageId, epoch) => `${prefix}ix:${stageId}:${epoch}`,
        viewerList: (stageId, epoch) => `${prefix}il:${stageId}:${epoch}`,
        indexedEpochs: () => `${prefix}ixs`,
        presenceMask: () => `${prefix}mk`,
        countScratch: () => `${prefix}ct`,
        sharedCount: (stageId) => `${prefix}c:${stageId}`,
        generation: () => `${prefix}g`,
        stage: (stageId) => `${prefix}s:${stageId}`,
        stages: () => `${prefix}stages`,
        spreadStages: () => `${prefix}spr`,
        marker: () => `${prefix}m`,
        registryVersion: () => `${prefix}v`,
        restoredAt: () => `${prefix}rs`,
        estimate: (stageId) => `${prefix}e:${stageId}`,
        audit: (stageId) => `${prefix}a:${stageId}`,
        unsettledStages: () => `${prefix}us`,
        syncLock: () => `${prefix}lock`,
        heartbeatInterval: () => `${prefix}iv`,
    };
}
/** The pattern that finds every slot bitmap with SCAN (the sync job's work list). */
export function slotBitmapPattern(prefix) {
    return `${prefix}b:*`;
}
/** Reads a slot bitmap key back; `undefined` for keys of another shape or deployment. */
export function parseSlotBitmapKey(prefix, key) {
    if (!key.startsWith(`${prefix}b:`))
        return undefined;
    const parts = key.slice(prefix.length + 2).split(":");
    if (parts.length !== 4 || parts[0] === "")
        return undefined;
    const [stageId, window, offsetSec, widthSec] = [parts[0], ...parts.slice(1).map(Number)];
    if (![window, offsetSec, widthSec].every((n) => Number.isInteger(n) && n >= 0))
        return undefined;
    if (widthSec === 0)
        return undefined;
    return { stageId, window: window, offsetSec: offsetSec, widthSec: widthSec };
}
/** The pattern that finds every audit stream of a deployment with SCAN (the sync job drains them). */
export function auditKeyPattern(prefix) {
    return `${prefix}a:*`;
}
/** Reads the stage id back from an audit stream key; `undefined` for keys of another shape. */
export function parseAuditKey(prefix, key) {
    if (!key.startsWith(`${prefix}a:`))
        return undefined;
    const stageId = key.slice(prefix.length + 2);
    return stageId === "" || stageId.includes(":") ? undefined : { stageId };
}
