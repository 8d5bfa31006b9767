import { type ModelInput, type ModelOutput } from "./model-kit.js";
/** Sockets one object can hold at most (Cloudflare's limit on hibernatable WebSockets). */
export declare const SOCKETS_PER_OBJECT_LIMIT = 32768;
/**
 * Seconds over which the typed client spreads the reconnects after a deploy closed every socket
 * (a random delay up to this before the first reconnect).
 */
export declare const DEPLOY_RECONNECT_SPREAD_SEC = 30;
/** The WebSocket transport's monthly quantities: sockets, shards, flushes, object requests. */
export declare function webSocketUsage({ w, u }: Pick<ModelInput, "w" | "u">): {
    connections: number;
    watcherConnections: number;
    messages: number;
    shardsPerStage: number;
    shards: number;
    flushes: number;
    earlyFlushes: number;
    peakSocketsPerShard: number;
    flushCommands: number;
    flushBytes: number;
    largestFlushBytes: number;
};
export declare function webSocketShardsSnapshots(input: ModelInput): ModelOutput;
