/**
 * The cadence in force, the same at the edge and in the sync job: with a hot-path budget
 * (HOT_PATH_BUDGET_USD), the interval the sync job chose, clamped to
 * [HEARTBEAT_INTERVAL_SEC, HEARTBEAT_INTERVAL_MAX_SEC]; otherwise the configured one. The
 * presence TTL scales with the interval, so a viewer keeps the same number of beats of grace.
 */
export function cadenceFor(config, chosenIntervalSec) {
    const base = config.heartbeatIntervalSec;
    const chosen = config.hotPathBudgetUsd === undefined ? base : (chosenIntervalSec ?? base);
    const intervalSec = Math.min(Math.max(chosen, base), config.heartbeatIntervalMaxSec);
    return { intervalSec, presenceTtlSec: Math.round((config.presenceTtlSec * intervalSec) / base) };
}
/**
 * The slot widths a live count reads: the interval in force and the configured one, since
 * while a budget changes the interval, clients still on the old one mark slots of its width.
 */
export function countedWidthsSec(config, cadence) {
    return [cadence.intervalSec, config.heartbeatIntervalSec];
}
/** The interval stored in Redis key `iv` (JSON `{ intervalSec, ... }`); unreadable means none. */
export function parseChosenInterval(json) {
    if (json === null || json === undefined)
        return undefined;
    try {
        const parsed = JSON.parse(String(json));
        return typeof parsed?.intervalSec === "number" && parsed.intervalSec > 0
            ? parsed.intervalSec
            : undefined;
    }
    catch {
        return undefined;
    }
}
