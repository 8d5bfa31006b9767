/**
 * The DynamoDB side of every architecture that keeps history here: the sync job's snapshots,
 * packed viewing records, rollups and day totals (writes and storage), and the consoles reading
 * them back.
 */
import { pitrOption } from "./bill-options.js";
import { plural } from "./text.js";
import { awsTransferCost, BYTES_PER_GB, dynamoStorageCost, onDemandReadCost, onDemandWriteCost, } from "./tiers.js";
import { dashboardLoad, snapshotWrites } from "./usage.js";
/** The sync job's DynamoDB side: snapshot items, packed viewing records, their storage. */
function snapshotTiers(input) {
    const { w, u, c } = input;
    const s = snapshotWrites(w, u, c.dynamodb);
    const outBytes = s.batchRequests * w.dynamoResponseOverheadBytes;
    const tiers = {
        dynamoWrites: onDemandWriteCost(s.writeUnits, c),
        dynamoStorage: dynamoStorageCost(s.storedBytes, c),
        transfer: awsTransferCost(outBytes, c),
    };
    const counts = {
        dynamoWriteUnits: s.writeUnits,
        dynamoWriteRequests: s.batchRequests,
        dynamoStorageGb: s.storedBytes / BYTES_PER_GB,
        transferOutGb: outBytes / BYTES_PER_GB,
        syncRuns: u.syncRuns,
        snapshotItems: s.snapshotItems,
        viewingRecordItems: s.viewingItems,
    };
    const note = `Sync job every ${w.snapshotIntervalSec} s: one snapshot per stage, viewing records packed ${w.viewingRecordPackingFactor} to an item; records kept forever, storage (100 B of overhead an item included) priced at month ${w.historyMonths}.`;
    return { tiers, counts, note, outBytes, storedBytes: s.storedBytes };
}
/**
 * The DynamoDB side of every architecture that keeps history here: the sync job's writes and
 * storage, the consoles reading it back (the history and stage routes), and point-in-time
 * recovery as an option.
 */
export function historyTiers(input) {
    const { w, u, c } = input;
    const snap = snapshotTiers(input);
    const dashboard = dashboardLoad(w, u, c.dynamodb);
    const outBytes = snap.outBytes + dashboard.outBytes;
    return {
        dashboard,
        tiers: {
            ...snap.tiers,
            dynamoReads: onDemandReadCost(dashboard.readUnits, c),
            transfer: awsTransferCost(outBytes, c),
        },
        counts: {
            ...snap.counts,
            dynamoReadUnits: dashboard.readUnits,
            dynamoReadRequests: dashboard.polls,
            transferOutGb: outBytes / BYTES_PER_GB,
        },
        notes: [
            snap.note,
            `DynamoDB is read by ${plural(w.dashboards, "console")} open around the clock, polling every ${w.dashboardPollSec} s (${w.dashboardReadBytesPerPoll.toLocaleString("en-US")} B a poll), and by the restore after a Redis data loss (rare, not priced).`,
        ],
        options: [pitrOption(snap.storedBytes, w.historyMonths, c)],
    };
}
