/**
 * The few Workers runtime types the entry uses, declared here rather than pulling
 * @cloudflare/workers-types into a project whose other folders run on Node and Deno.
 */
export type { ExecutionContext } from "hono";

export interface ScheduledController {
  readonly scheduledTime: number;
  readonly cron: string;
  noRetry(): void;
}
