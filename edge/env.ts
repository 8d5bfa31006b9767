import type { DocumentClient } from "../shared/clients";
import type { Config } from "../shared/config";
import type { CallDeadline } from "../shared/deadlines";
import type { RedisKeys } from "../shared/redis-keys";
import type { HistoryTable } from "./history/history-table";
import type { IsolateState } from "./isolate-state";
import type { EdgeRedis } from "./redis-client";
import type { StageRegistry } from "./stages/stage-registry";
import type { StageTable } from "./stages/stage-table";

/** Worker bindings: plain-text vars and secrets (see wrangler.toml and the README). */
export type Bindings = Record<string, unknown>;

/** What every handler finds on `c.var`, built per request from the bindings. */
export interface Services {
  config: Config;
  nowMs: number;
  redis: EdgeRedis;
  keys: RedisKeys;
  isolate: IsolateState;
  /** Built on first use: most requests (heartbeats) never touch DynamoDB. */
  stageTable: () => StageTable;
  /** Snapshots and viewing records; built on first use too. */
  historyTable: () => HistoryTable;
  registry: StageRegistry;
  /** Where failures that are our fault, or that a request survives, get logged. */
  logError: (message: string, error: unknown) => void;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: { services: Services };
}

/** How the app builds its clients, each call under `deadline`; tests swap these to inject faults. */
export interface ClientFactories {
  redis: (config: Config, deadline: CallDeadline) => Services["redis"];
  dynamo: (config: Config, deadline: CallDeadline) => DocumentClient;
}
