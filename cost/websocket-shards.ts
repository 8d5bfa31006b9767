/**
 * This system over its WebSocket transport (edge/presence-shard): each tab holds one hibernatable
 * WebSocket to a Durable Object shard of its stage; pings are answered by the runtime's
 * auto-response (neither a request nor duration); once a slot the shard writes its viewers' bits
 * to Upstash in the layout the sync job reads, in a pipeline whose command count does not grow
 * with its viewers; the sync job and DynamoDB are unchanged. What remains per viewer is the
 * upgrade (a Worker request and an object request) once a session, and a few messages.
 */
import { invocationLogsOptions } from "./bill-options";
import { historyTiers } from "./history-tiers";
import { fixedBill, type HotTier, hotCounts, paygBill, type RedisBill } from "./hot-tier";
import type { ModelInput, ModelOutput } from "./model-kit";
import { edgeCounts, limit, logsTier, peakPerSec, syncCpuMs } from "./model-kit";
import { formatCount, formatMillions, plural } from "./text";
import { durableObjectsCost, edgeCost } from "./tiers";

const MILLION = 1e6;
const usd = (v: number) => `$${v.toFixed(2)}`;

/** Sockets one object can hold at most (Cloudflare's limit on hibernatable WebSockets). */
export const SOCKETS_PER_OBJECT_LIMIT = 32_768;
/**
 * Seconds over which the typed client spreads the reconnects after a deploy closed every socket
 * (a random delay up to this before the first reconnect).
 */
export const DEPLOY_RECONNECT_SPREAD_SEC = 30;
/** Bytes of a flush besides its viewers' operations: keys, the count and check, HTTP framing. */
const FLUSH_FIXED_BYTES = 600;
/**
 * Bytes a joining or leaving viewer adds to the flush that writes it: its id and audience tag
 * for the index, its bit, or its id to clear (an assumption from the script's arguments).
 */
const CHANGED_VIEWER_BYTES = 60;
/** A join's or leave's count reaches the shard's pages this soon (edge/presence/shard-schedule.ts). */
const PUSH_WITHIN_SEC = 1;

/** The WebSocket transport's monthly quantities: sockets, shards, flushes, object requests. */
export function webSocketUsage({ w, u }: Pick<ModelInput, "w" | "u">) {
  const tabSessions = u.sessions * w.tabsPerViewer;
  const tabHours = w.viewers * w.tabsPerViewer * u.liveHoursPerMonth;
  // A tab connects once a session, and again when its connection drops (every
  // webSocketSessionHours) or a deploy closes it; watching pages connect the same way.
  const viewerConnections =
    Math.max(tabSessions, tabHours / w.webSocketSessionHours) +
    w.deploysPerMonth * w.viewers * w.tabsPerViewer * u.liveShare;
  const watcherConnections = (w.watchers * u.liveHoursPerMonth) / w.webSocketSessionHours;
  const connections = viewerConnections + watcherConnections;
  // State changes and the leave, and an anonymous viewer's token renewals (each a message too).
  const messages = tabSessions * w.socketMessagesPerSession + u.tokenRequests;
  const peakSocketsPerStage = ((w.viewers * w.tabsPerViewer) / w.stages) * w.peakToAverage;
  const shardsPerStage = Math.max(1, Math.ceil(peakSocketsPerStage / w.socketsPerShard));
  const shards = w.stages * shardsPerStage;
  const slotFlushes = (shards * u.liveSecondsPerMonth) / w.heartbeatIntervalSec;
  // Viewers' joins and leaves (every connection has both; a watcher's change nothing) are pushed
  // to the shard's pages by an alarm within a second; events of one second share it.
  const events = 2 * viewerConnections;
  // Between slots a shard writes only what changed, the first change after a quiet gap at once
  // and then at most once per gap (edge/presence/shard-schedule.ts).
  const earlyFlushes = Math.min(
    viewerConnections * w.socketEarlyFlushesPerSession,
    (shards * u.liveSecondsPerMonth) / w.socketFlushGapSec,
  );
  const pushAlarms = Math.max(
    earlyFlushes,
    Math.min(events, (shards * u.liveSecondsPerMonth) / PUSH_WITHIN_SEC),
  );
  const flushes = slotFlushes + earlyFlushes;
  const viewersPerShard = w.viewers / shards;
  // Storage rows written (each put and setAlarm): a slot flush sets its next alarm and saves the
  // shard's meta and what it owed. Rows read: the meta and the alarm per event and alarm.
  // A shard whose count moves every second re-arms its alarm a second ahead (one row), and its
  // events then find it set; a quieter one writes the event's alarm, its changes and the next.
  const busy = events / (shards * u.liveSecondsPerMonth) >= 1 / PUSH_WITHIN_SEC;
  const rowsWritten = slotFlushes * 3 + pushAlarms * (busy ? 1 : 3);
  const rowsRead = (events + connections + slotFlushes + pushAlarms) * 2;
  return {
    connections,
    watcherConnections,
    messages,
    shardsPerStage,
    shards,
    flushes,
    earlyFlushes,
    pushAlarms,
    rowsWritten,
    rowsRead,
    peakSocketsPerShard: peakSocketsPerStage / shardsPerStage,
    flushCommands: flushes * w.socketFlushCommands,
    // A slot's flush carries every viewer of the shard; one between slots only the viewers who
    // joined (their index is written) or started playing, and the leaves.
    flushBytes:
      flushes * FLUSH_FIXED_BYTES +
      slotFlushes * viewersPerShard * w.socketFlushBytesPerViewer +
      events * CHANGED_VIEWER_BYTES,
    largestFlushBytes:
      FLUSH_FIXED_BYTES +
      Math.min(w.socketsPerShard, peakSocketsPerStage) * w.socketFlushBytesPerViewer,
  };
}

/** The cheaper of pay-as-you-go and the fixed plan a buyer would pick, for the flushes' traffic. */
function upstashBill(input: ModelInput, hot: HotTier, largestRequestBytes: number): RedisBill {
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

export function webSocketShardsSnapshots(input: ModelInput): ModelOutput {
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
  const alarms = use.flushes - use.earlyFlushes + use.pushAlarms;
  const objectRequests =
    use.connections + use.messages / d.webSocketMessagesPerRequest.value + alarms;
  const activeSec =
    (use.flushes * w.durableObjectMsPerFlush +
      (use.pushAlarms - use.earlyFlushes) * w.durableObjectMsPerPush +
      (use.connections + use.messages) * w.durableObjectMsPerMessage) /
    1000;
  const objectGbSeconds = activeSec * d.billedMemoryGb.value;
  const { compute, storage } = durableObjectsCost(
    {
      requests: objectRequests,
      gbSeconds: objectGbSeconds,
      rowsWritten: use.rowsWritten,
      rowsRead: use.rowsRead,
    },
    c,
  );
  const objects = compute + storage;
  const commands = use.flushCommands + u.syncCommands;
  const hot: HotTier = {
    commands,
    bandwidthBytes: use.flushBytes + u.syncBandwidthBytes,
    dataBytes: u.redisDataBytes,
    peakCommandsPerSec: peakPerSec(commands, input),
  };
  const redis = upstashBill(input, hot, use.largestFlushBytes);
  const databases = redis.plan.databases;
  // Every Worker request, incoming message and alarm is an invocation, for logs and their option.
  const invocations = workerRequests + use.messages + use.flushes;
  const logs = logsTier(input, invocations, databases);
  const edge = edgeCost(workerRequests, workerCpuMs, c);
  const viewerMinutes = (w.viewers * u.liveSecondsPerMonth) / 60;
  const viewerHours = w.viewers * u.liveHoursPerMonth;
  return {
    tiers: { edge, objects, logs: logs.cost, redis: redis.cost, ...history.tiers },
    counts: {
      ...edgeCounts(u, { requests: workerRequests, cpuMs: workerCpuMs }, logs),
      ...hotCounts(hot),
      objectRequests,
      objectGbSeconds,
      objectRowsWritten: use.rowsWritten,
      ...history.counts,
    },
    limits: [
      ...redis.limits,
      limit(
        "Sockets one shard holds at peak",
        use.peakSocketsPerShard,
        SOCKETS_PER_OBJECT_LIMIT,
        "sockets",
      ),
      limit(
        `Reconnects per second into one shard after a deploy (spread over ${DEPLOY_RECONNECT_SPREAD_SEC} s)`,
        use.peakSocketsPerShard / DEPLOY_RECONNECT_SPREAD_SEC,
        d.maxRequestsPerSecPerObject.value,
        "requests/s",
      ),
    ],
    plan: { name: `${redis.plan.name}, ${plural(use.shards, "shard")}`, databases },
    notes: [
      `Workers ${usd(edge)}: ${formatMillions(use.connections)} WebSocket upgrades (a tab's session, a reconnect every ${w.webSocketSessionHours} h, ${w.deploysPerMonth} deploys${use.watcherConnections > 0 ? `, ${formatCount(w.watchers)} watching pages` : ""}), ${formatMillions(u.tokenRequests)} anonymous token requests, the console's polls and the cron: ${formatMillions(workerRequests)} requests, ${(workerRequests / viewerHours).toFixed(2)} a viewer-hour.`,
      `Durable Objects ${usd(objects)}: ${plural(use.shards, "shard")} (${use.shardsPerStage} a stage, at most ${formatCount(w.socketsPerShard)} sockets each); ${formatMillions(objectRequests)} billed requests (${formatMillions(use.connections)} upgrades, ${formatMillions(use.messages)} messages counted 20 to 1, ${formatMillions(alarms)} alarms: a flush of every viewer each ${w.heartbeatIntervalSec} s, and ${formatMillions(use.pushAlarms)} within a second of joins and leaves, ${formatMillions(use.earlyFlushes)} of them writing the changes to Upstash, at most one per ${w.socketFlushGapSec} s a shard); ${formatCount(objectGbSeconds)} GB-s at ${w.durableObjectMsPerFlush} ms a flush, ${w.durableObjectMsPerPush} ms a push and ${w.durableObjectMsPerMessage} ms a message (assumptions); storage ${usd(storage)}: ${formatMillions(use.rowsWritten)} rows written (${formatCount(d.includedRowsWritten.value / MILLION)} M included), ${formatMillions(use.rowsRead)} read. Pings are auto-responses: not billed.`,
      `Upstash ${usd(redis.cost)}: ${w.socketFlushCommands} commands a flush whatever the shard's audience, ${formatMillions(use.flushes)} flushes (${formatMillions(use.flushCommands)} a month) plus the sync job's ${formatMillions(u.syncCommands)}: ${(commands / viewerMinutes).toFixed(4)} commands a viewer-minute (HTTP heartbeats: ${(u.heartbeatCommands / viewerMinutes).toFixed(2)}).`,
      `A page watching the count without being counted (watchStage) costs one upgrade a connection and nothing else: $${(((c.workers.perMillionRequests.value + d.perMillionRequests.value) * (u.liveHoursPerMonth / w.webSocketSessionHours)) / MILLION).toFixed(4)} a month per page watching around the clock, beyond the included requests.`,
      ...redis.notes,
      ...history.notes,
    ],
    options: [
      ...redis.options,
      ...history.options,
      ...invocationLogsOptions(input, invocations, databases, logs.cost),
    ],
  };
}
