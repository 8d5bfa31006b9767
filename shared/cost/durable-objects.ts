/**
 * What a user might pick instead: Cloudflare Durable Objects, one object per stage holding its
 * presence, every viewer's tab connected by a hibernatable WebSocket that carries the heartbeats,
 * and history written to DynamoDB by each object's alarm as the sync job does here.
 */
import { baseCounts, limit, type ModelInput, type ModelOutput } from "./model-kit";
import { historyTiers } from "./redis-architectures";
import { edgeCost } from "./tiers";

const MILLION = 1e6;
const beyond = (used: number, included: number) => Math.max(0, used - included);

/** Durable Objects monthly quantities: connections, billed requests, active seconds. */
export function durableObjectUsage({ w, u, c }: ModelInput) {
  const d = c.durableObjects;
  // A tab holds one WebSocket; it is opened (one request, through a Worker) once a session.
  const connections = (w.viewers * w.tabsPerViewer * w.hoursPerMonth) / w.webSocketSessionHours;
  const messages = u.heartbeats;
  // Each object's alarm writes its stage's window, as a sync run does.
  const alarms = u.syncRuns * w.stages;
  const billedRequests = connections + messages / d.webSocketMessagesPerRequest.value + alarms;
  // An object is billed while it runs (a hibernatable idle one is not): per message, and per
  // alarm the job's measured CPU per viewer (a lower bound: it also waits on DynamoDB).
  const perStageMessageSec = (messages / w.stages) * (w.durableObjectMsPerMessage / 1000);
  const perStageActiveSec = Math.min(u.secondsPerMonth, perStageMessageSec);
  const alarmSec = (u.syncRuns * w.viewers * w.workerCpuMsPerSyncedViewer) / 1000;
  const activeSec = w.stages * perStageActiveSec + alarmSec;
  const gbSeconds = activeSec * d.billedMemoryGb.value;
  const peakMessagesPerSecPerObject = (u.heartbeatsPerSec / w.stages) * w.peakToAverage;
  return { connections, messages, alarms, billedRequests, gbSeconds, peakMessagesPerSecPerObject };
}

export function durableObjectsSnapshots(input: ModelInput): ModelOutput {
  const { w, u, c } = input;
  const d = c.durableObjects;
  const use = durableObjectUsage(input);
  const history = historyTiers(input);
  // Workers: each WebSocket upgrade and each console poll is a Worker request.
  const workerRequests = use.connections + history.dashboard.polls;
  const workerCpuMs = workerRequests * w.workerCpuMsPerHeartbeat;
  const objects =
    (beyond(use.billedRequests, d.includedRequests.value) / MILLION) * d.perMillionRequests.value +
    (beyond(use.gbSeconds, d.includedGbSeconds.value) / MILLION) * d.perMillionGbSeconds.value;
  const perStageViewers = w.viewers / w.stages;
  return {
    tiers: {
      edge: edgeCost(workerRequests, workerCpuMs, c),
      // The objects are the hot store here, in the column Upstash takes elsewhere.
      redis: objects,
      ...history.tiers,
    },
    counts: {
      ...baseCounts(u),
      workerRequests,
      workerCpuMs,
      ...history.counts,
    },
    limits: [
      limit(
        "Messages per second into one stage's object at peak (soft limit)",
        use.peakMessagesPerSecPerObject,
        d.maxRequestsPerSecPerObject.value,
        "messages/s",
      ),
    ],
    plan: { name: "Durable Objects, one per stage", databases: w.stages },
    notes: [
      `Edge: Workers, ${(use.connections / MILLION).toFixed(1)} M WebSocket upgrades and the console polls. Hot store (the Redis column): Durable Objects, ${(use.billedRequests / MILLION).toFixed(1)} M billed requests, ${(use.messages / MILLION).toFixed(0)} M incoming messages counted 20 to 1; ${(use.gbSeconds / MILLION).toFixed(2)} M GB-s at ${w.durableObjectMsPerMessage} ms a message, an assumption.`,
      "Beats this system on the bill: a heartbeat is a WebSocket message (1/20 of a request, no Worker request, no Redis command), so the edge tier, most of this system's bill, nearly vanishes. Outgoing messages (the count pushed to viewers) are free.",
      `Where it does not: every tab holds a connection (mobile networks, proxies and backgrounded tabs drop them; each drop is a reconnect), a deploy closes every WebSocket at once (Cloudflare's WebSockets page: 'Code updates will disconnect all WebSockets'), one object is single-threaded with a soft limit of 1,000 requests/s, about ${(Math.round((d.maxRequestsPerSecPerObject.value * w.heartbeatIntervalSec) / (w.tabsPerViewer * w.heartbeatsPerTabInterval) / 1000) * 1000).toLocaleString("en-US")} viewers a stage at this interval (here ${Math.round(perStageViewers).toLocaleString("en-US")}), beyond which a stage needs several objects and a merge; and it is a rewrite: the client, the edge and the sync job all change. Not built, not measured: priced from Cloudflare's published prices only.`,
      ...history.notes,
    ],
  };
}
