/**
 * This system over its WebSocket transport (edge/presence-shard): each tab holds one hibernatable
 * WebSocket to a Durable Object shard of its stage; pings are answered by the runtime's
 * auto-response (neither a request nor duration); once a slot the shard writes its viewers' bits
 * to Upstash in the layout the sync job reads, in a pipeline whose command count does not grow
 * with its viewers; the sync job and DynamoDB are unchanged. What remains per viewer is the
 * upgrade (a Worker request and an object request) once a session, and a few messages.
 */
import { invocationLogsOption } from "./bill-options.js";
import { historyTiers } from "./history-tiers.js";
import { fixedBill, hotCounts, paygBill } from "./hot-tier.js";
import { baseCounts, limit, logsTier, peakPerSec, syncCpuMs, } from "./model-kit.js";
import { formatCount, plural } from "./text.js";
import { edgeCost } from "./tiers.js";
const MILLION = 1e6;
const millions = (v) => `${v < 10 * MILLION ? (v / MILLION).toFixed(1) : formatCount(v / MILLION)} M`;
const beyond = (used, included) => Math.max(0, used - included);
const usd = (v) => `$${v.toFixed(2)}`;
/** Sockets one object can hold at most (Cloudflare's limit on hibernatable WebSockets). */
export const SOCKETS_PER_OBJECT_LIMIT = 32_768;
/**
 * Seconds over which the typed client spreads the reconnects after a deploy closed every socket
 * (a random delay up to this before the first reconnect).
 */
export const DEPLOY_RECONNECT_SPREAD_SEC = 30;
/** Bytes of a flush besides its viewers' operations: keys, the count and check, HTTP framing. */
const FLUSH_FIXED_BYTES = 600;
/** The WebSocket transport's monthly quantities: sockets, shards, flushes, object requests. */
export function webSocketUsage({ w, u }) {
    const tabSessions = u.sessions * w.tabsPerViewer;
    const tabHours = w.viewers * w.tabsPerViewer * u.liveHoursPerMonth;
    // A tab connects once a session, and again when its connection drops (every
    // webSocketSessionHours) or a deploy closes it; watching pages connect the same way.
    const viewerConnections = Math.max(tabSessions, tabHours / w.webSocketSessionHours) +
        w.deploysPerMonth * w.viewers * w.tabsPerViewer * u.liveShare;
    const watcherConnections = (w.watchers * u.liveHoursPerMonth) / w.webSocketSessionHours;
    const connections = viewerConnections + watcherConnections;
    // State changes and the leave, and an anonymous viewer's token renewals (each a message too).
    const messages = tabSessions * w.socketMessagesPerSession + u.tokenRequests;
    const peakSocketsPerStage = ((w.viewers * w.tabsPerViewer) / w.stages) * w.peakToAverage;
    const shardsPerStage = Math.max(1, Math.ceil(peakSocketsPerStage / w.socketsPerShard));
    const shards = w.stages * shardsPerStage;
    const slotFlushes = (shards * u.liveSecondsPerMonth) / w.heartbeatIntervalSec;
    // A join or leave brings a flush forward by about 1 s; events of the same second share one,
    // so a shard flushes at most once a second.
    const earlyFlushes = Math.min(tabSessions * w.socketEarlyFlushesPerSession, shards * u.liveSecondsPerMonth);
    const flushes = slotFlushes + earlyFlushes;
    const viewersPerShard = w.viewers / shards;
    return {
        connections,
        watcherConnections,
        messages,
        shardsPerStage,
        shards,
        flushes,
        earlyFlushes,
        peakSocketsPerShard: peakSocketsPerStage / shardsPerStage,
        flushCommands: flushes * w.socketFlushCommands,
        flushBytes: flushes * (FLUSH_FIXED_BYTES + viewersPerShard * w.socketFlushBytesPerViewer),
        largestFlushBytes: FLUSH_FIXED_BYTES +
            Math.min(w.socketsPerShard, peakSocketsPerStage) * w.socketFlushBytesPerViewer,
    };
}
/** The cheaper of pay-as-you-go and the fixed plan a buyer would pick, for the flushes' traffic. */
function upstashBill(input, hot, largestRequestBytes) {
    // The plan's request-size limit is checked against the largest flush, not a heartbeat; a
    // flush is one request a slot, so HTTP headers do not weigh on its bandwidth.
    const sized = {
        ...input,
        w: { ...input.w, redisBytesPerHeartbeat: largestRequestBytes, redisHeaderBytesPerHeartbeat: 0 },
    };
    const payg = paygBill(sized, hot, []);
    const fixed = fixedBill(sized, hot, []);
    const chosen = payg.cost <= fixed.cost ? payg : fixed;
    const other = chosen === payg ? fixed : payg;
    return {
        ...chosen,
        notes: [
            `Upstash: ${chosen.plan.databases} x ${chosen.plan.name} (${usd(chosen.cost)}), cheaper here than ${other.plan.name} (${usd(other.cost)}).`,
            ...chosen.notes,
        ],
    };
}
export function webSocketShardsSnapshots(input) {
    const { w, u, c } = input;
    const d = c.durableObjects;
    const use = webSocketUsage(input);
    const history = historyTiers(input);
    // Workers: each upgrade, anonymous token request, console poll and cron run is a request.
    const cronRequests = u.syncRuns * c.workers.cronInvocationRequests.value;
    const viewerRequests = use.connections + u.tokenRequests + history.dashboard.polls;
    const workerRequests = viewerRequests + cronRequests;
    const workerCpuMs = viewerRequests * w.workerCpuMsPerHeartbeat + syncCpuMs(input);
    // Objects: the upgrade reaches the shard (a request), messages count 20 to 1, each flush is
    // an alarm; pings are auto-responses (not billed, no duration).
    const objectRequests = use.connections + use.messages / d.webSocketMessagesPerRequest.value + use.flushes;
    const activeSec = (use.flushes * w.durableObjectMsPerFlush +
        (use.connections + use.messages) * w.durableObjectMsPerMessage) /
        1000;
    const objectGbSeconds = activeSec * d.billedMemoryGb.value;
    const objects = (beyond(objectRequests, d.includedRequests.value) / MILLION) * d.perMillionRequests.value +
        (beyond(objectGbSeconds, d.includedGbSeconds.value) / MILLION) * d.perMillionGbSeconds.value;
    const commands = use.flushCommands + u.syncCommands;
    const hot = {
        commands,
        bandwidthBytes: use.flushBytes + u.syncBandwidthBytes,
        dataBytes: u.redisDataBytes,
        peakCommandsPerSec: peakPerSec(commands, input),
    };
    const redis = upstashBill(input, hot, use.largestFlushBytes);
    const databases = redis.plan.databases;
    const logs = logsTier(input, workerRequests + use.messages + use.flushes, databases);
    const edge = edgeCost(workerRequests, workerCpuMs, c);
    const viewerMinutes = (w.viewers * u.liveSecondsPerMonth) / 60;
    const viewerHours = w.viewers * u.liveHoursPerMonth;
    return {
        tiers: { edge, objects, logs: logs.cost, redis: redis.cost, ...history.tiers },
        counts: {
            ...baseCounts(u),
            workerRequests,
            workerCpuMs,
            logEvents: logs.events,
            logIngestGb: logs.ingestGb,
            ...hotCounts(hot),
            objectRequests,
            objectGbSeconds,
            ...history.counts,
        },
        limits: [
            ...redis.limits,
            limit("Sockets one shard holds at peak", use.peakSocketsPerShard, SOCKETS_PER_OBJECT_LIMIT, "sockets"),
            limit(`Reconnects per second into one shard after a deploy (spread over ${DEPLOY_RECONNECT_SPREAD_SEC} s)`, use.peakSocketsPerShard / DEPLOY_RECONNECT_SPREAD_SEC, d.maxRequestsPerSecPerObject.value, "requests/s"),
        ],
        plan: { name: `${redis.plan.name}, ${plural(use.shards, "shard")}`, databases },
        notes: [
            `Workers ${usd(edge)}: ${millions(use.connections)} WebSocket upgrades (a tab's session, a reconnect every ${w.webSocketSessionHours} h, ${w.deploysPerMonth} deploys${use.watcherConnections > 0 ? `, ${formatCount(w.watchers)} watching pages` : ""}), ${millions(u.tokenRequests)} anonymous token requests, the console's polls and the cron: ${millions(workerRequests)} requests, ${(workerRequests / viewerHours).toFixed(2)} a viewer-hour.`,
            `Durable Objects ${usd(objects)}: ${plural(use.shards, "shard")} (${use.shardsPerStage} a stage, at most ${formatCount(w.socketsPerShard)} sockets each); ${millions(objectRequests)} billed requests (${millions(use.connections)} upgrades, ${millions(use.messages)} messages counted 20 to 1, ${millions(use.flushes)} flush alarms: one a shard every ${w.heartbeatIntervalSec} s and ${millions(use.earlyFlushes)} brought forward by joins and leaves); ${formatCount(objectGbSeconds)} GB-s at ${w.durableObjectMsPerFlush} ms a flush and ${w.durableObjectMsPerMessage} ms a message (assumptions). Pings are auto-responses: not billed.`,
            `Upstash ${usd(redis.cost)}: ${w.socketFlushCommands} commands a flush whatever the shard's audience, ${millions(use.flushes)} flushes (${millions(use.flushCommands)} a month) plus the sync job's ${millions(u.syncCommands)}: ${(commands / viewerMinutes).toFixed(4)} commands a viewer-minute (HTTP heartbeats: ${(u.heartbeatCommands / viewerMinutes).toFixed(2)}).`,
            `A page watching the count without being counted (watchStage) costs one upgrade a connection and nothing else: $${(((c.workers.perMillionRequests.value + d.perMillionRequests.value) * (u.liveHoursPerMonth / w.webSocketSessionHours)) / MILLION).toFixed(4)} a month per page watching around the clock, beyond the included requests.`,
            ...redis.notes,
            ...history.notes,
        ],
        options: [
            ...redis.options,
            ...history.options,
            ...optional(invocationLogsOption(input, workerRequests, databases, logs.cost)),
        ],
    };
}
function optional(value) {
    return value === undefined ? [] : [value];
}
