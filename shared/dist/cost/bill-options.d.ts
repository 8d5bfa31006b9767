/**
 * What a buyer may add to a bill, priced apart from its total: point-in-time recovery for the
 * DynamoDB table, and Workers invocation logs (off in wrangler.toml; priced so a buyer sees why).
 * Upstash's Prod Pack depends on the plan chosen: see hot-tier.ts.
 */
import type { PriceCatalogue } from "./catalogue-types.js";
import { type ModelInput } from "./model-kit.js";
import type { PricedOption } from "./types.js";
/** Point-in-time recovery (35 days of restore points) on a table holding `storedBytes`. */
export declare function pitrOption(storedBytes: number, historyMonths: number, c: PriceCatalogue): PricedOption;
/**
 * Workers invocation logs at head_sampling_rate 1 (every request logged) against the logs as
 * configured; undefined when they are already logged at that rate.
 */
export declare function invocationLogsOption(input: ModelInput, invocations: number, syncDatabases: number, configuredUsd: number): PricedOption | undefined;
