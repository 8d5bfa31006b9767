import type { ModelInput } from "./model-kit.js";
/**
 * The DynamoDB side of every architecture that keeps history here: the sync job's writes and
 * storage, the consoles reading it back (the history and stage routes), and point-in-time
 * recovery as an option.
 */
export declare function historyTiers(input: ModelInput): {
    dashboard: import("./usage.js").DashboardLoad;
    tiers: {
        dynamoReads: number;
        transfer: number;
        dynamoWrites: number;
        dynamoStorage: number;
    };
    counts: {
        dynamoReadUnits: number;
        dynamoReadRequests: number;
        transferOutGb: number;
        heartbeats?: number | undefined;
        workerRequests?: number | undefined;
        workerCpuMs?: number | undefined;
        logEvents?: number | undefined;
        logIngestGb?: number | undefined;
        redisCommands?: number | undefined;
        redisBandwidthGb?: number | undefined;
        redisDataMb?: number | undefined;
        redisPeakCommandsPerSec?: number | undefined;
        objectRequests?: number | undefined;
        objectGbSeconds?: number | undefined;
        dynamoWriteUnits?: number | undefined;
        dynamoWriteRequests?: number | undefined;
        dynamoStorageGb?: number | undefined;
        provisionedWcu?: number | undefined;
        provisionedRcu?: number | undefined;
        syncRuns?: number | undefined;
        snapshotItems?: number | undefined;
        viewingRecordItems?: number | undefined;
    };
    notes: string[];
    options: import("./types.js").PricedOption[];
};
