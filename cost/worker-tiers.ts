/**
 * The Workers side of a bill whose every invocation is a Worker request (each architecture but
 * the Durable Objects ones, whose messages and alarms are invocations too).
 */
import { invocationLogsOptions } from "./bill-options";
import { edgeTier, logsTier, type ModelInput } from "./model-kit";

/** What the sync job adds to the Workers' bill, when an architecture runs it. */
export interface SyncJobLoad {
  /** Databases each run syncs: a log line each. */
  databases: number;
  /** The consoles' polls of the history routes in a month: a request each. */
  dashboardPolls: number;
}

/**
 * The edge tier (edgeTier), Workers Logs of its requests and of the sync job's lines (logsTier),
 * and `invocationLogs`, the option of logging every request (empty when already logged). `syncJob`
 * undefined: the architecture runs no sync job.
 */
export function workerTiers(input: ModelInput, syncJob?: SyncJobLoad) {
  const edge = edgeTier(input, syncJob !== undefined, syncJob?.dashboardPolls ?? 0);
  const databases = syncJob?.databases ?? 0;
  const logs = logsTier(input, edge.requests, databases);
  const invocationLogs = invocationLogsOptions(input, edge.requests, databases, logs.cost);
  return { edge, logs, invocationLogs };
}
