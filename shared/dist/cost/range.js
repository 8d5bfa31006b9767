/**
 * A cost as a range: the inputs the model cannot know for a given audience (where sessions sit
 * between joining and the steady state, whether Upstash meters HTTP headers, how many tabs a
 * viewer has, how many viewers are anonymous), each moved on its own and then together. A figure
 * near a plan's limit moves a lot with them (104 GB of bandwidth against a 100 GB plan).
 */
import { STEADY_STATE_HEARTBEAT } from "./measured.js";
/** Tabs a viewer in the "more tabs" case: the calibration's own audience has 1.2. */
const MORE_TABS = 1.2;
export const RANGE_MOVERS = [
    {
        name: () => `steady-state heartbeats, as in hour-long sessions (${STEADY_STATE_HEARTBEAT.redisCommandsPerHeartbeat} commands, ${STEADY_STATE_HEARTBEAT.redisBytesPerHeartbeat} B)`,
        apply: (w) => w.redisCommandsPerHeartbeat === STEADY_STATE_HEARTBEAT.redisCommandsPerHeartbeat &&
            w.redisBytesPerHeartbeat === STEADY_STATE_HEARTBEAT.redisBytesPerHeartbeat
            ? undefined
            : {
                ...w,
                redisCommandsPerHeartbeat: STEADY_STATE_HEARTBEAT.redisCommandsPerHeartbeat,
                redisBytesPerHeartbeat: STEADY_STATE_HEARTBEAT.redisBytesPerHeartbeat,
            },
    },
    {
        name: (w) => w.redisBandwidthCountsHeaders === 1
            ? "Upstash meters bodies only"
            : `Upstash meters HTTP headers too (${w.redisHeaderBytesPerHeartbeat.toFixed(0)} B a heartbeat)`,
        apply: (w) => w.redisHeaderBytesPerHeartbeat === 0
            ? undefined
            : { ...w, redisBandwidthCountsHeaders: 1 - w.redisBandwidthCountsHeaders },
    },
    {
        name: (w) => `${+(w.tabsPerViewer * MORE_TABS).toFixed(2)} tabs a viewer (x${MORE_TABS})`,
        apply: (w) => ({ ...w, tabsPerViewer: w.tabsPerViewer * MORE_TABS }),
    },
    {
        name: () => "every viewer anonymous (a token request every 9 minutes)",
        apply: (w) => (w.anonymousViewerShare === 1 ? undefined : { ...w, anonymousViewerShare: 1 }),
    },
];
/**
 * The range of a monthly total (`total`, e.g. one architecture's) for `workload`: each mover
 * alone, then those that raise it together and those that lower it together; `low` and `high`
 * are the extremes.
 */
export function estimateRange(workload, total) {
    const base = total(workload);
    const moved = RANGE_MOVERS.flatMap((mover) => {
        const w = mover.apply(workload);
        return w === undefined ? [] : [{ mover, name: mover.name(workload), total: total(w) }];
    });
    const together = (name, movers) => {
        if (movers.length < 2)
            return [];
        const w = movers.reduce((acc, m) => m.apply(acc) ?? acc, workload);
        return [{ name, total: total(w) }];
    };
    const movers = [
        ...moved.map(({ name, total }) => ({ name, total })),
        ...together("all that raise it, together", moved.filter((m) => m.total > base).map((m) => m.mover)),
        ...together("all that lower it, together", moved.filter((m) => m.total < base).map((m) => m.mover)),
    ];
    const totals = [base, ...movers.map((m) => m.total)];
    return { low: Math.min(...totals), high: Math.max(...totals), movers };
}
