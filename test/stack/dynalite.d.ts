/** The little of dynalite 4 that the local stack uses (the package ships no types). */
declare module "dynalite" {
  import type { Server } from "node:http";

  export interface DynaliteOptions {
    /** How long a new table stays CREATING, in ms. Default 500. */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    /** LevelDB directory; absent means in memory. */
    path?: string;
    verbose?: boolean;
    debug?: boolean;
  }

  /** Returns an HTTP server speaking the DynamoDB API; call `listen` on it. */
  export default function dynalite(options?: DynaliteOptions): Server;
}
