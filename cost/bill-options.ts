/**
 * What a buyer may add to a bill, priced apart from its total: point-in-time recovery for the
 * DynamoDB table, and Workers invocation logs (off in wrangler.toml; priced so a buyer sees why).
 * Upstash's Prod Pack depends on the plan chosen: see hot-tier.ts.
 */
import type { PriceCatalogue } from "./catalogue-types";
import { logsTier, type ModelInput } from "./model-kit";
import { BYTES_PER_GB, dynamoPitrCost } from "./tiers";
import type { PricedOption } from "./types";

const usd = (v: number) => `$${Math.round(v).toLocaleString("en-US")}`;

/** Point-in-time recovery (35 days of restore points) on a table holding `storedBytes`. */
export function pitrOption(
  storedBytes: number,
  historyMonths: number,
  c: PriceCatalogue,
): PricedOption {
  const gb = storedBytes / BYTES_PER_GB;
  return {
    name: "DynamoDB point-in-time recovery",
    monthlyUsd: dynamoPitrCost(storedBytes, c),
    note: `Restore the table to any second of the last 35 days; billed on its size (${gb.toFixed(1)} GB at month ${historyMonths}, $${c.dynamodb.pitrPerGbMonth.value.toFixed(2)} per GB-month, no free allowance). History grows, so this does.`,
  };
}

/**
 * Workers invocation logs at head_sampling_rate 1 (every request logged) against the logs as
 * configured, as a list of options to spread into a bill's: empty when they are already logged
 * at that rate.
 */
export function invocationLogsOptions(
  input: ModelInput,
  invocations: number,
  syncDatabases: number,
  configuredUsd: number,
): PricedOption[] {
  if (input.w.invocationLogSampling >= 1) return [];
  const all = logsTier(
    { ...input, w: { ...input.w, invocationLogSampling: 1 } },
    invocations,
    syncDatabases,
  );
  return [
    {
      name: "Workers invocation logs, every request",
      monthlyUsd: all.cost - configuredUsd,
      note: `invocation_logs on at head_sampling_rate 1: ${(all.events / 1e6).toFixed(0)} M events, ${Math.round(all.ingestGb).toLocaleString("en-US")} GB ingested and ${Math.round(all.storageGbMonths).toLocaleString("en-US")} GB-months kept (7 days) a month, ${usd(all.cost)} in all. Off in wrangler.toml: a lower rate would cut this, but head sampling drops errors as often as successes; the lines the worker writes are kept, and \`wrangler tail\` shows every request.`,
    },
  ];
}
