import type { DocumentClient } from "@viewer-presence/shared/clients";
import type { Config } from "@viewer-presence/shared/config";
import type { CallDeadline } from "@viewer-presence/shared/deadlines";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import type { Stage } from "@viewer-presence/shared/stage";
import type { HistoryTable } from "./history/history-table";
import type { IsolateState } from "./isolate/isolate-state";
import type { EdgeRedis } from "./redis-client";
import type { StageRegistry } from "./stages/stage-registry";
import type { StageTable } from "./stages/stage-table";

/** Worker bindings: plain-text vars and secrets (see wrangler.toml and .env.example). */
export type Bindings = Record<string, unknown>;

/**
 * One Redis database as a request sees it: its client, what this isolate remembers of it, and
 * its part of the stage registry.
 */
export interface Shard {
  /** Index in `config.redisDatabases`. */
  database: number;
  redis: EdgeRedis;
  isolate: IsolateState;
  registry: StageRegistry;
}

/** What every handler finds on `c.var`, built per request from the bindings. */
export interface Services {
  config: Config;
  nowMs: number;
  keys: RedisKeys;
  /** The stage's home database (rendezvous hashing over `config.redisDatabases`). */
  shard(stageId: string): Shard;
  /**
   * The databases a stage's viewers write to (shared/rendezvous.ts `stageDatabases`), its home
   * first: one, unless the stage was created with `databases` > 1.
   */
  stageShards(stage: Stage): Shard[];
  /** The database one viewer of a stage writes to (its home unless the stage is spread). */
  viewerShard(stage: Stage, viewerId: string): Shard;
  /** Every database, in configuration order (totals over all stages, health). */
  shards(): Shard[];
  /** Built on first use: most requests (heartbeats) never touch DynamoDB. */
  stageTable: () => StageTable;
  /** The DynamoDB client of this request, built on first use (broadcasts, watch time). */
  dynamo: () => DocumentClient;
  /** Snapshots and viewing records; built on first use too. */
  historyTable: () => HistoryTable;
  /** Where failures that are our fault, or that a request survives, get logged. */
  logError: (message: string, error: unknown) => void;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: { services: Services };
}

/** How the app builds its clients, each call under `deadline`; tests swap these to inject faults. */
export interface ClientFactories {
  redis: (config: Config, deadline: CallDeadline, database?: number) => EdgeRedis;
  dynamo: (config: Config, deadline: CallDeadline) => DocumentClient;
}
