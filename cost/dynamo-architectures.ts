/**
 * Architectures that write every heartbeat to DynamoDB: on demand, provisioned, and the seed's
 * scheme 2 (heartbeats buffered and written with BatchWriteItem).
 */
import { pitrOption } from "./bill-options";
import type { ModelInput, ModelOutput } from "./model-kit";
import { EDGE_NOTE, edgeCounts, limit, peakPerSec } from "./model-kit";
import {
  awsTransferCost,
  BYTES_PER_GB,
  dynamoStorageCost,
  onDemandReadCost,
  onDemandWriteCost,
  provisionedCost,
} from "./tiers";
import { auditStoredBytes, readUnitsPerRead, writeUnitsPerItem } from "./usage";
import { workerTiers } from "./worker-tiers";

/** Heartbeat writes (and a leave's delete) and count reads, shared by the three architectures. */
function heartbeatTraffic({ w, u, c }: ModelInput) {
  const writeUnits =
    u.heartbeats * writeUnitsPerItem(w.heartbeatItemSizeBytes, c.dynamodb) + u.leaves;
  const readRequests = u.heartbeats * w.countReadsPerHeartbeat;
  const readUnits = readRequests * readUnitsPerRead(w.heartbeatItemSizeBytes, w, c.dynamodb);
  return { writeUnits, readRequests, readUnits };
}

function transferBytes(writeRequests: number, readRequests: number, { w }: ModelInput): number {
  const overhead = w.dynamoResponseOverheadBytes;
  return writeRequests * overhead + readRequests * (overhead + w.heartbeatItemSizeBytes);
}

function quotaLimits(writeUnits: number, readUnits: number, input: ModelInput) {
  const q = input.c.dynamodb.quotas;
  return [
    limit(
      "DynamoDB table write units/s at peak (default quota)",
      peakPerSec(writeUnits, input),
      q.tableWriteUnitsPerSec.value,
      "WRU/s",
    ),
    limit(
      "DynamoDB table read units/s at peak (default quota)",
      peakPerSec(readUnits, input),
      q.tableReadUnitsPerSec.value,
      "RRU/s",
    ),
  ];
}

/**
 * The bill of heartbeats written to on-demand DynamoDB in `writeRequests` requests (a month),
 * with `storedBytes` kept in the table, and no sync job: the Workers and their logs, DynamoDB's
 * writes, reads, storage and transfer out, its quotas, and point-in-time recovery and invocation
 * logs as options. Each architecture adds its notes.
 */
function onDemandBill(input: ModelInput, writeRequests: number, storedBytes: number) {
  const { w, u, c } = input;
  const { edge, logs, invocationLogs } = workerTiers(input);
  const { writeUnits, readRequests, readUnits } = heartbeatTraffic(input);
  const outBytes = transferBytes(writeRequests, readRequests, input);
  return {
    tiers: {
      edge: edge.cost,
      objects: 0,
      logs: logs.cost,
      redis: 0,
      dynamoWrites: onDemandWriteCost(writeUnits, c),
      dynamoReads: onDemandReadCost(readUnits, c),
      dynamoStorage: dynamoStorageCost(storedBytes, c),
      transfer: awsTransferCost(outBytes, c),
    },
    counts: {
      ...edgeCounts(u, edge, logs),
      dynamoWriteUnits: writeUnits,
      dynamoWriteRequests: writeRequests,
      dynamoReadUnits: readUnits,
      dynamoReadRequests: readRequests,
      dynamoStorageGb: storedBytes / BYTES_PER_GB,
      transferOutGb: outBytes / BYTES_PER_GB,
    },
    limits: quotaLimits(writeUnits, readUnits, input),
    options: [pitrOption(storedBytes, w.historyMonths, c), ...invocationLogs],
  };
}

/** Every heartbeat a PutItem (overwriting the viewer's presence item) plus the count reads. */
export function dynamoOnDemand(input: ModelInput): ModelOutput {
  const { w, u, c } = input;
  // One presence item a viewer present at the peak, each with DynamoDB's 100 B of overhead.
  const storedBytes =
    w.viewers *
    w.peakToAverage *
    (w.heartbeatItemSizeBytes + c.dynamodb.storageOverheadBytesPerItem.value);
  return {
    ...onDemandBill(input, u.heartbeats + u.leaves, storedBytes),
    notes: [
      EDGE_NOTE,
      "Presence items are overwritten per viewer and deleted on leave (TTL deletes are free), so storage stays small.",
      "DynamoDB responses travel to the edge worker and are billed as AWS data transfer out.",
    ],
  };
}

/** The same traffic on provisioned capacity sized to the average rate at the utilisation target. */
export function dynamoProvisioned(input: ModelInput): ModelOutput {
  const { w, u, c } = input;
  const onDemand = dynamoOnDemand(input);
  const { writeUnits, readUnits } = heartbeatTraffic(input);
  // Sized to the rate while live; held all month (scheduled scaling could follow a show).
  const avgWrite = writeUnits / u.liveSecondsPerMonth;
  // One RCU serves one strongly consistent read per second, i.e. one read unit per second.
  const avgRead = readUnits / u.liveSecondsPerMonth;
  const wcu = Math.ceil(avgWrite / w.provisionedUtilisation);
  const rcu = Math.ceil(avgRead / w.provisionedUtilisation);
  const cost = provisionedCost(wcu, rcu, w.hoursPerMonth, c);
  const peakWrite = avgWrite * w.peakToAverage;
  const peakRead = avgRead * w.peakToAverage;
  return {
    tiers: { ...onDemand.tiers, dynamoWrites: cost.writes, dynamoReads: cost.reads },
    counts: { ...onDemand.counts, provisionedWcu: wcu, provisionedRcu: rcu },
    limits: [
      limit("Peak write units/s vs provisioned WCU", peakWrite, wcu, "WCU"),
      limit("Peak read units/s vs provisioned RCU", peakRead, rcu, "RCU"),
    ],
    notes: [
      EDGE_NOTE,
      `Capacity sized to the average rate at a ${Math.round(w.provisionedUtilisation * 100)}% utilisation target: ${wcu} WCU, ${rcu} RCU, held all month (25 of each free).`,
      peakWrite > wcu
        ? `Peaks (x${w.peakToAverage}) exceed the capacity: auto scaling must follow them, or heartbeats are throttled.`
        : `Peaks (x${w.peakToAverage}) fit within the provisioned capacity.`,
      "DynamoDB responses travel to the edge worker and are billed as AWS data transfer out.",
    ],
    options: onDemand.options,
  };
}

/**
 * The seed's scheme 2: heartbeats buffered and written 25 to a BatchWriteItem call. DynamoDB
 * bills each item as its own PutItem, so the write units are exactly those of one PutItem per
 * heartbeat; only the number of requests (and response bytes) falls. The events are kept for
 * the audit period, which is what the scheme is for.
 */
export function batchedHeartbeatWrites(input: ModelInput): ModelOutput {
  const { w, u, c } = input;
  const writeRequests = (u.heartbeats + u.leaves) / c.dynamodb.units.batchWriteMaxItems.value;
  return {
    ...onDemandBill(input, writeRequests, auditStoredBytes(w, u, c.dynamodb)),
    notes: [
      EDGE_NOTE,
      "BatchWriteItem bills every item as a PutItem: batching saves requests, not write units.",
      w.auditRetentionDays === 0
        ? `Heartbeat events kept for good (AUDIT_RETENTION_DAYS=0): storage grows every month, priced at month ${w.historyMonths}.`
        : `Heartbeat events kept ${w.auditRetentionDays} days (AUDIT_RETENTION_DAYS) for the audit trail.`,
      "The buffer itself (a Redis stream or Durable Object between heartbeats and the batch) is not priced.",
    ],
  };
}
