/**
 * What a user might pick instead: Cloudflare Durable Objects holding each stage's presence (one
 * object per stage, or several shards of it when its peak exceeds one object's soft limit),
 * every viewer's tab connected by a hibernatable WebSocket that carries the heartbeats, and
 * history written to DynamoDB by each object's alarm as the sync job does here.
 */
import { invocationLogsOptions } from "./bill-options";
import { historyTiers } from "./history-tiers";
import type { ModelInput, ModelOutput } from "./model-kit";
import { edgeCounts, limit, logsTier } from "./model-kit";
import { formatCount, formatMillions } from "./text";
import { durableObjectsCost, edgeCost } from "./tiers";

/**
 * Seconds between a shard's reports of its count to its stage's first object, which sums them
 * (as each isolate here refreshes a stage's count every 10 s). An assumption of this sketch.
 */
export const SHARD_MERGE_SEC = 10;

/** Durable Objects monthly quantities: connections, billed requests, active seconds, shards. */
export function durableObjectUsage({ w, u, c }: ModelInput) {
  const d = c.durableObjects;
  // A tab holds one WebSocket; it is opened (one request, through a Worker) once a session.
  const connections = (w.viewers * w.tabsPerViewer * u.liveHoursPerMonth) / w.webSocketSessionHours;
  const messages = u.heartbeats;
  // A stage whose peak exceeds one object's soft limit is split into shards, by viewer.
  const peakMessagesPerSecPerStage = (u.heartbeatsPerSec / w.stages) * w.peakToAverage;
  const shardsPerStage = Math.max(
    1,
    Math.ceil(peakMessagesPerSecPerStage / d.maxRequestsPerSecPerObject.value),
  );
  const objects = w.stages * shardsPerStage;
  const merges = shardsPerStage > 1 ? (objects * u.liveSecondsPerMonth) / SHARD_MERGE_SEC : 0;
  // Each object's alarm writes its part of the stage's window, as a sync run does.
  const alarms = u.liveSyncRuns * objects;
  const billedRequests =
    connections + messages / d.webSocketMessagesPerRequest.value + alarms + merges;
  // An object is billed while it runs (a hibernatable idle one is not): per message, and per
  // alarm the job's measured CPU per viewer (a lower bound: it also waits on DynamoDB).
  const perObjectMessageSec = (messages / objects) * (w.durableObjectMsPerMessage / 1000);
  const perObjectActiveSec = Math.min(u.liveSecondsPerMonth, perObjectMessageSec);
  const alarmSec = (u.liveSyncRuns * w.viewers * w.workerCpuMsPerSyncedViewer) / 1000;
  const activeSec = objects * perObjectActiveSec + alarmSec;
  const gbSeconds = activeSec * d.billedMemoryGb.value;
  return {
    connections,
    messages,
    alarms,
    merges,
    shardsPerStage,
    objects,
    billedRequests,
    gbSeconds,
    peakMessagesPerSecPerObject: peakMessagesPerSecPerStage / shardsPerStage,
  };
}

export function durableObjectsSnapshots(input: ModelInput): ModelOutput {
  const { w, u, c } = input;
  const d = c.durableObjects;
  const use = durableObjectUsage(input);
  const history = historyTiers(input);
  // Workers: each WebSocket upgrade, anonymous token request and console poll is a request.
  const workerRequests = use.connections + u.tokenRequests + history.dashboard.polls;
  const workerCpuMs = workerRequests * w.workerCpuMsPerHeartbeat;
  // The sketch prices compute only: its objects' storage rows are not modelled.
  const { compute: objects } = durableObjectsCost(
    { requests: use.billedRequests, gbSeconds: use.gbSeconds, rowsWritten: 0, rowsRead: 0 },
    c,
  );
  // Every incoming message and alarm runs the object: an invocation for invocation logs.
  const invocations = workerRequests + use.messages + use.alarms + use.merges;
  const logs = logsTier(input, invocations, use.objects);
  const viewersPerObject =
    Math.round(
      (d.maxRequestsPerSecPerObject.value * w.heartbeatIntervalSec) /
        (w.tabsPerViewer * w.heartbeatsPerTabInterval * w.peakToAverage) /
        1000,
    ) * 1000;
  return {
    tiers: {
      edge: edgeCost(workerRequests, workerCpuMs, c),
      objects,
      logs: logs.cost,
      redis: 0,
      ...history.tiers,
    },
    counts: {
      ...edgeCounts(u, { requests: workerRequests, cpuMs: workerCpuMs }, logs),
      objectRequests: use.billedRequests,
      objectGbSeconds: use.gbSeconds,
      ...history.counts,
    },
    limits: [
      limit(
        "Messages per second into one object at peak (soft limit)",
        use.peakMessagesPerSecPerObject,
        d.maxRequestsPerSecPerObject.value,
        "messages/s",
      ),
    ],
    plan: {
      name: `Durable Objects, ${use.shardsPerStage} per stage`,
      databases: use.objects,
    },
    notes: [
      `Edge: Workers, ${formatMillions(use.connections)} WebSocket upgrades and the console polls. Durable Objects, ${formatMillions(use.billedRequests)} billed requests (${formatMillions(use.messages)} incoming messages counted 20 to 1), ${formatMillions(use.gbSeconds)} GB-s at ${w.durableObjectMsPerMessage} ms a message (an assumption).`,
      "Beats this system on the bill: a heartbeat is a WebSocket message (1/20 of a request, no Worker request, no Redis command), so the edge tier, most of this system's bill, nearly vanishes.",
      `One object carries a stage of about ${formatCount(viewersPerObject)} viewers: their peak (x${w.peakToAverage}) reaches its soft limit of ${formatCount(d.maxRequestsPerSecPerObject.value)} requests/s. ${
        use.shardsPerStage > 1
          ? `Each stage is priced as ${use.shardsPerStage} shards, which report their counts to the stage's first object every ${SHARD_MERGE_SEC} s (${formatMillions(use.merges)} requests).`
          : "A larger stage would be split into shards with a merge (priced when needed)."
      }`,
      "Where it loses: every tab holds a connection (mobile networks and background tabs drop them), a deploy closes every WebSocket at once, and it is a rewrite of client, edge and sync job. Not built or measured: priced from Cloudflare's pages.",
      ...history.notes,
    ],
    options: [
      ...history.options,
      ...invocationLogsOptions(input, invocations, use.objects, logs.cost),
    ],
  };
}
